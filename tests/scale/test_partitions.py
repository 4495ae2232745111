"""Partitions read exactly what ``read_sources`` reads, in the same order and under the same names: JSON Lines
(plain and gzip) cut into line ranges, WARC files into record ranges, other files in runs; and the copy
index finds the same copy homes as a scan of every pair."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import numpy as np
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from rashomon.ingest import dedup
from rashomon.ingest.sources import read_sources
from rashomon.records import Failure
from rashomon.scale.partitions import plan_partitions, read_partition
from rashomon.settings import Settings

BODY = (
    "<html><body><article><h1>Story {n}</h1><p>"
    + "Harbour news number {n} of the day. " * 12
    + "</p></article></body></html>"
)


def _names(items: list[object]) -> list[tuple[str, str]]:
    return [(type(i).__name__, i.source) for i in items]  # type: ignore[attr-defined]


def _jsonl(path: Path, count: int) -> None:
    lines = [json.dumps({"url": f"https://news.example/{n}", "html": BODY.format(n=n)}) for n in range(count)]
    lines[3] = "[1, 2]"  # a record that is not an object: a Failure naming its line
    lines.insert(6, "")  # a blank line is skipped but counted
    data = ("\n".join(lines) + "\n").encode()
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)


def _warc(path: Path, count: int) -> None:
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=path.suffix == ".gz")
        for n in range(count):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            body = io.BytesIO(BODY.format(n=n).encode())
            writer.write_record(
                writer.create_warc_record(f"https://news.example/{n}", "response", payload=body, http_headers=headers)
            )


@pytest.mark.parametrize("name", ["wire.jsonl", "wire.jsonl.gz", "crawl.warc", "crawl.warc.gz"])
def test_partitions_read_what_read_sources_reads(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (_warc if "warc" in name else _jsonl)(tmp_path / name, 11)
    (tmp_path / "page.html").write_text(BODY.format(n=99), encoding="utf-8")
    sources = [name, "page.html", "missing.html"]
    settings = Settings()
    partitions, failures = plan_partitions(sources, settings, size=4)
    assert [p.container for p in partitions][:3] == ["jsonl" if "jsonl" in name else "warc"] * 3
    read = [item for p in partitions for item in read_partition(p, settings)]
    expected = list(read_sources(sources, settings))
    assert _names([*read, *failures]) == _names(expected)
    assert [getattr(i, "content", None) for i in read] == [getattr(i, "content", None) for i in expected[: len(read)]]
    assert any(isinstance(i, Failure) for i in read) == ("jsonl" in name)


def test_partitions_keys_change_with_input_and_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _jsonl(tmp_path / "wire.jsonl", 9)
    first, _ = plan_partitions(["wire.jsonl"], Settings(), size=4)
    again, _ = plan_partitions(["wire.jsonl"], Settings(), size=4)
    assert [p.key("a") for p in first] == [p.key("a") for p in again]
    assert first[0].key("a") != first[0].key("b") != first[1].key("a")
    _jsonl(tmp_path / "wire.jsonl", 10)
    changed, _ = plan_partitions(["wire.jsonl"], Settings(), size=4)
    assert changed[0].key("a") != first[0].key("a")


def test_copy_index_finds_what_a_full_scan_finds() -> None:
    rng = np.random.default_rng(7)
    base = rng.integers(0, 2**63, size=(40, 128), dtype=np.uint64)
    signatures = []
    for n in range(400):
        sig = base[n % 40].copy()
        changed = rng.choice(128, size=int(rng.integers(0, 128)), replace=False)
        sig[changed] = rng.integers(0, 2**63, size=len(changed), dtype=np.uint64)
        signatures.append(sig)
    index = dedup.CopyIndex(0.7, 128)
    kept: list[np.ndarray] = []
    for sig in signatures:
        scores = [dedup.similarity(sig, other) for other in kept]
        best = max(range(len(scores)), key=scores.__getitem__, default=None)
        expected = best if best is not None and scores[best] >= 0.7 else None
        assert index.best(sig)[0] == expected
        if expected is None:
            kept.append(sig)
            index.add(sig)


def test_compare_tasks_costliest_first_and_events_whole() -> None:
    """Compare tasks: every comparable event in exactly one task, never split, small events packed
    together up to the task's size, and the costliest task first (the scheduler starts it first, so no
    worker is left waiting on one large event at the end)."""
    from rashomon.records import Event, EventArticle
    from rashomon.scale.batch import COMPARE_TASK_PAIRS, _compare_chunks

    sizes = [3, 2, 40, 4, 2, 25, 3, 3, 2, 30, 2, 5]
    events = [
        Event(
            id=f"e{n}",
            title=None,
            articles=tuple(EventArticle(article_id=f"a{n}-{k}", source=f"s{n}-{k}") for k in range(size)),
        )
        for n, size in enumerate(sizes)
    ]
    where = {a.article_id: ("part", k, 1) for e in events for k, a in enumerate(e.articles)}
    chunks = _compare_chunks(events, where)
    ids = [entry["event"]["id"] for chunk in chunks for entry in chunk]
    assert sorted(ids) == sorted(e.id for e in events)
    for chunk in chunks:
        for entry in chunk:
            size = sizes[int(entry["event"]["id"][1:])]
            assert len(entry["members"]) == size  # the whole event, with where each member is
    costs = [sum(len(entry["members"]) ** 2 for entry in chunk) for chunk in chunks]
    assert costs == sorted(costs, reverse=True)
    assert [entry["event"]["id"] for entry in chunks[0]] == ["e2"]  # 40 members: a task of its own
    for chunk in chunks:  # a task closes once it holds enough work
        assert sum(len(entry["members"]) ** 2 for entry in chunk[:-1]) < COMPARE_TASK_PAIRS
    assert len(chunks) < len(events)  # small events share tasks
    assert _compare_chunks(events, where) == chunks  # the same tasks on every run
