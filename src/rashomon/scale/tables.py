"""The output tables: rows built from records, their schemas, and the files they are written to.

One module for ``rashomon batch`` and ``rashomon export``, so both write the same tables: articles,
carriers, entities, quotes, claims, events, event_articles, comparisons (and failures). Columns follow the
records' fields; nested values (tuples, records, mappings) are JSON text, which pandas, polars and DuckDB
all read. Rows are partitioned by the month of publication (``published_month=YYYY-MM``; articles without
a date in ``published_month=undated``) and sorted, so the same input gives the same bytes.

Every file is written under a temporary name and renamed into place: a reader (or a rerun) sees a whole
file or none, and a task that runs twice (a worker lost mid-task) writes the same name twice, never two
files.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import types
import typing
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from rashomon.records import (
    Analysis,
    Article,
    Carrier,
    Claim,
    ComparedEvent,
    Entity,
    Event,
    EventArticle,
    Failure,
    Quote,
    published_instant,
)

PARTITION = "published_month"
UNDATED = "undated"
FORMATS = ("parquet", "csv", "jsonl")


def _kind(hint: Any) -> str:
    """The column type of a record field: string, int64, double, bool, or json for anything nested."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return _kind(inner[0]) if len(inner) == 1 else "json"
    return {str: "string", int: "int64", float: "double", bool: "bool"}.get(hint, "json")


