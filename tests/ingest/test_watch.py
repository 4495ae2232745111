"""The decisions of ``rashomon watch`` (ingest/watch.py): intervals, due times, backoff, validators, OPML;
and the store's memory of feeds and their entries (store/feeds_db.py) on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from rashomon.errors import BadInput
from rashomon.ingest.fetch import retry_after_seconds
from rashomon.ingest.watch import (
    BACKOFF_CAP,
    MAX_AGE_CAP,
    MAX_ENTRY_ATTEMPTS,
    RETRY_AFTER_CAP,
    FeedState,
    after_failure,
    after_success,
    backoff_delay,
    conditional_headers,
    describe_interval,
    entry_done,
    is_due,
    looks_like_opml,
    max_age,
    parse_interval,
    parse_opml,
)
from rashomon.store import Store
from rashomon.store.feeds_db import ENTRY_MEMORY

NOW = dt.datetime(2026, 3, 14, 12, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)
EVERY = 15 * MINUTE


def _state(**changes: object) -> FeedState:
    return FeedState(url="https://news.example/feed", fetch_url="https://news.example/feed").replace(**changes)


# ------------------------------------------------------------------------------------------ intervals


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30), ("15m", 900), ("1h", 3600), ("1h30m", 5400), ("2d", 172800), ("90", 90), (" 1h 5m ", 3900)],
)
def test_watch_parse_interval(text: str, seconds: int) -> None:
    assert parse_interval(text) == dt.timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "m", "15x", "fifteen minutes", "15m10", "-5m", "0s", "0.5s", "1h-5m"])
def test_watch_parse_interval_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="interval"):
        parse_interval(text)


def test_watch_describe_interval_round_trips() -> None:
    for text in ("30s", "15m", "1h30m", "1d2h"):
        assert describe_interval(parse_interval(text)) == text


# ---------------------------------------------------------------------------------------- due times


def test_watch_new_feed_is_due_at_once() -> None:
    assert is_due(_state(), NOW, EVERY)


def test_watch_feed_is_due_after_its_interval_with_a_little_slack() -> None:
    state = after_success(_state(), NOW, EVERY, {}, modified=True)
    assert state.due_at == NOW + EVERY
    assert not is_due(state, NOW + 10 * MINUTE, EVERY)
    # A cron job a few seconds early still finds it due (slack: a tenth of the interval, a minute at most).
    assert is_due(state, NOW + EVERY - dt.timedelta(seconds=5), EVERY)
    assert not is_due(state, NOW + EVERY - 2 * MINUTE, EVERY)
    short = dt.timedelta(seconds=10)
    assert not is_due(after_success(_state(), NOW, short, {}, modified=True), NOW + dt.timedelta(seconds=8), short)


def test_watch_success_keeps_validators_and_clears_failures() -> None:
    failing = _state(failures=3, last_error="HTTP 500", etag='"a"', last_modified="Sat, 14 Mar 2026 10:00:00 GMT")
    after_304 = after_success(failing, NOW, EVERY, {}, modified=False)  # a 304 may omit the validators
    assert (after_304.etag, after_304.last_modified) == ('"a"', "Sat, 14 Mar 2026 10:00:00 GMT")
    assert (after_304.failures, after_304.last_error, after_304.ok_at) == (0, None, NOW)
    after_200 = after_success(failing, NOW, EVERY, {"etag": '"b"'}, modified=True)
    assert (after_200.etag, after_200.last_modified) == ('"b"', None)  # a new body's validators replace the old


def test_watch_conditional_headers() -> None:
    assert conditional_headers(_state()) == {}
    assert conditional_headers(_state(etag='W/"x"', last_modified="Sat, 14 Mar 2026 10:00:00 GMT")) == {
        "If-None-Match": 'W/"x"',
        "If-Modified-Since": "Sat, 14 Mar 2026 10:00:00 GMT",
    }


def test_watch_cache_max_age_delays_the_next_poll_up_to_a_cap() -> None:
    assert max_age({"cache-control": "public, max-age=1800"}) == 30 * MINUTE
    assert max_age({"cache-control": "no-cache, max-age=1800"}) is None
    assert max_age({}) is None
    longer = after_success(_state(), NOW, EVERY, {"cache-control": "max-age=1800"}, modified=True)
    assert longer.due_at == NOW + 30 * MINUTE
    shorter = after_success(_state(), NOW, EVERY, {"cache-control": "max-age=60"}, modified=True)
    assert shorter.due_at == NOW + EVERY  # a short lifetime never makes us poll more often
    week = after_success(_state(), NOW, EVERY, {"cache-control": "max-age=604800"}, modified=True)
    assert week.due_at == NOW + MAX_AGE_CAP


# -------------------------------------------------------------------------------------------- backoff


def test_watch_backoff_doubles_up_to_the_cap() -> None:
    delays = [backoff_delay(n, EVERY) for n in range(1, 10)]
    assert delays[:4] == [30 * MINUTE, 60 * MINUTE, 120 * MINUTE, 240 * MINUTE]
    assert delays[-1] == BACKOFF_CAP
    assert delays == sorted(delays)
    assert backoff_delay(1000, EVERY) == BACKOFF_CAP  # no overflow after a year of failures
    day = dt.timedelta(days=1)
    assert backoff_delay(3, day) == day  # an interval above the cap is the cap


def test_watch_backoff_honours_retry_after_up_to_a_day() -> None:
    assert backoff_delay(1, EVERY, retry_after=7200) == dt.timedelta(hours=2)
    assert backoff_delay(1, EVERY, retry_after=5) == 30 * MINUTE
    assert backoff_delay(1, EVERY, retry_after=10**9) == RETRY_AFTER_CAP


def test_watch_failures_count_and_back_off() -> None:
    state = _state()
    for n in range(1, 4):
        state = after_failure(state, NOW, EVERY, "HTTP 500 from https://news.example/feed")
        assert state.failures == n
        assert state.due_at == NOW + EVERY * 2**n
        assert state.last_error == "HTTP 500 from https://news.example/feed"
        assert not is_due(state, NOW + EVERY, EVERY)
    assert after_success(state, NOW, EVERY, {}, modified=True).failures == 0


def test_watch_retry_after_header() -> None:
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert 3500 < (retry_after_seconds(later) or 0) <= 3600


def test_watch_entry_done() -> None:
    assert not entry_done(None, 0)
    assert entry_done("stored", 1)
    assert not entry_done("failed", MAX_ENTRY_ATTEMPTS - 1)
    assert entry_done("failed", MAX_ENTRY_ATTEMPTS)


# ----------------------------------------------------------------------------------------------- OPML

OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>My feeds</title></head>
  <body>
    <outline text="World">
      <outline type="rss" text="Ledger" xmlUrl="https://ledger.example/world.rss" htmlUrl="https://ledger.example/"/>
      <outline type="rss" text="Courier" xmlurl="http://courier.example/feed.atom"/>
    </outline>
    <outline type="rss" text="Ledger again" xmlUrl="https://ledger.example/world.rss"/>
    <outline type="rss" text="Not http" xmlUrl="file:///etc/passwd"/>
    <outline type="link" text="A page" url="https://page.example/"/>
  </body>
</opml>"""


