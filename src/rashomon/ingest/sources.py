"""From SOURCE arguments (files, folders, globs, urls) to RawDocuments.

Each input is read, decompressed and decoded here, its format recognised (by name, then by content),
and handed to the reader for that format. Every problem becomes a Failure that names the input and the
reason; the iteration always goes on to the next input.
"""

from __future__ import annotations

import glob
import gzip
import io
import logging
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from rashomon.boundary import display_name, failure_of
from rashomon.errors import BadInput
from rashomon.ingest.decode import GZIP_MAGIC, decode_bytes, maybe_gunzip, utf16_without_bom
from rashomon.ingest.feeds import looks_like_feed, read_feed, read_feed_stream
from rashomon.ingest.fetch import Fetcher
from rashomon.ingest.jsonl import read_jsonl
from rashomon.ingest.warc import read_warc
from rashomon.records import Failure, RawDocument
from rashomon.settings import Settings

logger = logging.getLogger(__name__)

_URL_RE = re.compile(r"^https?://", re.IGNORECASE)
_GLOB_CHARS = re.compile(r"[*?\[]")
# Inside folders, project files are not articles: dotfiles, backups, code, data, images and the usual
# README/LICENSE documents. A file named explicitly is always read.
_SKIP_NAMES = re.compile(
    r"^\.|~$|\.(?:py|pyc|db|sqlite|json|lock|png|jpe?g|gif|pdf|zip|css|js|toml|ya?ml|cfg|ini|part)$"
    r"|^(?:readme|license|licence|changelog|contributing|authors|notice|copying)(?:\.\w+)?$",
    re.IGNORECASE,
)
_KIND_BY_SUFFIX = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".php": "html",
    ".asp": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".jl": "jsonl",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
    ".rdf": "feed",
    ".warc": "warc",
    ".arc": "warc",
}


def expand_sources(sources: Iterable[str]) -> Iterator[str | Failure]:
    """Files, folders (recursively, in sorted order) and globs to file paths; urls pass through."""
    for source in sources:
        if _URL_RE.match(source):
            yield source
            continue
        path = Path(source)
        if path.is_dir():
            found = False
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not _SKIP_NAMES.search(name.removesuffix(".gz")):
                        found = True
                        yield str(Path(root) / name)
            if not found:
                yield Failure(source=source, reason="folder holds no readable files")
        elif path.is_file():
            yield source
        elif _GLOB_CHARS.search(source):
            matches = sorted(glob.glob(source, recursive=True))
            if not matches:
                yield Failure(source=source, reason="pattern matches no files")
            yield from expand_sources(matches)
        elif path.exists():
            yield Failure(source=source, reason="not a regular file")
        else:
            yield Failure(source=source, reason="no such file, folder or url")


def _kind_from_name(name: str) -> str | None:
    lower = name.lower()
    for suffix in (".warc.gz", ".arc.gz"):
        if lower.endswith(suffix):
            return "warc"
    lower = lower.removesuffix(".gz")
    return _KIND_BY_SUFFIX.get(Path(lower).suffix)


def sniff_kind(text: str) -> str:
    """Recognise a format from the content: feed, HTML, JSON Lines, Markdown or plain text."""
    head = text[:3000].lstrip("\ufeff \n\r\t").lower()
    if looks_like_feed(head):
        return "feed"
    if re.match(r"<!doctype html|<html|<\?xml[^>]*>\s*<!doctype html|<\?xml[^>]*>\s*<html", head) or re.search(
        r"<(?:body|head|article|div|p)[\s>]", head[:1500]
    ):
        return "html"
    if head.startswith("{") and head.split("\n", 1)[0].rstrip().endswith("}"):
        return "jsonl"
    if re.search(r"^#{1,6}\s|\]\([^)]*\)", text[:5000], re.M):
        return "markdown"
    return "text"


def read_sources(
    sources: Iterable[str], settings: Settings, fetcher: Fetcher | None = None, *, absolute: bool = False
) -> Iterator[RawDocument | Failure]:
    """Yield a RawDocument for every article found in the sources, or a Failure with the reason.

    This is the read stage's failure boundary: whatever one input (or one record of a container) makes a
    reader raise becomes a Failure naming it, and the iteration goes on with the next input. With
    ``absolute``, files are named by their absolute path (what the store keeps, so that any spelling of
    the path finds them later).
    """
    for item in expand_sources(sources):
        if isinstance(item, Failure):
            yield item.replace(source=display_name(item.source))
            continue
        if absolute and not _URL_RE.match(item):
            item = os.path.abspath(item)
        label = display_name(item)
        try:
            if _URL_RE.match(item):
                reader = _read_url(item, settings, fetcher)
            else:
                reader = _read_file(item, label, settings, fetcher)
            yield from reader
        except Exception as exc:  # the read stage's boundary: one input fails alone
            yield failure_of(exc, label, "read")


def read_part(
    path: str,
    settings: Settings,
    *,
    label: str | None = None,
    lines: range | None = None,
    records: range | None = None,
    offset: int = 0,
) -> Iterator[RawDocument | Failure]:
    """One file as ``read_sources`` reads it, or a part of a container file (``lines`` of JSON Lines,
    ``records`` of a WARC file; ``offset``: the byte where an uncompressed JSON Lines part starts), inside
    the read stage's failure boundary. ``label`` names the file in records and failures (default: the path).
    """
    label = label or display_name(path)
    try:
        if lines is None and records is None:
            yield from _read_file(path, label, settings, None)
            return
        with open(path, "rb") as handle:
            if records is not None:
                yield from read_warc(handle, label, settings, records=records)
            elif handle.peek(2)[:2] == GZIP_MAGIC:
                yield from read_jsonl(gzip.GzipFile(fileobj=handle, mode="rb"), label, settings, lines=lines)
            else:
                handle.seek(offset)
                yield from read_jsonl(handle, label, settings, lines=lines, first_line=lines.start if lines else 1)
    except Exception as exc:  # the read stage's boundary: this part of the input fails alone
        yield failure_of(exc, label, "read")


