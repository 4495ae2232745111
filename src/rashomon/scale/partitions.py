"""Inputs split into partitions: runs of files, and JSON Lines or WARC files cut into ranges of records.

A partition is named by its input identity (paths, sizes, modification times, record range) and by the
settings and versions that shape its results, so a rerun finds what is already done. The readers are the
ingest stage's own (``read_part`` reads a whole file or a range of a container), so a partition yields
exactly the documents, names and failures that ``read_sources`` yields for the same part of the input.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rashomon.boundary import display_name
from rashomon.records import Failure, RawDocument, Record
from rashomon.settings import Settings

_URL_RE = re.compile(r"^https?://", re.IGNORECASE)


@dataclass(frozen=True, kw_only=True)
class Partition(Record):
    """Part of the input read by one task: whole files, or a range of one container's lines or records."""

    index: int
    files: tuple[str, ...]  # as the user named them (the names records and failures carry)
    root: str  # the client's working directory: relative names are opened from it
    container: str | None = None  # jsonl | warc: a range of the one file's lines or records
    start: int = 1
    stop: int = 0
    offset: int = 0  # byte where the range starts (uncompressed JSON Lines)
    identity: tuple[str, ...] = ()  # size and modification time of each file

    def key(self, fingerprint: str) -> str:
        """The partition's name: its input identity and the run's settings fingerprint."""
        data = {k: v for k, v in self.to_dict().items() if k not in ("index", "root")}
        return digest({"partition": data, "paths": [self.path(f) for f in self.files], "settings": fingerprint})

    def path(self, name: str) -> str:
        return name if os.path.isabs(name) else os.path.join(self.root, name)


def digest(data: object) -> str:
    """A short stable hash of JSON-ready data."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()[:20]


def settings_fingerprint(settings: Settings) -> str:
    """What shapes the results besides the input: settings (but where to store and how many processes),
    the package and analysis versions."""
    from rashomon import __version__
    from rashomon.store.db import ANALYSIS_VERSION

    values = settings.model_dump(mode="json", exclude={"db", "workers"})
    return digest({"settings": values, "version": __version__, "analysis": ANALYSIS_VERSION})


def _identity(path: str) -> str:
    try:
        stat = os.stat(path)
    except OSError:
        return "missing"
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def expand_inputs(sources: Iterable[str]) -> Iterator[tuple[str, str | None] | Failure]:
    """Files in read order with their container kind (jsonl, warc or None), or the Failure of an input that
    names nothing readable; urls are refused (batch reads files: fetch them with ``rashomon ingest``)."""
    from rashomon.ingest.sources import container_kind, expand_sources

    for item in expand_sources(sources):
        if isinstance(item, Failure):
            yield item.replace(source=display_name(item.source))
        elif _URL_RE.match(item):
            yield Failure(source=item, reason="batch reads files, folders and globs: fetch urls with `rashomon ingest`")
        else:
            yield item, container_kind(item)


def container_ranges(path: str, kind: str, size: int, settings_json: str) -> list[tuple[int, int, int]]:
    """(first, stop, byte offset) of each range of ``size`` lines (JSON Lines) or records (WARC) of a file;
    a task of its own, so that large files are counted on the workers. Empty: read the file whole."""
    from rashomon.ingest.decode import GZIP_MAGIC
    from rashomon.ingest.jsonl import iter_lines
    from rashomon.ingest.warc import count_warc_records

    settings = Settings(**json.loads(settings_json))
    with open(path, "rb") as handle:
        if kind == "warc":
            total = count_warc_records(handle, settings)
            if not total:
                return []
            return [(first, min(first + size, total + 1), 0) for first in range(1, total + 1, size)]
        gzipped = handle.peek(2)[:2] == GZIP_MAGIC
        stream = handle
        if gzipped:
            import gzip

            stream = gzip.GzipFile(fileobj=handle, mode="rb")  # type: ignore[assignment]
        offsets, total = [0], 0
        for total, _line in iter_lines(stream, settings.max_input_bytes):
            if total % size == 0:
                offsets.append(0 if gzipped else handle.tell())
    if not total:
        return []
    return [(first, min(first + size, total + 1), offsets[k]) for k, first in enumerate(range(1, total + 1, size))]


def plan_partitions(
    sources: Iterable[str], settings: Settings, size: int, count_ranges: object = None
) -> tuple[list[Partition], list[Failure]]:
    """The partitions of the inputs, in read order, and the failures of inputs that name nothing.

    ``count_ranges(jobs)`` maps [(path, kind)] to their ``container_ranges`` (the driver runs them on the
    workers); without it they are counted here.
    """
    root = os.getcwd()
    settings_json = settings.model_dump_json()
    entries: list[tuple[str, str | None]] = []
    failures: list[Failure] = []
    for item in expand_inputs(sources):
        if isinstance(item, Failure):
            failures.append(item)
        else:
            entries.append(item)
    jobs = [(os.path.join(root, name), kind) for name, kind in entries if kind]
    if callable(count_ranges):
        counted = count_ranges(jobs)
    else:
        counted = [container_ranges(path, kind, size, settings_json) for path, kind in jobs]
    ranges = dict(zip([path for path, _ in jobs], counted, strict=True))
    partitions: list[Partition] = []
    run: list[str] = []

    def close_run() -> None:
        if run:
            identity = tuple(_identity(os.path.join(root, name)) for name in run)
            partitions.append(Partition(index=len(partitions), files=tuple(run), root=root, identity=identity))
            run.clear()

    for name, kind in entries:
        parts = ranges.get(os.path.join(root, name)) if kind else None
        if not parts:
            run.append(name)
            if len(run) >= size:
                close_run()
            continue
        close_run()
        identity = (_identity(os.path.join(root, name)),)
        for first, stop, offset in parts:
            partitions.append(
                Partition(
                    index=len(partitions),
                    files=(name,),
                    root=root,
                    container=kind,
                    start=first,
                    stop=stop,
                    offset=offset,
                    identity=identity,
                )
            )
    close_run()
    return partitions, failures


def read_partition(partition: Partition, settings: Settings) -> Iterator[RawDocument | Failure]:
    """The documents (and read failures) of one partition, named as ``read_sources`` names them."""
    from rashomon.ingest.sources import read_part

    for name in partition.files:
        span = range(partition.start, partition.stop)
        yield from read_part(
            partition.path(name),
            settings,
            label=display_name(name),
            lines=span if partition.container == "jsonl" else None,
            records=span if partition.container == "warc" else None,
            offset=partition.offset,
        )
