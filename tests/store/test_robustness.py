"""Issue 8: a damaged, truncated, read-only or missing store is one line naming the file; reads work on a
read-only store; Ctrl-C during ingest stops after the current batch and the rerun resumes; any file name
is stored and printed safely."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rashomon.present.cli import app
from rashomon.settings import Settings
from rashomon.store import Store

STORY = (
    "Ferry timetable changes in Keldmouth\n\n"
    "KELDMOUTH, October 7 (MNA) — The ferry between Keldmouth and Caster will sail {n} times a day from "
    "Monday while the Sarne bridge is closed for repairs, the operator said on Wednesday.\n\n"
    "Extra crews were hired for the rush hours and the last ferry of the day will leave Caster at midnight, "
    "a spokeswoman for the operator said. Passengers with a bridge pass travel free of charge, story {n}.\n"
)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def stored(tmp_path: Path, runner: CliRunner) -> Path:
    """A store holding one ingested (not analysed) article."""
    source = tmp_path / "story.txt"
    source.write_text(STORY.format(n=3), encoding="utf-8")
    db = tmp_path / "store.db"
    result = runner.invoke(app, ["ingest", str(source), "--db", str(db), "--no-analyse"])
    assert result.exit_code == 0, result.stderr
    return db


def _one_error_line(result: object) -> str:
    stderr: str = result.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "server" not in lines[0]  # an SQLite store has no server to check
    return lines[0]


def test_robustness_store_not_sqlite(tmp_path: Path, runner: CliRunner) -> None:
    db = tmp_path / "junk.db"
    db.write_bytes(os.urandom(5000))
    for command in (["list"], ["ingest", str(tmp_path / "none.txt")]):
        result = runner.invoke(app, [*command, "--db", str(db)])
        assert result.exit_code == 1
        line = _one_error_line(result)
        assert str(db) in line and "not an SQLite database" in line


def test_robustness_store_truncated(stored: Path, runner: CliRunner) -> None:
    with open(stored, "r+b") as handle:
        handle.truncate(4096)
    result = runner.invoke(app, ["list", "--db", str(stored)])
    assert result.exit_code == 1
    line = _one_error_line(result)
    assert str(stored) in line and "damaged" in line


def test_robustness_store_header_only(tmp_path: Path, runner: CliRunner) -> None:
    db = tmp_path / "cut.db"
    db.write_bytes(b"SQLite format 3\x00")
    result = runner.invoke(app, ["events", "--db", str(db)])
    assert result.exit_code == 1
    assert "truncated" in _one_error_line(result)


def test_robustness_read_mode_writes_nothing(stored: Path) -> None:
    before = stored.read_bytes()
    for suffix in ("-wal", "-shm"):
        Path(str(stored) + suffix).unlink(missing_ok=True)
    with Store.open(Settings(db=str(stored)), mode="read") as store:
        assert store.read_only and store.count_articles() == 1
    assert stored.read_bytes() == before


def _immutable(path: Path) -> bool:
    """chattr +i: a store nobody can write, root included (as on a read-only mount)."""
    if shutil.which("chattr") is None:
        return False
    return subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False).returncode == 0


def test_robustness_read_only_store_reads_and_refuses_writes(stored: Path, runner: CliRunner) -> None:
    folder = stored.parent
    if not _immutable(folder) or not _immutable(stored):
        subprocess.run(["chattr", "-i", str(folder), str(stored)], capture_output=True, check=False)
        pytest.skip("chattr +i is not permitted here (needs CAP_LINUX_IMMUTABLE)")
    try:
        for command in (["list"], ["events"], ["show", "story.txt"]):
            result = runner.invoke(app, [*command, "--db", str(stored)])
            assert result.exit_code in (0, 1), result.stderr
            assert "Traceback" not in result.stderr
        listed = runner.invoke(app, ["list", "--db", str(stored), "--format", "json"])
        assert listed.exit_code == 0, listed.stderr
        assert json.loads(listed.stdout)["total"] == 1
        result = runner.invoke(app, ["ingest", str(folder / "story.txt"), "--db", str(stored)])
        assert result.exit_code == 1
        line = _one_error_line(result)
        assert str(stored) in line and "read-only" in line
    finally:
        subprocess.run(["chattr", "-i", str(folder), str(stored)], capture_output=True, check=False)


def test_robustness_non_utf8_file_name_stored_and_printed(tmp_path: Path, runner: CliRunner) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / os.fsdecode(b"bad\xffname.txt")).write_text(STORY.format(n=5), encoding="utf-8")
    db = str(tmp_path / "names.db")
    result = runner.invoke(app, ["ingest", str(folder), "--db", db, "--no-analyse"])
    assert result.exit_code == 0, result.stderr
    listed = runner.invoke(app, ["list", "--db", db, "--format", "json"])
    [article] = json.loads(listed.stdout)["articles"]
    assert article["source"].endswith("bad\\xffname.txt")  # escaped, not a crash or invalid UTF-8
    shown = runner.invoke(app, ["show", article["source"], "--db", db, "--format", "json"])
    assert shown.exit_code == 0, shown.stderr
    extracted = subprocess.run(
        [sys.executable, "-m", "rashomon", "extract", str(folder), "--format", "json"], capture_output=True, check=True
    )
    json.loads(extracted.stdout.decode("utf-8"))  # valid UTF-8


def test_robustness_ctrl_c_stops_after_the_batch_and_rerun_resumes(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    total = 1500
    for n in range(total):
        (folder / f"story-{n:04d}.txt").write_text(STORY.format(n=n), encoding="utf-8")
    db = tmp_path / "big.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RASHOMON_")}
    args = [sys.executable, "-m", "rashomon", "ingest", str(folder), "--db", str(db), "--no-analyse"]
    process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (db.exists() and db.stat().st_size > 200_000):
        time.sleep(0.2)  # wait for a few batches to be stored
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    text = stderr.decode("utf-8")
    assert "Traceback" not in text
    if process.returncode == 0:
        pytest.skip("the ingest finished before Ctrl-C arrived (a very fast machine)")
    assert process.returncode == 130, text
    assert "Run the same command again to resume" in text
    summary = re.search(r"(\d+) added, .* (\d+) republished .* (\d+) duplicate", text)
    assert summary, text
    done_before = sum(int(n) for n in summary.groups())  # inputs stored before the stop
    assert 0 < done_before < total
    rerun = subprocess.run(args, env=env, capture_output=True, timeout=300, check=False)
    assert rerun.returncode == 0, rerun.stderr.decode()
    again = rerun.stderr.decode()
    assert f"{done_before} already ingested" in again  # nothing stored twice, nothing lost
    summary = re.search(r"(\d+) added, .* (\d+) republished .* (\d+) duplicate", again)
    assert summary and done_before + sum(int(n) for n in summary.groups()) == total
