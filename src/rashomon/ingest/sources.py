"""From SOURCE arguments (files, folders, globs, urls) to RawDocuments.

Each input is read, decompressed and decoded here, its format recognised (by name, then by content),
and handed to the reader for that format. Every problem becomes a Failure that names the input and the
reason; the iteration always goes on to the next input.
"""

from __future__ import annotations

import glob
import gzip
import logging
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from rashomon.errors import BadInput, RashomonError
from rashomon.ingest.decode import GZIP_MAGIC, decode_bytes, maybe_gunzip
from rashomon.ingest.feeds import looks_like_feed, read_feed
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
    r"^\.|~$|\.(?:py|pyc|db|sqlite|json|lock|png|jpe?g|gif|pdf|zip|css|js|toml|ya?ml|cfg|ini)$"
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
    sources: Iterable[str], settings: Settings, fetcher: Fetcher | None = None
) -> Iterator[RawDocument | Failure]:
    """Yield a RawDocument for every article found in the sources, or a Failure with the reason."""
    for item in expand_sources(sources):
        if isinstance(item, Failure):
            yield item
            continue
        try:
            if _URL_RE.match(item):
                yield from _read_url(item, settings, fetcher)
            else:
                yield from _read_file(item, settings, fetcher)
        except RashomonError as exc:
            reason = exc.reason if isinstance(exc, BadInput) else str(exc)
            where = getattr(exc, "source", item)
            yield Failure(source=item if where == item else where, reason=reason)


def _read_url(url: str, settings: Settings, fetcher: Fetcher | None) -> Iterator[RawDocument | Failure]:
    if fetcher is None:
        raise BadInput(url, "fetching urls is disabled")
    fetched = fetcher.fetch(url)
    text = decode_bytes(maybe_gunzip(fetched.content, url, settings.max_input_bytes), url, fetched.charset)
    if ("xml" in fetched.content_type and "html" not in fetched.content_type) or looks_like_feed(text):
        yield from read_feed(text, url, settings, fetcher)
    else:
        yield RawDocument(source=url, kind="html", content=text, url=fetched.url)


def _read_file(path: str, settings: Settings, fetcher: Fetcher | None) -> Iterator[RawDocument | Failure]:
    try:
        size = os.path.getsize(path)
        kind = _kind_from_name(path)
        if kind == "warc":
            with open(path, "rb") as stream:
                yield from read_warc(stream, path, settings)
            return
        if size > settings.max_input_bytes:
            raise BadInput(path, f"file of {size:,} bytes exceeds the {settings.max_input_bytes:,}-byte limit")
        with open(path, "rb") as handle:
            data = handle.read()
    except PermissionError as exc:
        raise BadInput(path, "permission denied") from exc
    except OSError as exc:
        raise BadInput(path, f"unreadable ({exc.strerror or exc})") from exc
    if data[:2] == GZIP_MAGIC:
        data = maybe_gunzip(data, path, settings.max_input_bytes)
        if data.startswith(b"WARC/"):
            with gzip.open(path, "rb") as stream:
                yield from read_warc(stream, path, settings)
            return
    elif data.startswith(b"WARC/"):
        with open(path, "rb") as stream:
            yield from read_warc(stream, path, settings)
        return
    text = decode_bytes(data, path)
    sniffed = sniff_kind(text)
    if kind in (None, "text") or (kind == "markdown" and sniffed in ("html", "feed", "jsonl")):
        kind = sniffed if not (kind == "text" and sniffed == "markdown") else "markdown"
    if kind == "html" and sniffed == "feed":
        kind = "feed"
    if kind == "feed":
        yield from read_feed(text, path, settings, fetcher)
    elif kind == "jsonl":
        yield from read_jsonl(text, path, settings)
    else:
        yield RawDocument(source=path, kind=kind, content=text)
