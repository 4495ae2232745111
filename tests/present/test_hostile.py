"""Issue 8: no single input can stop, hang or truncate a run.

A folder of hostile inputs, generated here (binary, empty, truncated gzip, gzip bomb, broken WARC records
between good ones, bad JSON lines between good ones, 200,000-deep HTML, a billion-laughs feed, UTF-16
without a byte-order mark, a 5 MB single paragraph that makes spaCy raise inside the analysis, a file name
that is not UTF-8) beside good reports, run through ``extract``, ``analyse``, ``cluster`` and ``compare``
in real processes with one and with two parsing processes: every good input comes out, each bad one is
named on stderr, there is no traceback, stdout is one JSON object, and the command ends.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.ingest.test_sources import PARAGRAPHS, html_page

TIMEOUT = 600  # seconds: a hang fails the test instead of the CI run

GOOD_HTML = html_page("Ferry sails twice as often while the Sarne bridge is shut")
GOOD_TEXT = (
    "Caster council votes to keep the night bus\n\n"
    "CASTER, October 7 (MNA) — The night bus between Caster and Keldmouth will keep running through the "
    "winter, the council decided on Monday after a petition signed by 4,000 residents.\n\n"
    '"People who work late have no other way home," councillor Mara Venn said after the vote.\n\n'
    "The service costs the council 300,000 euros a year, and ticket sales cover about a third of it, "
    "according to the transport office.\n"
)

OTHER_REPORT = (
    "# Keldmouth ferry doubles sailings during Sarne bridge repairs\n\n"
    "By Tomas Reel\n\n"
    "KELDMOUTH — Ferries between Keldmouth and Caster now sail twice as often because the Sarne bridge is "
    "closed for repairs, the ferry operator said on Wednesday.\n\n"
    "Bridge pass holders ride free until the bridge reopens in late October, when the new cables have "
    "been tested, according to the regional roads office.\n\n"
    "The last ferry now leaves Caster at midnight, two hours later than before, and extra crews were hired "
    "for the rush hours, the operator added.\n"
)


def _warc_record(url: str, body: bytes, gz: bool) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gz)
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))
    return buffer.getvalue()


def _broken_warc(gz: bool) -> bytes:
    pack = gzip.compress if gz else (lambda b: b)
    page = GOOD_HTML.encode()
    return b"".join(
        [
            _warc_record("https://crawl.example/good-1", page, gz),
            # A response without a target URI (warcio raises AttributeError on it).
            pack(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n"),
            _warc_record("https://crawl.example/good-2", page.replace(b"twice", b"three times"), gz),
            pack(b"this is not a WARC record at all\r\n\r\n"),
            _warc_record("https://crawl.example/good-3", page.replace(b"ferry", b"boat"), gz),
            # Cut off: says 99,999 bytes, holds 5.
            pack(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\nhello"),
        ]
    )


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "good.html").write_text(GOOD_HTML, encoding="utf-8")
    (folder / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "other-report.md").write_text(OTHER_REPORT, encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (folder / "empty.html").write_bytes(b"")
    packed = gzip.compress(GOOD_TEXT.encode() * 4)
    (folder / "truncated.txt.gz").write_bytes(packed[: len(packed) // 2])
    (folder / "bomb.txt.gz").write_bytes(gzip.compress(b"flood " * 4_000_000, compresslevel=1))  # 24 MB inside
    (folder / "crawl.warc").write_bytes(_broken_warc(gz=False))
    (folder / "crawl.warc.gz").write_bytes(_broken_warc(gz=True))
    lines = [
        json.dumps({"url": "https://jsonl.example/1", "html": GOOD_HTML.replace("Ferry", "Boat")}),
        "{not json",
        "[1, 2, 3]",
        json.dumps({"url": "https://jsonl.example/2", "text": "\n\n".join(PARAGRAPHS[::-1])}),
        '{"url": "https://jsonl.example/3"}',
        "[" * 100_000 + "]" * 100_000,
    ]
    (folder / "crawl.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "deep.html").write_text(
        "<html><body>" + "<div>" * 200_000 + "deep" + "</div>" * 200_000 + "</body></html>", encoding="utf-8"
    )
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">\n' for i in range(1, 10))
    (folder / "laughs.xml").write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY lol0 "lol">\n{entities}]>\n'
        '<rss version="2.0"><channel><title>Laughs</title><item><title>&lol9;</title>'
        "<description>&lol9;</description><link>https://laughs.example/1</link></item></channel></rss>",
        encoding="utf-8",
    )
    (folder / "utf16.txt").write_bytes(GOOD_TEXT.replace("night bus", "late bus").encode("utf-16-le"))
    (folder / "huge.txt").write_text("The water rose again near the bridge and people waited " * 95_000)
    (folder / os.fsdecode(b"bad\xffname.html")).write_text(GOOD_HTML.replace("Sarne", "Sarn"), encoding="utf-8")
    return folder


BAD = {
    "binary.txt": "binary",
    "empty.html": "empty",
    "truncated.txt.gz": "truncated gzip",
    "bomb.txt.gz": "once decompressed",
    "crawl.warc#record2": "unreadable WARC record",
    "crawl.warc#record4": "not a WARC record",
    "crawl.warc#record6": "truncated WARC record",
    "crawl.warc.gz#record2": "unreadable WARC record",
    "crawl.warc.gz#record4": "not a WARC record",
    "crawl.warc.gz#record6": "truncated WARC record",
    "crawl.jsonl:2": "malformed JSON",
    "crawl.jsonl:3": "not an object",
    "https://jsonl.example/3": "neither",
    "crawl.jsonl:6": "nested too deeply",
    "deep.html": "no article text",
    "https://laughs.example/1": "",
}
GOOD = {
    "good.html",
    "other-report.md",
    "good.txt",
    "utf16.txt",
    "bad\\xffname.html",
    "https://crawl.example/good-1",
    "https://crawl.example/good-2",
    "https://crawl.example/good-3",
    "https://jsonl.example/1",
    "https://jsonl.example/2",
}


def _run(command: str, folder: Path, workers: int) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RASHOMON_")}
    # A cap between the largest good input and the bomb; the 5 MB paragraph reaches spaCy, which raises.
    env.update(RASHOMON_MAX_INPUT_BYTES="8000000", RASHOMON_MAX_ANALYSIS_CHARS="10000000", PYTHONHASHSEED="0")
    args = [sys.executable, "-m", "rashomon", command, ".", "--no-fetch", "--format", "json"]
    if command != "extract":
        args += ["--workers", str(workers)]
    return subprocess.run(args, cwd=folder, env=env, capture_output=True, timeout=TIMEOUT, check=False)


def _check_common(result: subprocess.CompletedProcess[bytes]) -> tuple[dict[str, object], str]:
    stderr = result.stderr.decode("utf-8")  # valid UTF-8, whatever the file names
    assert "Traceback" not in stderr, stderr
    assert result.returncode == 0, stderr
    payload = json.loads(result.stdout.decode("utf-8"))  # one JSON object, valid UTF-8
    for source, reason in BAD.items():
        lines = [line for line in stderr.splitlines() if f" {source}: " in line or f"{source}: " in line[:200]]
        assert lines, f"{source} not named on stderr:\n{stderr}"
        assert reason in lines[0], lines[0]
    return payload, stderr


def test_hostile_extract_names_every_bad_input_and_keeps_every_good_one(hostile: Path) -> None:
    payload, _ = _check_common(_run("extract", hostile, 1))
    sources = {a["source"] for a in payload["articles"]}  # type: ignore[attr-defined]
    assert sources >= GOOD | {"huge.txt"}


@pytest.mark.parametrize("workers", [1, 2])
def test_hostile_analyse_with_one_and_two_processes(hostile: Path, workers: int) -> None:
    payload, stderr = _check_common(_run("analyse", hostile, workers))
    sources = {a["source"] for a in payload["articles"]}  # type: ignore[attr-defined]
    assert sources >= GOOD
    assert "huge.txt" not in sources
    [line] = [line for line in stderr.splitlines() if "huge.txt" in line]
    assert "failed (analyse)" in line and "ValueError" in line  # spaCy raised inside the analysis
    assert "(read " in stderr.splitlines()[-1] and "analyse 1" in stderr.splitlines()[-1]


@pytest.mark.parametrize("command", ["cluster", "compare"])
@pytest.mark.parametrize("workers", [1, 2])
def test_hostile_cluster_and_compare_end_with_every_failure_named(hostile: Path, command: str, workers: int) -> None:
    payload, stderr = _check_common(_run(command, hostile, workers))
    assert payload["events"]
    assert any("huge.txt" in line and "failed (analyse)" in line for line in stderr.splitlines())
