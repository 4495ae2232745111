"""RSS and Atom feeds (feedparser): each entry becomes an article.

An entry that carries the full article (``content:encoded``, Atom ``content``) is used as it is; an
entry that holds only a summary has its linked page fetched, when fetching is allowed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import re
from collections.abc import Callable, Iterator
from typing import BinaryIO

import feedparser

from rashomon.errors import BadInput, RashomonError
from rashomon.ingest.fetch import Fetcher
from rashomon.ingest.fragments import fragment_text
from rashomon.ingest.metadata import outlet_for_url, url_domain
from rashomon.records import Failure, RawDocument
from rashomon.settings import Settings

logger = logging.getLogger(__name__)

NO_ENTRIES = "feed has no entries"  # the reason of the BadInput a well-formed empty feed raises


def looks_like_feed(text: str) -> bool:
    head = text[:2000].lower()
    return bool(re.search(r"<(?:rss|feed|rdf:rdf)[\s>]", head))


# (entry key, name of the entry's document) -> read this entry?
EntryFilter = Callable[[str, str], bool]


def read_feed(
    data: bytes | str,
    source: str,
    settings: Settings,
    fetcher: Fetcher | None,
    *,
    entry_offset: int = 0,
    want: EntryFilter | None = None,
) -> Iterator[RawDocument | Failure]:
    """Yield one RawDocument per feed entry (or a Failure naming the entry and the reason).

    ``want`` is asked about each entry first, with the entry's key (``entry_key``) and the source name its
    document or failure will carry; an entry it refuses is passed over (its page is not fetched).
    """
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=True)
    if not parsed.entries:
        if parsed.bozo:
            raise BadInput(source, f"malformed feed XML ({parsed.bozo_exception})")
        raise BadInput(source, NO_ENTRIES)
    channel = parsed.feed
    channel_title = _channel_outlet(channel.get("title"), channel.get("link"))
    for number, entry in enumerate(parsed.entries, entry_offset + 1):
        link = entry.get("link")
        name = link or f"{source}#entry{number}"
        if want is not None and not want(entry_key(entry), name):
            continue
        hints = {
            k: v
            for k, v in {
                "title": entry.get("title"),
                "published": _entry_date(entry),
                "author": entry.get("author"),
                "outlet": channel_title,
                "url": link,
                "language": (channel.get("language") or "").split("-")[0].lower() or None,
            }.items()
            if v
        }
        body_html = _entry_content(entry)
        body_chars = len(fragment_text(body_html)) if body_html else 0
        if body_html and body_chars >= settings.feed_summary_chars:
            yield RawDocument(source=name, kind="fragment", content=body_html, url=link, hints=hints)
            continue
        if link and fetcher is not None and settings.fetch_linked_pages:
            try:
                fetched = fetcher.fetch(link)
            except RashomonError as exc:
                yield Failure(source=name, reason=f"entry holds only a summary and the linked page failed: {exc}")
                continue
            from rashomon.ingest.decode import decode_bytes

            try:
                html = decode_bytes(fetched.content, name, fetched.charset)
            except BadInput as exc:
                yield Failure(source=name, reason=exc.reason)
                continue
            yield RawDocument(source=name, kind="html", content=html, url=fetched.url, hints=hints)
            continue
        if body_html:
            # Only a summary and no way to fetch the page: keep the summary, marked as such.
            yield RawDocument(
                source=name, kind="fragment", content=body_html, url=link, hints={**hints, "summary_only": "true"}
            )
        else:
            reason = "feed entry has neither content nor a fetchable link"
            if parsed.bozo:
                reason += f" (malformed feed XML: {parsed.bozo_exception})"
            yield Failure(source=name, reason=reason)


_ATOM = "{http://www.w3.org/2005/Atom}"
_RSS1 = "{http://purl.org/rss/1.0/}"
_ENTRY_TAGS = {"item", "entry", f"{_ATOM}entry", f"{_RSS1}item"}


def read_feed_stream(
    stream: BinaryIO, source: str, settings: Settings, fetcher: Fetcher | None
) -> Iterator[RawDocument | Failure]:
    """A feed file of any size: up to ``max_input_bytes`` it is parsed whole (feedparser copes with broken
    XML); a larger one is read entry by entry with lxml's incremental parser, each entry handed to
    feedparser on its own, so memory holds one entry at a time. Entity expansion and network access are
    off in both (a "billion laughs" feed fails, it does not fill the memory)."""
    cap = settings.max_input_bytes
    head = stream.read(cap + 1)
    if len(head) <= cap:
        yield from read_feed(head, source, settings, fetcher)
        return
    yield from _read_large_feed(_Prefixed(head, stream), source, settings, fetcher)


class _Prefixed(io.RawIOBase):
    """The bytes already read, then the rest of the stream."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        super().__init__()
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._head.nbytes:
            n = min(len(buffer), self._head.nbytes)
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _read_large_feed(
    stream: BinaryIO, source: str, settings: Settings, fetcher: Fetcher | None
) -> Iterator[RawDocument | Failure]:
    from lxml import etree

    channel: dict[str, str] = {}
    atom = False
    count = 0
    parser = etree.iterparse(
        stream, events=("end",), resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
    )
    try:
        for _event, element in parser:
            tag = element.tag if isinstance(element.tag, str) else ""
            parent = element.getparent()
            parent_tag = parent.tag if parent is not None and isinstance(parent.tag, str) else ""
            if tag in _ENTRY_TAGS:
                count += 1
                atom = tag.startswith(_ATOM)
                entry = etree.tostring(element)
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
                yield from _one_entry(entry, atom, channel, source, count, settings, fetcher)
            elif parent_tag in ("channel", f"{_ATOM}feed", f"{_RSS1}channel") and tag.rsplit("}", 1)[-1] in (
                "title",
                "link",
                "language",
            ):
                key = tag.rsplit("}", 1)[-1]
                value = (element.text or element.get("href") or "").strip()
                if value and key not in channel:
                    channel[key] = value[:500]
    except etree.XMLSyntaxError as exc:
        yield Failure(source=f"{source}#entry{count + 1}", reason=f"malformed feed XML from here on ({exc})")
    if count == 0:
        raise BadInput(source, NO_ENTRIES)


