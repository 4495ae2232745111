"""What runs on the workers: one partition extracted, one partition analysed, one chunk of events compared.

Each task takes and returns JSON-ready data (records as ``to_dict``), calls the stage functions the
single-process commands call (``extract_one``, ``analyse_articles``, ``features_or_failure``,
``compare_one``), and writes its results under ``OUT/_work`` and the table folders, each file under a
temporary name then renamed. Its marker file (``<key>.json``, written last) says it is done: a rerun, or a
retry after a worker was lost, returns the marker instead of working again, and a task cut off before its
marker only leaves files it will overwrite with the same bytes.

The spaCy model is loaded once per worker process (``load_model`` is cached; the driver's worker plugin
loads it when the worker starts), never once per task.
"""

from __future__ import annotations

import functools
import gzip
import json
import time
import zlib
from pathlib import Path
from typing import Any

from rashomon.records import AnalysedArticle, Article, Event, Failure
from rashomon.scale.partitions import Partition, read_partition
from rashomon.scale.tables import article_rows, atomic_write, comparison_row, merge_rows, write_parts
from rashomon.settings import Settings

WORK = "_work"


@functools.lru_cache(maxsize=4)
def worker_settings(settings_json: str) -> Settings:
    """The run's settings, built once per worker process from the driver's JSON."""
    return Settings(**json.loads(settings_json))


def work_file(out: str, stage: str, name: str) -> Path:
    return Path(out) / WORK / stage / name


def done(out: str, stage: str, key: str) -> dict[str, Any] | None:
    """The marker of a finished task, or None."""
    path = work_file(out, stage, f"{key}.json")
    try:
        return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def _finish(out: str, stage: str, key: str, marker: dict[str, Any], started: tuple[float, float]) -> dict[str, Any]:
    """Write the task's marker (what it returns, with the seconds it took and the CPU seconds its process
    used meanwhile): the task is done."""
    marker["seconds"] = round(time.perf_counter() - started[0], 3)
    marker["cpu_seconds"] = round(time.process_time() - started[1], 3)
    atomic_write(work_file(out, stage, f"{key}.json"), json.dumps(marker, ensure_ascii=False).encode("utf-8"))
    return marker


def extract_partition(partition: dict[str, Any], key: str, settings_json: str, out: str) -> dict[str, Any]:
    """Read and extract one partition: the articles go to ``_work/extract/<key>.jsonl.gz``; the marker holds
    what the driver needs to name outlets and merge copies (each article without its text, with its
    MinHash signature) and the failures."""
    started = (time.perf_counter(), time.process_time())
    found = done(out, "extract", key)
    if found is not None:
        return found
    from rashomon.ingest import dedup
    from rashomon.pipeline import extract_one
    from rashomon.store.db import input_key

    settings = worker_settings(settings_json)
    lines: list[str] = []
    articles: list[dict[str, Any]] = []
    failures: list[dict[str, Any]] = []
    for raw in read_partition(Partition.from_dict(partition), settings):
        if isinstance(raw, Failure):
            failures.append(raw.to_dict())
            continue
        result = extract_one(raw, settings)
        if isinstance(result, Failure):
            failures.append(result.to_dict())
            continue
        sig = dedup.signature(result.text, settings.minhash_permutations)
        lines.append(
            json.dumps({"text": result.text, "input_key": input_key(raw.source, raw.content)}, ensure_ascii=False)
        )
        articles.append({"header": result.replace(text="").to_dict(), "signature": dedup.to_bytes(sig).hex()})
    data = "".join(line + "\n" for line in lines).encode("utf-8", errors="surrogatepass")
    atomic_write(work_file(out, "extract", f"{key}.jsonl.gz"), gzip.compress(data, 6, mtime=0))
    return _finish(out, "extract", key, {"key": key, "articles": articles, "failures": failures}, started)


def extracted_lines(out: str, key: str) -> list[dict[str, Any]]:
    """The texts (and input keys) of one extracted partition, in read order."""
    data = gzip.decompress(work_file(out, "extract", f"{key}.jsonl.gz").read_bytes())
    return [json.loads(line) for line in data.decode("utf-8", errors="surrogatepass").splitlines() if line]


