"""RSS and Atom feeds (feedparser): each entry becomes an article.

An entry that carries the full article (``content:encoded``, Atom ``content``) is used as it is; an
entry that holds only a summary has its linked page fetched, when fetching is allowed.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator

import feedparser

from rashomon.errors import BadInput, RashomonError
from rashomon.ingest.fetch import Fetcher
from rashomon.ingest.fragments import fragment_text
from rashomon.ingest.metadata import outlet_for_url, url_domain
from rashomon.records import Failure, RawDocument
from rashomon.settings import Settings

logger = logging.getLogger(__name__)


def looks_like_feed(text: str) -> bool:
    head = text[:2000].lower()
    return bool(re.search(r"<(?:rss|feed|rdf:rdf)[\s>]", head))


def read_feed(
    data: bytes | str, source: str, settings: Settings, fetcher: Fetcher | None
) -> Iterator[RawDocument | Failure]:
    """Yield one RawDocument per feed entry (or a Failure naming the entry and the reason)."""
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=True)
    if not parsed.entries:
        if parsed.bozo:
            raise BadInput(source, f"malformed feed XML ({parsed.bozo_exception})")
        raise BadInput(source, "feed has no entries")
    channel = parsed.feed
    channel_title = _channel_outlet(channel.get("title"), channel.get("link"))
    for number, entry in enumerate(parsed.entries, 1):
        link = entry.get("link")
        name = link or f"{source}#entry{number}"
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


def _entry_content(entry: feedparser.FeedParserDict) -> str | None:
    contents = entry.get("content") or []
    best = max((c.get("value", "") for c in contents), key=len, default="")
    summary = entry.get("summary") or ""
    return best if len(best) >= len(summary) and best else (summary or None)


def _entry_date(entry: feedparser.FeedParserDict) -> str | None:
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
