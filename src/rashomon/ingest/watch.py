"""Following feeds (``rashomon watch``): the decisions, without I/O.

When a feed is due, what to send so that an unchanged feed costs a 304, how long to wait after a failure,
which of a feed's entries are new, and the feed urls an OPML list names. The runner (watcher.py) does the
fetching and the writing; every function here takes the time it needs as an argument.

Schedule: a feed that answered is due again ``every`` later (longer when its ``Cache-Control: max-age``
asks for it, up to ``MAX_AGE_CAP``). A feed that failed ``n`` times in a row waits ``every × 2^n``, capped at
``BACKOFF_CAP`` (or ``every`` when that is longer), and at least what its ``Retry-After`` asked (up to
``RETRY_AFTER_CAP``). No jitter: one watcher polls its feeds one after another, never at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from rashomon.errors import BadInput

# The longest wait after failures: a feed that is down is still tried four times a day, so it comes back
# within hours of being fixed; the first retries come sooner (every × 2, × 4, ...).
BACKOFF_CAP = dt.timedelta(hours=6)
# A server's Retry-After is honoured up to a day; a longer one (or a date far ahead) is taken as a day.
RETRY_AFTER_CAP = dt.timedelta(hours=24)
# Cache-Control max-age longer than the interval delays the next poll, up to an hour: a feed that says
# "cache me for a week" is still checked hourly (a 304 costs the server almost nothing).
MAX_AGE_CAP = dt.timedelta(hours=1)
# A feed is due this much before its time (a tenth of the interval, at most a minute): a cron job that runs
# `watch --once` every 15 minutes finds the feeds it polled 15 minutes ago due, not a few seconds early.
DUE_SLACK_CAP = dt.timedelta(minutes=1)
# An entry whose reading failed (its page did not load, nothing could be extracted) is tried again at the
# next polls, this many times in all; then it is left alone.
MAX_ENTRY_ATTEMPTS = 3
MIN_INTERVAL = dt.timedelta(seconds=1)

_INTERVAL = re.compile(r"(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr|d)?", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400}


@dataclass(frozen=True, kw_only=True)
class FeedState:
    """What the store keeps of one followed feed."""

    url: str  # as the user named it (or an OPML list did): the feed's identity
    fetch_url: str  # where it is fetched now (a permanent redirect changes it)
    kind: str = "feed"  # feed | list (an OPML list of feeds, fetched whole: its feeds are not stored)
    id: int | None = None  # None until it is first saved
    etag: str | None = None
    last_modified: str | None = None
    checked_at: dt.datetime | None = None
    ok_at: dt.datetime | None = None
    due_at: dt.datetime | None = None  # None: never polled, due at once
    failures: int = 0  # consecutive
    last_error: str | None = None
    entries_seen: int = 0

    def replace(self, **changes: object) -> FeedState:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True, kw_only=True)
class FeedPoll:
    """What one poll of one feed did."""

    url: str
    status: str  # new | not_modified | unchanged (200, nothing new) | listed (an OPML list) | failed
    entries: int = 0  # entries in the feed document
    new: int = 0  # entries read this time (not seen before)
    stored: int = 0  # of those, stored as articles (added, versions, copies of stored ones)
    failed: int = 0  # of those, failed (tried again at the next polls)
    error: str | None = None
    failures: int = 0  # consecutive failed polls, this one included
    moved_to: str | None = None  # a permanent redirect moved the feed here
    listed: tuple[str, ...] = ()  # the feeds an OPML list names
    due_at: dt.datetime | None = None

    def to_dict(self) -> dict[str, object]:
        data = {k: v for k, v in self.__dict__.items() if k != "due_at"}
        data["listed"] = list(self.listed)
        data["due_at"] = self.due_at.isoformat() if self.due_at else None
        return data


def parse_interval(text: str) -> dt.timedelta:
    """``30s``, ``15m``, ``1h``, ``1h30m``, ``1d`` or a number of seconds, as a timedelta.

    Raises:
        ValueError: not an interval, or shorter than a second.
    """
    cleaned = text.strip().lower()
    position, seconds = 0, 0.0
    for match in _INTERVAL.finditer(cleaned):
        if match.start() != position or (match.group(2) is None and (position or match.end() != len(cleaned))):
            break  # a number without a unit is only read alone, as seconds
        seconds += float(match.group(1)) * _UNIT_SECONDS[(match.group(2) or "s").lower()]
        position = match.end()
        while position < len(cleaned) and cleaned[position] == " ":
            position += 1
    if not cleaned or position != len(cleaned):
        raise ValueError(f"not an interval: {text!r} (write e.g. 30s, 15m, 1h or 1h30m)")
    interval = dt.timedelta(seconds=seconds)
    if interval < MIN_INTERVAL:
        raise ValueError(f"interval {text!r} is shorter than {MIN_INTERVAL.total_seconds():.0f} second")
    return interval


def describe_interval(interval: dt.timedelta) -> str:
    """``1h30m``, ``15m``, ``30s``: the short form ``parse_interval`` reads."""
    seconds = int(interval.total_seconds())
    parts = [(seconds // 86400, "d"), (seconds % 86400 // 3600, "h"), (seconds % 3600 // 60, "m"), (seconds % 60, "s")]
    return "".join(f"{n}{unit}" for n, unit in parts if n) or "0s"


def is_due(state: FeedState, now: dt.datetime, every: dt.timedelta) -> bool:
    """Whether a feed should be polled now (a new feed always is; see ``DUE_SLACK_CAP``)."""
    if state.due_at is None:
        return True
    return now >= state.due_at - min(every / 10, DUE_SLACK_CAP)


def conditional_headers(state: FeedState) -> dict[str, str]:
    """The validators of the last answer, sent back so that an unchanged feed answers 304."""
    headers = {}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return headers


def max_age(headers: Mapping[str, str]) -> dt.timedelta | None:
    """``Cache-Control: max-age`` of a response (None when absent or when ``no-cache`` / ``no-store``)."""
    control = headers.get("cache-control", "").lower()
    if "no-cache" in control or "no-store" in control:
        return None
    match = re.search(r"(?:^|[,\s])max-age\s*=\s*\"?(\d+)", control)
    return dt.timedelta(seconds=int(match.group(1))) if match else None


def after_success(
    state: FeedState, now: dt.datetime, every: dt.timedelta, headers: Mapping[str, str], *, modified: bool
) -> FeedState:
    """The state after an answer (200 or 304): validators kept (a 304 may omit them), failures cleared, due
    ``every`` later or when the cache lifetime ends (``MAX_AGE_CAP``)."""
    wait = every
    cached = max_age(headers)
    if cached is not None:
        wait = max(every, min(cached, MAX_AGE_CAP))
    return state.replace(
        etag=headers.get("etag") or (None if modified else state.etag),
        last_modified=headers.get("last-modified") or (None if modified else state.last_modified),
        checked_at=now,
        ok_at=now,
        due_at=now + wait,
        failures=0,
        last_error=None,
    )


def backoff_delay(failures: int, every: dt.timedelta, retry_after: float | None = None) -> dt.timedelta:
    """How long a feed that failed ``failures`` times in a row waits: ``every × 2^failures`` up to
    ``BACKOFF_CAP`` (``every`` when longer), never less than the server's ``Retry-After`` (up to a day)."""
    cap = max(BACKOFF_CAP, every)
    delay = min(every * 2 ** min(failures, 32), cap)
    if retry_after is not None:
        delay = max(delay, min(dt.timedelta(seconds=retry_after), RETRY_AFTER_CAP))
    return delay