def analyse_partition(
    extract_key: str, key: str, plan: list[tuple[int, dict[str, Any]]], settings_json: str, out: str
) -> dict[str, Any]:
    """Analyse the articles of one partition that the driver kept (``plan``: position in the extracted
    partition, and the article as named and merged, without its text): analyses go to
    ``_work/analyse/<key>.bin`` (one zlib-compressed JSON record each, at the offsets the marker gives),
    the rows of the article tables to Parquet, and the event features and failures to the marker."""
    started = (time.perf_counter(), time.process_time())
    found = done(out, "analyse", key)
    if found is not None:
        return found
    from rashomon.analyse.core import analyse_articles, prepare
    from rashomon.analyse.nlp import load_model
    from rashomon.events import ArticleFeatures, features_or_failure
    from rashomon.events.cluster import features_to_dict

    settings = worker_settings(settings_json)
    texts = extracted_lines(out, extract_key)
    articles = [Article.from_dict({**header, "text": texts[position]["text"]}) for position, header in plan]
    failed: list[Failure] = []
    nlp = prepare(load_model(settings.model))
    analysed = {
        item.article.id: item for item in analyse_articles(articles, settings, nlp=nlp, on_failure=failed.append)
    }
    blobs = bytearray()
    offsets: dict[str, list[int]] = {}
    features: list[dict[str, Any]] = []
    rows: dict[str, list[dict[str, Any]]] = {}
    for article in articles:
        item = analysed.get(article.id)
        merge_rows(rows, article_rows(article, item.analysis if item else None))
        if item is None:
            continue
        result = features_or_failure(item)
        if isinstance(result, ArticleFeatures):
            features.append(features_to_dict(result))
        else:
            failed.append(result)
        blob = zlib.compress(json.dumps(item.to_dict(), ensure_ascii=False).encode("utf-8", errors="surrogatepass"), 3)
        offsets[article.id] = [len(blobs), len(blob)]
        blobs += blob
    atomic_write(work_file(out, "analyse", f"{key}.bin"), bytes(blobs))
    files = write_parts(Path(out), key, rows)
    marker = {
        "key": key,
        "analysed": len(analysed),
        "features": features,
        "offsets": offsets,
        "failures": [f.to_dict() for f in failed],
        "files": files,
    }
    return _finish(out, "analyse", key, marker, started)


def read_analysed(out: str, key: str, spans: list[tuple[int, int]]) -> list[AnalysedArticle]:
    """Analysed articles of one partition, read at their offsets (nothing else of the file is held)."""
    items = []
    with open(work_file(out, "analyse", f"{key}.bin"), "rb") as handle:
        for start, length in spans:
            handle.seek(start)
            data = zlib.decompress(handle.read(length)).decode("utf-8", errors="surrogatepass")
            items.append(AnalysedArticle.from_dict(json.loads(data)))
    return items


def compare_chunk(chunk: list[dict[str, Any]], key: str, settings_json: str, out: str) -> dict[str, Any]:
    """Compare a chunk of events (each with where its members' analyses are: partition key, offset, length)
    with ``compare_one``; comparisons to Parquet, failures to the marker."""
    started = (time.perf_counter(), time.process_time())
    found = done(out, "compare", key)
    if found is not None:
        return found
    from rashomon.pipeline import compare_one

    settings = worker_settings(settings_json)
    rows: list[dict[str, Any]] = []
    failures: list[dict[str, Any]] = []
    for entry in chunk:
        event = Event.from_dict(entry["event"])
        items = [read_analysed(out, where[0], [(where[1], where[2])])[0] for where in entry["members"]]
        result = compare_one(event, items, settings)
        if isinstance(result, Failure):
            failures.append(result.to_dict())
        else:
            rows.append(comparison_row(result, event))
    files = write_parts(Path(out), key, {"comparisons": rows})
    marker = {"key": key, "compared": len(rows), "failures": failures, "files": files}
    return _finish(out, "compare", key, marker, started)