def _one_entry(
    entry: bytes,
    atom: bool,
    channel: dict[str, str],
    source: str,
    number: int,
    settings: Settings,
    fetcher: Fetcher | None,
) -> Iterator[RawDocument | Failure]:
    from xml.sax.saxutils import escape

    head = "".join(
        f"<{k}>{escape(v)}</{k}>" if not (atom and k == "link") else f'<link href="{escape(v)}"/>'
        for k, v in channel.items()
    )
    if atom:
        wrapped = f'<feed xmlns="http://www.w3.org/2005/Atom">{head}'.encode() + entry + b"</feed>"
    else:
        wrapped = f'<rss version="2.0"><channel>{head}'.encode() + entry + b"</channel></rss>"
    try:
        yield from read_feed(wrapped, source, settings, fetcher, entry_offset=number - 1)
    except BadInput as exc:
        yield Failure(source=f"{source}#entry{number}", reason=exc.reason)


def entry_key(entry: feedparser.FeedParserDict) -> str:
    """What identifies an entry across fetches of its feed: its guid / Atom id, else its link, else its title
    and date; as a SHA-256 digest (an id may be any length)."""
    identity = entry.get("id") or entry.get("link") or f"{entry.get('title', '')}\x00{_entry_date(entry) or ''}"
    return hashlib.sha256(str(identity).encode("utf-8", errors="replace")).hexdigest()


def _entry_content(entry: feedparser.FeedParserDict) -> str | None:
    contents = entry.get("content") or []
    best = max((c.get("value", "") for c in contents), key=len, default="")
    summary = entry.get("summary") or ""
    return best if len(best) >= len(summary) and best else (summary or None)


def _entry_date(entry: feedparser.FeedParserDict) -> str | None:
    """The entry's date as the feed states it, with its offset (feedparser's parsed dates are in UTC,
    which moves the day of an evening report west of Greenwich)."""
    from rashomon.ingest.metadata import parse_date

    for key in ("published", "updated", "created"):
        value = entry.get(key)
        parsed = parse_date(value) if isinstance(value, str) else None
        if parsed and not parsed.startswith("--"):
            return parsed
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return dt.datetime(*value[:6], tzinfo=dt.UTC).isoformat()
    return None


def _channel_outlet(title: str | None, link: str | None) -> str | None:
    known = outlet_for_url(link)
    if known and known != url_domain(link):
        return known
    if title:
        # "Northern Ledger - World" / "Northern Ledger: Top stories" -> "Northern Ledger"
        return re.split(r"\s+(?:[-|–—:»])\s+|:\s", title.strip(), maxsplit=1)[0] or None
    return known
