"""Issue 9, store and command line: outlets that do not depend on the batch, versions of an edited article,
sources found by any spelling, clustering whichever command analysed, one-outlet events, options that
behave, reports not read back as articles, and a command line that imports lazily.

Inputs are the invented demo in examples/ and texts written here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rashomon.present.cli import app

STORY = (
    "Caster council keeps the night bus\n\n"
    "CASTER, October 7 (MNA) — The night bus between Caster and Keldmouth will keep running through the "
    "winter, the council decided on Monday after a petition signed by 4,000 residents.\n\n"
    '"People who work late have no other way home," councillor Mara Venn said after the vote.\n\n'
    "The service costs the council 300,000 euros a year, and ticket sales cover about a third of it, "
    "according to the transport office.\n"
)


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def _json(result) -> dict:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


# ------------------------------------------------------------------------------------------ 4. outlets


@pytest.mark.parametrize("html_first", [True, False], ids=["html-first", "scrape-first"])
def test_issue9_outlet_does_not_depend_on_the_batch(
    runner: CliRunner, examples_dir: Path, tmp_path: Path, html_first: bool
) -> None:
    db = str(tmp_path / "outlets.db")
    html, scrape = examples_dir / "daily-torch-avenby-flood.html", examples_dir / "daily-torch-lisk-flood.md"
    for path in (html, scrape) if html_first else (scrape, html):
        result = runner.invoke(app, ["ingest", str(path), "--db", db, "--no-analyse"])
        assert result.exit_code == 0, result.stderr
    listed = _json(runner.invoke(app, ["list", "--db", db, "--format", "json"]))
    assert {a["outlet"] for a in listed["articles"]} == {"The Daily Torch"}  # earlier articles renamed too
    # A scrape extracted alone is named as the store knows its domain.
    alone = _json(runner.invoke(app, ["extract", str(scrape), "--format", "json"], env={"RASHOMON_DB": db}))
    assert alone["articles"][0]["outlet"] == "The Daily Torch"


# ----------------------------------------------------------------------------------------- 5. versions


def test_issue9_edited_article_is_a_new_version(runner: CliRunner, tmp_path: Path) -> None:
    db = str(tmp_path / "versions.db")
    story = tmp_path / "night-bus.txt"
    story.write_text(STORY, encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(story), "--db", db, "--no-analyse"]).exit_code == 0
    story.write_text(STORY.replace("4,000 residents", "4,300 residents"), encoding="utf-8")
    again = _json(runner.invoke(app, ["ingest", str(story), "--db", db, "--no-analyse", "--format", "json"]))
    assert again["ingest"]["versions"] == 1 and again["ingest"]["duplicate"] == 0
    listed = _json(runner.invoke(app, ["list", "--db", db, "--format", "json"]))
    assert listed["total"] == 1 and "4,300" in listed["articles"][0]["text"]  # the latest is shown
    shown = _json(runner.invoke(app, ["show", str(story), "--db", db, "--format", "json"]))["articles"][0]
    versions = shown["versions"]
    assert [v["latest"] for v in versions] == [False, True]
    old = _json(runner.invoke(app, ["show", versions[0]["id"], "--db", db, "--format", "json"]))["articles"][0]
    assert "4,000" in old["text"]  # the earlier one is kept


# ------------------------------------------------------------------------------- 6. any spelling


def test_issue9_source_found_by_any_spelling(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "demo").mkdir()
    (tmp_path / "sq").mkdir()
    (tmp_path / "demo" / "night-bus.txt").write_text(STORY, encoding="utf-8")
    db = str(tmp_path / "spell.db")
    monkeypatch.chdir(tmp_path / "sq")
    assert runner.invoke(app, ["ingest", "../demo", "--db", db, "--no-analyse"]).exit_code == 0
    monkeypatch.chdir(tmp_path)
    for spelling in ("demo/night-bus.txt", "./demo/night-bus.txt", str(tmp_path / "demo" / "night-bus.txt")):
        result = runner.invoke(app, ["show", spelling, "--db", db, "--format", "json"])
        assert result.exit_code == 0, (spelling, result.stderr)


# ------------------------------------------------------------------------- 7. clustering, any command


def test_issue9_analyse_stored_clusters_and_cluster_stored_rebuilds(
    runner: CliRunner, examples_dir: Path, tmp_path: Path
) -> None:
    db = str(tmp_path / "later.db")
    assert runner.invoke(app, ["ingest", str(examples_dir), "--db", db, "--no-analyse"]).exit_code == 0
    assert _json(runner.invoke(app, ["events", "--db", db, "--format", "json"]))["events"] == []
    analysed = runner.invoke(app, ["analyse", "--stored", "--db", db, "--format", "json"])
    assert analysed.exit_code == 0, analysed.stderr
    events = _json(runner.invoke(app, ["events", "--db", db, "--format", "json"]))["events"]
    assert events
    rebuilt = runner.invoke(app, ["cluster", "--stored", "--redo", "--db", db])
    assert rebuilt.exit_code == 0, rebuilt.stderr
    again = _json(runner.invoke(app, ["events", "--db", db, "--format", "json"]))["events"]
    assert sorted(e["size"] for e in again) == sorted(e["size"] for e in events)


# ---------------------------------------------------------------------------- 8. one-outlet events


def test_issue9_one_outlet_event_says_nothing_to_compare(runner: CliRunner, tmp_path: Path) -> None:
    db = str(tmp_path / "one.db")
    story = tmp_path / "night-bus.txt"
    story.write_text(STORY, encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(story), "--db", db]).exit_code == 0
    [event] = _json(runner.invoke(app, ["events", "--db", db, "--format", "json"]))["events"]
    result = runner.invoke(app, ["compare", "--event", event["id"], "--db", db])
    assert result.exit_code == 0
    assert "nothing to compare yet" in result.stderr and result.stdout == ""


# ------------------------------------------------------------------------------------------- 9. options


def test_issue9_verbose_after_the_command(runner: CliRunner, tmp_path: Path) -> None:
    story = tmp_path / "night-bus.txt"
    story.write_text(STORY, encoding="utf-8")
    for args in (["extract", str(story), "-v"], ["extract", "--debug", str(story)]):
        assert runner.invoke(app, args).exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compare", "x.txt", "--event", "1"], "not both"),
        (["analyse", "x.txt", "--redo"], "--redo works with --stored"),
        (["cluster", "x.txt", "--redo"], "--redo works with --stored"),
        (["cluster"], "give SOURCES"),
    ],
)
def test_issue9_conflicting_options_refused(runner: CliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and message in result.stderr


def test_issue9_help_is_whole(runner: CliRunner) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "rashomon", "ingest", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80"},
        check=True,
    )
    assert "--allow-private-network" in result.stdout
    assert "[env RASHOMON_DB; default ./rashomon.db]" in " ".join(result.stdout.split())


def test_issue9_output_files_and_reports_not_read_back(runner: CliRunner, examples_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(examples_dir, folder)
    for command, name in (("extract", "x.json"), ("analyse", "a.json"), ("cluster", "c.json")):
        result = runner.invoke(
            app, [command, str(folder / "mna-lisk-flood.txt"), "-f", "json", "-o", str(tmp_path / name)]
        )
        assert result.exit_code == 0, result.stderr
        assert result.stdout == "" and json.loads((tmp_path / name).read_text())
    for fmt in ("markdown", "html"):
        report = folder / f"report.{'md' if fmt == 'markdown' else 'html'}"
        assert runner.invoke(app, ["compare", str(folder), "-f", fmt, "-o", str(report)]).exit_code == 0
    again = runner.invoke(app, ["extract", str(folder), "-f", "json"])
    sources = {Path(a["source"]).name for a in _json(again)["articles"]}
    assert not {"report.md", "report.html"} & sources
    assert "written by Rashomon" in again.stderr


# ------------------------------------------------------------------------------------- 10. lazy imports


def test_issue9_version_and_help_import_nothing_heavy() -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from rashomon.present.cli import app\n"
        "for args in (['--version'], ['--help'], ['compare', '--help']):\n"
        "    assert CliRunner().invoke(app, args).exit_code == 0, args\n"
        "heavy = ('spacy', 'trafilatura', 'sqlalchemy', 'datasketch', 'torch', 'lxml', 'numpy', 'alembic')\n"
        "print([m for m in heavy if m in sys.modules])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# ------------------------------------------------------------------------------------------ 2. languages

FRENCH_PAGE = (
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Crue à Lisk</title>'
    '<meta property="og:locale" content="en_US"></head><body><article>'
    "<p>Les habitants de Lisk ont passé la nuit dans le gymnase après la crue de la rivière Tamsel.</p>"
    "<p>Alors que l'eau montait, la mairie a ouvert deux écoles pour accueillir les familles évacuées.</p>"
    "<p>Selon les pompiers, plus de six cents personnes ont quitté leur maison avant l'aube.</p>"
    "</article></body></html>"
)


def test_issue9_other_language_stored_not_analysed(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "crue.html").write_text(FRENCH_PAGE, encoding="utf-8")
    (folder / "night-bus.txt").write_text(STORY, encoding="utf-8")
    db = str(tmp_path / "lang.db")
    result = runner.invoke(app, ["ingest", str(folder), "--db", db])
    assert result.exit_code == 0, result.stderr
    assert "2 added, 1 analysed" in result.stderr
    assert "1 skipped (language fr 1)" in result.stderr
    assert "written in French (fr)" in result.stderr and "--model" in result.stderr
    listed = _json(runner.invoke(app, ["list", "--db", db, "--format", "json"]))
    assert {a["language"] for a in listed["articles"]} == {"fr", "en"}  # stored, listed
    analysed = runner.invoke(app, ["analyse", str(folder / "crue.html"), "-f", "json"])
    assert analysed.exit_code == 0 and _json(analysed)["articles"] == []
    assert "skipped (analyse)" in analysed.stderr
