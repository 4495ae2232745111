"""``rashomon export``: the tables ``rashomon batch`` writes, from an existing store.

Articles are read in chunks of ids (with their carriers and analyses), events one by one, and every event
of two or more outlets is compared with ``compare_stored`` (what ``rashomon compare --event`` does) unless
the store holds its current comparison (the web app's background comparer stores them), so nothing holds
the whole store. Parquet gives the same partitioned dataset as a batch run (part files
named by a hash of their rows); CSV and JSON Lines give one file per table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rashomon.scale.partitions import digest
from rashomon.scale.tables import (
    FORMATS,
    FlatWriter,
    article_rows,
    comparison_row,
    event_rows,
    failure_row,
    merge_rows,
    remove_stale_parts,
    write_parts,
)
from rashomon.settings import Settings

CHUNK = 500  # articles read from the store at once


class _Parts:
    """Parquet: each chunk's rows become part files named by the hash of those rows."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.keys: set[str] = set()

    def write(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        if not any(rows.values()):
            return
        key = digest(rows)
        self.keys.add(key)
        write_parts(self.out, key, rows)

    def close(self, ok: bool = True) -> None:
        if ok:
            remove_stale_parts(self.out, self.keys)


class _Flat:
    def __init__(self, out: Path, fmt: str) -> None:
        self.writer = FlatWriter(out, fmt)

    def write(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        for table, items in rows.items():
            self.writer.write(table, items)

    def close(self, ok: bool = True) -> None:
        self.writer.close(ok)


def export_store(store: Any, settings: Settings, out: str | Path, fmt: str = "parquet") -> dict[str, int]:
    """Write the store's articles, analyses, events and comparisons as tables under ``out``; returns the
    number of rows of each table."""
    from rashomon.boundary import failure_of
    from rashomon.pipeline import compare_stored, current_comparison, stored_event
    from rashomon.records import Failure

    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    sink: _Parts | _Flat = _Parts(out) if fmt == "parquet" else _Flat(out, fmt)
    counts: dict[str, int] = {}

    def emit(rows: dict[str, list[dict[str, Any]]]) -> None:
        for table, items in rows.items():
            counts[table] = counts.get(table, 0) + len(items)
        sink.write(rows)

    ok = False
    try:
        ids = store.article_ids()
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            analyses = store.get_analyses(chunk)
            rows: dict[str, list[dict[str, Any]]] = {}
            for article in sorted(store.iter_articles(ids=chunk), key=lambda a: a.id):
                merge_rows(rows, article_rows(article, analyses.get(article.id)))
            emit(rows)
        event_ids = sorted(int(row["id"]) for row in store.list_events())
        failures: list[Failure] = []
        for start in range(0, len(event_ids), CHUNK):
            rows = {"events": [], "event_articles": [], "comparisons": []}
            for event_id in event_ids[start : start + CHUNK]:
                try:
                    compared = current_comparison(store, settings, event_id)  # stored by `serve`: as is
                    if compared is not None:
                        event = stored_event(store, event_id)
                    else:
                        compared, event = compare_stored(store, settings, event_id)
                except Exception as exc:  # the compare stage's boundary: this event fails alone
                    failures.append(failure_of(exc, f"event {event_id}", "compare"))
                    compared, event = None, stored_event(store, event_id)
                if event is None:
                    continue
                merge_rows(rows, event_rows(event))
                if compared is not None:
                    rows["comparisons"].append(comparison_row(compared, event))
            emit(rows)
        emit({"failures": [failure_row(f) for f in failures]})
        ok = True
    finally:
        sink.close(ok)
    return counts