def after_failure(
    state: FeedState, now: dt.datetime, every: dt.timedelta, error: str, retry_after: float | None = None
) -> FeedState:
    """The state after a failed poll: one more failure, the error kept, the next poll backed off."""
    failures = state.failures + 1
    return state.replace(
        checked_at=now,
        due_at=now + backoff_delay(failures, every, retry_after),
        failures=failures,
        last_error=error[:1000],
    )


def entry_done(status: str | None, attempts: int) -> bool:
    """Whether an entry seen before is left alone: stored, or failed ``MAX_ENTRY_ATTEMPTS`` times."""
    return status is not None and (status != "failed" or attempts >= MAX_ENTRY_ATTEMPTS)


def looks_like_opml(data: bytes | str) -> bool:
    head = data[:2000].lower() if isinstance(data, str) else data[:2000].decode("utf-8", "ignore").lower()
    return bool(re.search(r"<opml[\s>]", head))


def parse_opml(data: bytes, source: str) -> list[str]:
    """The http(s) feed urls (``xmlUrl``) of an OPML subscription list, nested outlines included, in order,
    each once.

    An OPML file is untrusted input. lxml reads it with external entities, DTD loading and network access
    off and libxml2's limits on entity amplification (huge_tree off), the settings feeds.py reads large
    feeds with; and a document that declares entities is refused, as defusedxml would (it is not a
    dependency; an OPML list has no use for entities, and libxml2 expands internal ones in attributes).
    feedparser reads feeds only, not OPML.

    Raises:
        BadInput: not XML, not an OPML document, or one that declares entities.
    """
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise BadInput(source, f"not an OPML list (malformed XML: {exc})") from exc
    dtd = root.getroottree().docinfo.internalDTD if root is not None else None
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise BadInput(source, "an OPML list that declares XML entities is refused (a list needs none)")
    if root is None or not isinstance(root.tag, str) or root.tag.rsplit("}", 1)[-1].lower() != "opml":
        raise BadInput(source, "not an OPML list (its root element is not <opml>)")
    urls: list[str] = []
    for outline in root.iter("{*}outline", "outline"):
        attributes = {k.lower(): v for k, v in outline.attrib.items() if isinstance(k, str)}
        url = (attributes.get("xmlurl") or "").strip()
        if re.match(r"^https?://", url, re.IGNORECASE) and url not in urls:
            urls.append(url)
    if not urls:
        raise BadInput(source, "the OPML list names no http(s) feed (no outline with an xmlUrl)")
    return urls