def _columns(record: type, skip: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    hints = typing.get_type_hints(record)
    return [(f.name, _kind(hints[f.name])) for f in dataclasses.fields(record) if f.name not in skip]


def _prefixed(record: type, prefix: str, skip: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """A record's columns with its ``id`` renamed (``entity_id``): every table keys on ``article_id``."""
    return [(f"{prefix}_id" if name == "id" else name, kind) for name, kind in _columns(record, skip)]


COLUMNS: dict[str, list[tuple[str, str]]] = {
    "articles": [
        ("article_id", "string"),
        *[c for c in _columns(Article, ("id", "carriers")) if c[0] != "id"],
        ("published_at", "string"),
        ("model", "string"),
        ("tokens", "int64"),
        ("reference_date", "string"),
        ("dates", "json"),
        ("terms", "json"),
    ],
    "carriers": [("article_id", "string"), ("position", "int64"), *_columns(Carrier)],
    "entities": [
        ("article_id", "string"),
        *_prefixed(Entity, "entity", ("mentions",)),
        ("mentions", "int64"),
        ("spans", "json"),
    ],
    "quotes": [("article_id", "string"), *_prefixed(Quote, "quote")],
    "claims": [("article_id", "string"), *_prefixed(Claim, "claim")],
    "events": [
        ("event_id", "string"),
        *[c for c in _columns(Event, ("id", "articles"))],
        ("size", "int64"),
    ],
    "event_articles": [("event_id", "string"), ("position", "int64"), *_columns(EventArticle)],
    "comparisons": [("event_id", "string"), *_columns(ComparedEvent, ("id",))],
    "failures": [*_columns(Failure)],
}
TABLES = tuple(COLUMNS)
SORT_KEYS = {
    "articles": ("published_at", "article_id"),
    "carriers": ("article_id", "position"),
    "entities": ("article_id", "entity_id"),
    "quotes": ("article_id", "start", "quote_id"),
    "claims": ("article_id", "start", "claim_id"),
    "events": ("event_id",),
    "event_articles": ("event_id", "position"),
    "comparisons": ("event_id",),
    "failures": ("stage", "source", "reason"),
}


def month_of(published: str | None) -> str:
    """The partition of a publication time: its month (``2025-03``), or ``undated``."""
    if published and len(published) >= 7 and published[:4].isdigit() and published[5:7].isdigit():
        return published[:7]
    return UNDATED


def _row(table: str, values: dict[str, Any], month: str | None) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for name, kind in COLUMNS[table]:
        value = values.get(name)
        if kind == "json":
            value = None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
        row[name] = value
    row[PARTITION] = month
    return row


# ------------------------------------------------------------------------------------------- rows


def article_rows(article: Article, analysis: Analysis | None = None) -> dict[str, list[dict[str, Any]]]:
    """The rows of one article (with its analysis, when it has one) in every table that is about it."""
    month = month_of(article.published)
    data = article.to_dict()
    base = {**data, "article_id": article.id, "published_at": published_instant(article.published)}
    if analysis is not None:
        base.update(
            model=analysis.model,
            tokens=analysis.tokens,
            reference_date=analysis.reference_date,
            dates=data_of(analysis.dates),
            terms=[list(t) for t in analysis.terms],
        )
    rows: dict[str, list[dict[str, Any]]] = {
        "articles": [_row("articles", base, month)],
        "carriers": [
            _row("carriers", {**c.to_dict(), "article_id": article.id, "position": n}, month)
            for n, c in enumerate(article.carriers)
        ],
        "entities": [],
        "quotes": [],
        "claims": [],
    }
    if analysis is None:
        return rows
    for entity in analysis.entities:
        values = {**entity.to_dict(), "entity_id": entity.id, "article_id": article.id}
        values.update(mentions=len(entity.mentions), spans=[[m.start, m.end] for m in entity.mentions])
        rows["entities"].append(_row("entities", values, month))
    for quote in analysis.quotes:
        rows["quotes"].append(
            _row("quotes", {**quote.to_dict(), "quote_id": quote.id, "article_id": article.id}, month)
        )
    for claim in analysis.claims:
        rows["claims"].append(
            _row("claims", {**claim.to_dict(), "claim_id": claim.id, "article_id": article.id}, month)
        )
    return rows


def data_of(records: Iterable[Any]) -> list[Any]:
    return [r.to_dict() for r in records]


def event_rows(event: Event) -> dict[str, list[dict[str, Any]]]:
    """The rows of one event: itself and its members."""
    month = month_of(event.start)
    values = {**event.to_dict(), "event_id": event.id, "size": len(event.articles)}
    return {
        "events": [_row("events", values, month)],
        "event_articles": [
            _row("event_articles", {**a.to_dict(), "event_id": event.id, "position": n}, month)
            for n, a in enumerate(event.articles)
        ],
    }


def comparison_row(compared: ComparedEvent, event: Event) -> dict[str, Any]:
    """The row of one event's comparison (in the partition of the event's first day)."""
    return _row("comparisons", {**compared.to_dict(), "event_id": event.id}, month_of(event.start))


def failure_row(failure: Failure) -> dict[str, Any]:
    """A failure's row: the failures table is not partitioned (a failure may have no article, nor date)."""
    return _row("failures", failure.to_dict(), None)


def merge_rows(target: dict[str, list[dict[str, Any]]], rows: dict[str, list[dict[str, Any]]]) -> None:
    for table, items in rows.items():
        target.setdefault(table, []).extend(items)


# ----------------------------------------------------------------------------------------- files


def atomic_write(path: Path, data: bytes) -> None:
    """Write a file whole or not at all: a temporary name in the same folder, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


def _sorted(table: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    keys = SORT_KEYS[table]
    return sorted(rows, key=lambda r: tuple((r.get(k) is None, r.get(k) or 0) for k in keys))


def _arrow_schema(table: str) -> Any:
    import pyarrow as pa

    types_ = {
        "string": pa.string(),
        "int64": pa.int64(),
        "double": pa.float64(),
        "bool": pa.bool_(),
        "json": pa.string(),
    }
    return pa.schema([(name, types_[kind]) for name, kind in COLUMNS[table]])


def parquet_bytes(table: str, rows: list[dict[str, Any]]) -> bytes:
    """One Parquet file of a table's rows (the partition column lives in the folder name)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = [name for name, _ in COLUMNS[table]]
    columns = {name: [r.get(name) for r in rows] for name in names}
    arrow = pa.Table.from_pydict(columns, schema=_arrow_schema(table))
    buffer = io.BytesIO()
    pq.write_table(arrow, buffer, compression="zstd")
    return buffer.getvalue()


def part_path(out: Path, table: str, month: str | None, key: str) -> Path:
    folder = out / table if month is None else out / table / f"{PARTITION}={month}"
    return folder / f"part-{key}.parquet"


def write_parts(out: Path, key: str, rows: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Write a task's rows as Parquet part files, one per table and month, named by the task's key; returns
    the files written (relative to ``out``)."""
    written = []
    for table in sorted(rows):
        by_month: dict[str | None, list[dict[str, Any]]] = {}
        for row in rows[table]:
            by_month.setdefault(row[PARTITION], []).append(row)
        if table == "failures" and not by_month:  # an empty table of failures says there were none
            by_month[None] = []
        for month in sorted(by_month, key=lambda m: m or ""):
            path = part_path(out, table, month, key)
            atomic_write(path, parquet_bytes(table, _sorted(table, by_month[month])))
            written.append(str(path.relative_to(out)))
    return written


def part_key(path: Path) -> str | None:
    """The task key a part file is named by (``part-<key>.parquet``)."""
    name = path.name
    if name.startswith("part-") and name.endswith(".parquet"):
        return name[len("part-") : -len(".parquet")]
    return None


def remove_stale_parts(out: Path, keep: set[str]) -> int:
    """Delete part files of the tables that no task of this run wrote (left by a run over other inputs or
    settings), and empty partition folders; returns how many files were removed."""
    removed = 0
    for table in TABLES:
        folder = out / table
        if not folder.is_dir():
            continue
        for path in sorted([*folder.glob(f"{PARTITION}=*/*"), *folder.glob("*.parquet"), *folder.glob(".*.tmp")]):
            key = part_key(path)
            stale_temporary = path.name.startswith(".") and path.name.endswith(".tmp")
            if (key is not None and key not in keep) or stale_temporary:
                path.unlink()
                removed += 1
        for sub in folder.glob(f"{PARTITION}=*"):
            if sub.is_dir() and not any(sub.iterdir()):
                sub.rmdir()
    return removed


class FlatWriter:
    """CSV or JSON Lines: one file per table (``articles.csv``), rows appended in the order given, the
    partition column included; written under temporary names and renamed when closed."""

    def __init__(self, out: Path, fmt: str) -> None:
        self.out, self.fmt = out, fmt
        self._handles: dict[str, Any] = {}
        self._writers: dict[str, Any] = {}
        self._temporary: dict[str, Path] = {}

    def write(self, table: str, rows: list[dict[str, Any]]) -> None:
        if table not in self._handles:
            self.out.mkdir(parents=True, exist_ok=True)
            path = self.out / f".{table}.{self.fmt}.{uuid.uuid4().hex}.tmp"
            self._temporary[table] = path
            self._handles[table] = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed in close()
            if self.fmt == "csv":
                fields = [name for name, _ in COLUMNS[table]] + [PARTITION]
                self._writers[table] = csv.DictWriter(self._handles[table], fieldnames=fields)
                self._writers[table].writeheader()
        for row in _sorted(table, rows):
            if self.fmt == "csv":
                self._writers[table].writerow(row)
            else:
                self._handles[table].write(json.dumps(row, ensure_ascii=False) + "\n")

    def close(self, ok: bool = True) -> list[str]:
        written = []
        for table, handle in self._handles.items():
            handle.close()
            if ok:
                target = self.out / f"{table}.{self.fmt}"
                os.replace(self._temporary[table], target)
                written.append(target.name)
            else:
                self._temporary[table].unlink(missing_ok=True)
        return written


def read_rows(path: Path) -> Iterator[dict[str, Any]]:
    """Rows of a JSON Lines table file (tests and tools)."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)