def test_watch_parse_opml_nested_deduplicated_http_only() -> None:
    assert looks_like_opml(OPML)
    assert parse_opml(OPML, "feeds.opml") == ["https://ledger.example/world.rss", "http://courier.example/feed.atom"]


def test_watch_parse_opml_refuses_entities() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<opml><body><outline xmlUrl="https://x.example/&b;"/><outline xmlUrl="https://ok.example/feed"/>'
        b"</body></opml>"
    )
    with pytest.raises(BadInput, match="declares XML entities"):
        parse_opml(bomb, "bomb.opml")
    external = (
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY url SYSTEM "file:///etc/hostname">]>'
        b'<opml><body><outline xmlUrl="&url;"/></body></opml>'
    )
    with pytest.raises(BadInput, match="malformed"):  # libxml2 refuses an external entity; nothing is read
        parse_opml(external, "external.opml")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<opml><body><outline", "malformed"),
        (b"<rss><channel/></rss>", "root element"),
        (b"<opml><body><outline text='x'/></body></opml>", "no http"),
    ],
)
def test_watch_parse_opml_refuses(data: bytes, reason: str) -> None:
    with pytest.raises(BadInput, match=reason):
        parse_opml(data, "bad.opml")


# ---------------------------------------------------------------------------------------------- store


def test_watch_store_keeps_feed_state(store: Store) -> None:
    assert store.feed_states(["https://news.example/feed"]) == {}
    state = after_failure(_state(etag='"v1"'), NOW, EVERY, "HTTP 500", retry_after=None)
    saved = store.save_feed(state)
    assert saved.id is not None
    again = store.feed_states(["https://news.example/feed", "https://other.example/feed"])
    assert list(again) == ["https://news.example/feed"]
    loaded = again["https://news.example/feed"]
    assert loaded == saved  # times come back in UTC, on SQLite too
    moved = store.save_feed(loaded.replace(fetch_url="https://news.example/new-feed", failures=0))
    assert moved.id == saved.id
    assert store.feed_states([saved.url])[saved.url].fetch_url == "https://news.example/new-feed"
    # Saving a state without an id (a second process that met the feed first) updates the same row.
    assert store.save_feed(_state(entries_seen=5)).id == saved.id


def test_watch_store_remembers_entries_and_forgets_old_ones(store: Store) -> None:
    feed = store.save_feed(_state())
    assert feed.id is not None
    store.record_feed_entries(feed.id, ["a", "b", "c"], {"a": "stored", "b": "failed"}, NOW)
    assert store.feed_entries_seen(feed.id) == {"a": ("stored", 1), "b": ("failed", 1)}
    later = NOW + dt.timedelta(days=1)
    store.record_feed_entries(feed.id, ["b", "c"], {"b": "failed", "c": "stored"}, later)
    assert store.feed_entries_seen(feed.id) == {"a": ("stored", 1), "b": ("failed", 2), "c": ("stored", 1)}
    # "a" left the feed a day ago: forgotten once that is longer ago than ENTRY_MEMORY; "c" is still listed.
    store.record_feed_entries(feed.id, ["c"], {}, later + ENTRY_MEMORY - dt.timedelta(hours=1))
    assert set(store.feed_entries_seen(feed.id)) == {"b", "c"}
    store.record_feed_entries(feed.id, ["c"], {}, later + ENTRY_MEMORY + dt.timedelta(hours=2))
    assert set(store.feed_entries_seen(feed.id)) == {"c"}