def container_kind(path: str) -> str | None:
    """ "jsonl" or "warc" when a file is a container read record by record, so that it can be read in parts;
    None for any other file (and for a container that the reader would not read as one), read whole."""
    kind = _kind_from_name(path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(1 << 16)
    except OSError:
        return None
    start = _gzip_head(head) if head[:2] == GZIP_MAGIC else head
    if start.lstrip(b"\r\n").startswith(b"WARC/"):
        return "warc"
    if kind == "warc" and not start.startswith(b"filedesc://"):
        return "warc"
    if kind == "jsonl" and not _is_rashomon_output(start):
        return "jsonl"
    return None


def _read_url(url: str, settings: Settings, fetcher: Fetcher | None) -> Iterator[RawDocument | Failure]:
    if fetcher is None:
        raise BadInput(url, "fetching urls is disabled")
    fetched = fetcher.fetch(url)
    text = decode_bytes(maybe_gunzip(fetched.content, url, settings.max_input_bytes), url, fetched.charset)
    if ("xml" in fetched.content_type and "html" not in fetched.content_type) or looks_like_feed(text):
        yield from read_feed(text, url, settings, fetcher)
    else:
        yield RawDocument(source=url, kind="html", content=text, url=fetched.url)


def _read_file(path: str, label: str, settings: Settings, fetcher: Fetcher | None) -> Iterator[RawDocument | Failure]:
    """One file, as a stream: containers (WARC, JSON Lines, large feeds) are read record by record and
    ``max_input_bytes`` applies to each record; a single document (page, scrape) is refused above it."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below, after the generator is exhausted
    except PermissionError as exc:
        raise BadInput(label, "permission denied") from exc
    except OSError as exc:
        raise BadInput(label, f"unreadable ({exc.strerror or exc})") from exc
    with handle:
        yield from _read_stream(handle, label, _kind_from_name(path), settings, fetcher)


def _read_stream(
    raw: io.BufferedReader, label: str, kind: str | None, settings: Settings, fetcher: Fetcher | None
) -> Iterator[RawDocument | Failure]:
    cap = settings.max_input_bytes
    try:
        gzipped = raw.peek(2)[:2] == GZIP_MAGIC
        start = _gzip_head(raw.peek(1 << 16)) if gzipped else raw.peek(1 << 16)
    except OSError as exc:
        raise BadInput(label, f"unreadable ({exc.strerror or exc})") from exc
    if _is_rashomon_output(start):
        yield Failure(
            source=label,
            reason="a report or listing written by Rashomon, not an article",
            error="own output",
            skipped=True,
        )
        return
    if kind == "warc" or start.lstrip(b"\r\n").startswith(b"WARC/") or start.startswith(b"filedesc://"):
        yield from read_warc(raw, label, settings)
        return
    stream: BinaryIO = gzip.GzipFile(fileobj=raw, mode="rb") if gzipped else raw  # type: ignore[assignment]
    sniffed = sniff_kind(_loose_text(start))
    if kind in (None, "text") or (kind == "markdown" and sniffed in ("html", "feed", "jsonl")):
        kind = sniffed if not (kind == "text" and sniffed == "markdown") else "markdown"
    if kind == "html" and sniffed == "feed":
        kind = "feed"
    try:
        if kind == "jsonl":
            yield from read_jsonl(stream, label, settings)
            return
        if kind == "feed":
            yield from read_feed_stream(stream, label, settings, fetcher)
            return
        data = stream.read(cap + 1)
    except EOFError as exc:
        raise BadInput(label, "truncated gzip stream (the file ends before the compressed data does)") from exc
    except (OSError, zlib.error) as exc:
        raise BadInput(label, f"corrupt gzip data ({exc})") from exc
    if len(data) > cap:
        if gzipped:
            raise BadInput(label, f"larger than {cap:,} bytes once decompressed")
        size = os.fstat(raw.fileno()).st_size
        raise BadInput(label, f"file of {size:,} bytes exceeds the {cap:,}-byte limit")
    text = decode_bytes(data, label)
    if kind == "feed" or (kind not in ("jsonl",) and sniff_kind(text) == "feed" and kind == "html"):
        yield from read_feed(text, label, settings, fetcher)
    else:
        yield RawDocument(source=label, kind=kind, content=text)


_OWN_OUTPUT = re.compile(
    rb"^\s*(?:# Rashomon: how the reports differ\n"
    rb'|\{\n  "(?:events|articles|ingest)": [\[{]'
    rb'|<!DOCTYPE html>\n<html[^>]*><head><meta charset="utf-8"><meta name="generator" content="rashomon">)'
)


def _is_rashomon_output(head: bytes) -> bool:
    """A report or JSON listing Rashomon wrote (``-o`` into a folder that is read again next time)."""
    return bool(_OWN_OUTPUT.match(head[:300]))


def _gzip_head(compressed: bytes) -> bytes:
    """The first decompressed bytes of a gzip stream, for recognising its format (nothing is consumed)."""
    try:
        return zlib.decompressobj(31).decompress(compressed, 1 << 16)
    except zlib.error:
        return b""


def _loose_text(head: bytes) -> str:
    """Enough of a file's start, as text, to recognise its format."""
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[2:].decode(codec, errors="ignore")
    codec = utf16_without_bom(head)
    return head.decode(codec or "utf-8", errors="ignore")
