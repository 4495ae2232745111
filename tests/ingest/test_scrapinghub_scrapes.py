"""Scrape cleaning on real pages: Markdown and text dumps of Article Extraction Benchmark pages.

The pages (../shared/data/extraction/scrapinghub, third-party) are rendered into whole-page dumps at test
time with bench/scrapes.py and scored with the benchmark's body metric (bench/metrics.py). Rashomon's
cleaner must reach a corpus F1 of 0.80 and beat trafilatura run on the same dumps.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from rashomon.errors import BadInput
from rashomon.ingest import extract_document
from rashomon.records import RawDocument
from rashomon.settings import Settings

SAMPLE_STEP = 4  # every 4th page by id ...
SAMPLE_SIZE = 40  # ... 40 pages
MIN_F1 = 0.80


@pytest.fixture(scope="module")
def bench(request: pytest.FixtureRequest) -> Iterator[dict[str, ModuleType]]:
    pytest.importorskip("html2text", reason="html2text (the `test` extra) renders the Markdown dumps")
    bench_dir = Path(request.config.rootpath) / "bench"
    sys.path.insert(0, str(bench_dir))
    try:
        yield {name: importlib.import_module(name) for name in ("metrics", "scrapes", "baselines")}
    finally:
        sys.path.remove(str(bench_dir))


@pytest.fixture(scope="module")
def pages(bench: dict[str, ModuleType], shared_data: Path) -> list[Any]:
    root = shared_data / "extraction" / "scrapinghub"
    if not (root / "ground-truth.json").is_file():
        pytest.skip(f"Article Extraction Benchmark pages not available ({root.resolve()} is absent)")
    return bench["metrics"].load_scrapinghub(root)[::SAMPLE_STEP][:SAMPLE_SIZE]


def _ours(kind: str, dump: str) -> str:
    settings = Settings(min_text_chars=1)
    try:
        return extract_document(RawDocument(source="bench", kind=kind, content=dump), settings).text
    except BadInput:  # SkipArticle included: an empty extraction scores as such
        return ""


@pytest.fixture(scope="module")
def scores(bench: dict[str, ModuleType], pages: list[Any]) -> dict[str, dict[str, dict[str, float]]]:
    renderers: dict[str, Callable[[Any], str]] = {
        "markdown": lambda page: bench["scrapes"].to_markdown(page.html, page.url),
        "text": lambda page: bench["scrapes"].to_text(page.html),
    }
    corpus_f1 = bench["metrics"].corpus_f1
    results: dict[str, dict[str, dict[str, float]]] = {}
    for kind, render in renderers.items():
        dumps = [render(page) for page in pages]
        ours = [_ours(kind, dump) for dump in dumps]
        theirs = [bench["baselines"].trafilatura_on_dump(dump) for dump in dumps]
        results[kind] = {
            "rashomon": corpus_f1([(pred, page.truth) for pred, page in zip(ours, pages, strict=True)]),
            "trafilatura": corpus_f1([(pred, page.truth) for pred, page in zip(theirs, pages, strict=True)]),
        }
    return results


def test_scrapinghub_scrapes_sample_size(pages: list[Any]) -> None:
    assert len(pages) == SAMPLE_SIZE


@pytest.mark.parametrize("kind", ["markdown", "text"])
def test_scrapinghub_scrapes_f1_at_least_080(scores: dict[str, dict[str, dict[str, float]]], kind: str) -> None:
    ours = scores[kind]["rashomon"]
    assert ours["f1"] >= MIN_F1, f"{kind} dumps: F1 {ours['f1']:.3f} (P {ours['precision']:.3f} R {ours['recall']:.3f})"


@pytest.mark.parametrize("kind", ["markdown", "text"])
def test_scrapinghub_scrapes_beat_trafilatura_on_dump(
    scores: dict[str, dict[str, dict[str, float]]], kind: str
) -> None:
    ours, theirs = scores[kind]["rashomon"]["f1"], scores[kind]["trafilatura"]["f1"]
    assert ours > theirs, f"{kind} dumps: rashomon F1 {ours:.3f} <= trafilatura on dump {theirs:.3f}"
