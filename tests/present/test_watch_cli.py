"""``rashomon watch`` end to end, against feeds served on 127.0.0.1 by the test: new entries between polls,
304s when the validators match (the requests carried them), a feed that fails while the others go on,
backoff, a permanent redirect, OPML lists, a restart in a second process, Ctrl-C, and a store another
process is writing; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from rashomon.present.cli import app
from rashomon.settings import Settings
from rashomon.store import Store
from rashomon.store.schema import feed_entries, feeds
from tests.loopback import Answer, LoopbackServer, Reply

pytestmark = pytest.mark.network
StartServer = Callable[..., LoopbackServer]
SRC = Path(__file__).resolve().parents[2] / "src"

STORIES = {
    "ferry": (
        "Ferry sailings double while the Sarne bridge is shut",
        "The ferry between Keldmouth and Caster will sail twice as often while the Sarne bridge is closed for "
        "repairs, the operator announced on Wednesday after talks with the regional roads office. Extra crews "
        "have been hired for the morning and evening rush, and the last ferry of the day will leave Caster at "
        "midnight instead of ten o'clock. Commuters said the queues at the slipway had grown for a week. The "
        "roads office expects the bridge to reopen in the spring once new bearings are fitted to its piers. "
        "Until then, lorries must take the long road round the estuary through Penmoor and Dale. Hauliers say"
        " the detour adds forty minutes to every run to the port.",
    ),
    "library": (
        "Lisk library reopens after the flood",
        "The public library of Lisk reopened its doors on Saturday, eight months after floodwater ruined the "
        "ground floor and most of its local history collection. Volunteers dried thousands of parish records "
        "in borrowed freezers over the winter, and a conservator from the county archive restored the oldest "
        "maps. The council paid for new shelving raised half a metre above the old floor. Readers queued in "
        "the rain before opening time, and the children's corner was full within the first hour of the day. "
        "The mayor thanked the volunteers by name and promised a permanent flood barrier by the river. "
        "Opening hours will be longer on Thursdays until the end of the year.",
    ),
    "orchard": (
        "Frost cuts the apple harvest in the Morrow valley",
        "Growers in the Morrow valley expect to pick a third fewer apples this autumn after a late frost in "
        "April killed much of the blossom, the growers' cooperative said on Monday. Orchards on the valley "
        "floor suffered most, while those on the southern slopes escaped with light damage. Several farms "
        "have asked the bank to delay loan repayments. The cooperative will buy fruit from neighbouring "
        "regions to keep its cider press running, and it warned that juice prices would rise before winter. "
        "The frost was the worst in the valley since records began at the weather station in 1961. Pickers "
        "hired from abroad have been told that fewer of them will be needed.",
    ),
    "observatory": (
        "Hill observatory opens its dome to night visitors",
        "The observatory on Brant Hill will open its dome to visitors on clear Friday nights from next month, "
        "its director said, after a fund-raising drive paid for a new telescope mount and a ramp for "
        "wheelchairs. Astronomers from the university will guide groups of twenty through the winter "
        "constellations. Tickets are free but must be booked, because the dome holds few people at once. The "
        "town has agreed to dim the street lights on the hill road on those nights to keep the sky dark. "
        "Schools in the district have already booked most of the places for the first two months of visits. A"
        " small exhibition about the history of the building opens in the entrance hall.",
    ),
    "tram": (
        "Tram line to the harbour wins its final vote",
        "City councillors approved the tram line to the harbour on Tuesday by twenty-three votes to eleven, "
        "ending a dispute that has lasted three elections. Construction of the four-kilometre line will start "
        "next year and close the harbour road to cars for eighteen months. Shopkeepers along the route asked "
        "for compensation during the works, and the mayor promised a fund for them. Engineers say the trams "
        "will carry nine thousand passengers a day once the line and its six new stops are finished in 2029. "
        "Opponents say the money would have been better spent on buses for the villages north of the river. A"
        " petition against the line gathered four thousand names last summer.",
    ),
}


def _item(key: str, base: str, *, summary_only: bool = False) -> str:
    title, text = STORIES[key]
    link = f"{base}/news/{key}.html"
    body = (
        f"<description>{title}: the short version.</description>"
        if summary_only
        else f"<content:encoded><![CDATA[<p>{text}</p>]]></content:encoded>"
    )
    return (
        f"<item><title>{title}</title><link>{link}</link><guid>urn:story:{key}</guid>"
        f"<pubDate>Wed, 11 Mar 2026 09:00:00 GMT</pubDate>{body}</item>"
    )


def _page(key: str) -> Reply:
    title, text = STORIES[key]
    html = (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1><p>{text}</p></article></body></html>"
    )
    return Reply(200, html.encode(), {"Content-Type": "text/html; charset=utf-8"})


class FeedSite:
    """RSS feeds on a loopback server whose entries the test changes between polls. Each feed answers 304
    when the request's validators match its current version; ``validators`` picks which it sends."""

    def __init__(self, loopback: StartServer) -> None:
        self.server = loopback({})
        self.base = self.server.url("").rstrip("/")
        self.entries: dict[str, list[tuple[str, bool]]] = {}
        self.versions: dict[str, int] = {}
        for key in STORIES:
            self.server.routes[f"/news/{key}.html"] = _page(key)

    def feed(self, path: str, entries: list[tuple[str, bool]], validators: str = "etag") -> str:
        self.entries[path] = entries
        self.versions[path] = 1
        self.server.routes[path] = Answer(lambda p, h: self._answer(p, h, validators))
        return self.server.url(path)

    def update(self, path: str, entries: list[tuple[str, bool]]) -> None:
        self.entries[path] = entries
        self.versions[path] += 1

    def _answer(self, path: str, headers: Mapping[str, str], validators: str) -> Reply:
        version = self.versions[path]
        etag = f'"v{version}"'
        modified = formatdate(1_700_000_000 + version * 3600, usegmt=True)
        if validators == "etag" and headers.get("if-none-match") == etag:
            return Reply(304, b"", {"ETag": etag})
        if validators == "last-modified" and headers.get("if-modified-since") == modified:
            return Reply(304, b"")
        items = "".join(_item(key, self.base, summary_only=summary) for key, summary in self.entries[path])
        body = (
            '<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f"<channel><title>Harbour Gazette</title><link>{self.base}/</link>{items}</channel></rss>"
        )
        sent = {"ETag": etag} if validators == "etag" else {"Last-Modified": modified}
        return Reply(200, body.encode(), {"Content-Type": "application/rss+xml", **sent})

    def asked(self, path: str) -> list[dict[str, str]]:
        """The headers of every request for ``path``, in order."""
        return [headers for p, headers in self.server.headers if p == path]


@pytest.fixture
def site(loopback: StartServer) -> FeedSite:
    return FeedSite(loopback)


def _watch(
    db: str, *args: str, env: dict[str, str] | None = None, every: str = "1s"
) -> tuple[int, dict[str, Any], str]:
    """``rashomon watch --once --format json`` in this process: exit code, the JSON object, stderr."""
    argv = ["watch", *args, "--db", db, "--once", "--every", every, "--allow-private-network", "--format", "json"]
    result = CliRunner().invoke(app, argv, env=env)
    payload = json.loads(result.stdout) if result.stdout.strip() else {}
    return result.exit_code, payload.get("watch", {}), result.stderr


def _polls(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {poll["url"].rsplit("/", 1)[-1]: poll for poll in payload["feeds"]}


def _feed_rows(db: str) -> dict[str, dict[str, Any]]:
    with Store.open(Settings(db=db), mode="read") as store, store.engine.connect() as conn:
        return {row.url.rsplit("/", 1)[-1]: dict(row._mapping) for row in conn.execute(sa.select(feeds))}


def _count_articles(db: str) -> int:
    with Store.open(Settings(db=db), mode="read") as store:
        return store.count_articles()


def test_watch_cli_reads_new_entries_and_gets_304s(site: FeedSite, store_db: str) -> None:
    etag_feed = site.feed("/world.rss", [("ferry", False), ("library", True)])  # library: summary only
    date_feed = site.feed("/local.rss", [("orchard", False)], validators="last-modified")

    code, first, stderr = _watch(store_db, etag_feed, date_feed)
    assert code == 0, stderr
    polls = _polls(first)
    assert (polls["world.rss"]["status"], polls["world.rss"]["new"], polls["world.rss"]["stored"]) == ("new", 2, 2)
    assert (polls["local.rss"]["status"], polls["local.rss"]["stored"]) == ("new", 1)
    assert first["ingest"]["added"] == 3
    assert first["ingest"]["analysed"] == 3 and first["ingest"]["clustered"] == 3  # the pipeline of `ingest`
    assert site.server.requests.count("/news/library.html") == 1  # the summary-only entry's page was read
    assert site.server.requests.count("/news/ferry.html") == 0  # the full-text entry's was not
    assert "feed " in stderr and "3 added" in stderr and "2 new of 2 entries" in stderr
    assert site.asked("/world.rss")[0].get("if-none-match") is None  # nothing to validate the first time

    time.sleep(1.0)  # polled every second: due again
    code, second, stderr = _watch(store_db, etag_feed, date_feed)
    assert code == 0, stderr
    assert {p["status"] for p in second["feeds"]} == {"not_modified"}, second
    assert site.asked("/world.rss")[-1]["if-none-match"] == '"v1"'
    assert site.asked("/local.rss")[-1]["if-modified-since"] == formatdate(1_700_003_600, usegmt=True)
    assert "if-none-match" not in site.asked("/local.rss")[-1]  # no ETag was sent: only the date comes back
    assert "not modified (304)" in stderr
    assert _count_articles(store_db) == 3

    site.update("/world.rss", [("tram", False), ("ferry", False), ("library", True)])
    time.sleep(1.0)
    code, third, stderr = _watch(store_db, etag_feed, date_feed)
    assert code == 0, stderr
    polls = _polls(third)
    assert (polls["world.rss"]["status"], polls["world.rss"]["new"], polls["world.rss"]["entries"]) == ("new", 1, 3)
    assert polls["local.rss"]["status"] == "not_modified"
    assert site.server.requests.count("/news/library.html") == 1  # a seen entry's page is not read again
    assert _count_articles(store_db) == 4
    rows = _feed_rows(store_db)
    assert rows["world.rss"]["etag"] == '"v2"' and rows["world.rss"]["entries_seen"] == 3
    assert rows["local.rss"]["last_modified"] and rows["local.rss"]["etag"] is None
    assert rows["world.rss"]["failures"] == 0 and rows["world.rss"]["ok_at"] is not None


def test_watch_cli_failing_feed_backs_off_and_the_others_go_on(
    site: FeedSite, loopback: StartServer, store_db: str
) -> None:
    good = site.feed("/good.rss", [("ferry", False)])
    answers = iter([Reply(500, b"oops"), Reply(500, b"oops"), Reply(200, b"<html><p>this is no feed</p>")])
    site.server.routes["/bad.rss"] = lambda _path: next(answers)
    bad = site.server.url("/bad.rss")

    def slow(_path: str) -> Reply:
        time.sleep(1.5)
        return Reply(200, b"late")

    site.server.routes["/slow.rss"] = slow
    slow_url = site.server.url("/slow.rss")
    env = {"RASHOMON_FETCH_TIMEOUT": "0.5", "RASHOMON_ANALYSE_ON_INGEST": "false"}

    # Polled every 2 s: a feed that failed once waits 4 s. The slow feed is first, so its timeouts (2 × 0.5 s)
    # do not delay the others' clocks.
    code, first, stderr = _watch(store_db, slow_url, good, bad, env=env, every="2s")
    assert code == 0, stderr  # failing feeds are reported, not fatal (--strict makes them so)
    polls = _polls(first)
    assert polls["good.rss"]["status"] == "new" and polls["good.rss"]["stored"] == 1
    assert polls["bad.rss"]["status"] == "failed" and "HTTP 500" in polls["bad.rss"]["error"]
    assert polls["slow.rss"]["status"] == "failed" and "timed out" in polls["slow.rss"]["error"]
    assert "failed (1 in a row): HTTP 500" in stderr
    assert site.server.requests.count("/bad.rss") == 2  # the fetcher tries a 5xx twice, no more
    rows = _feed_rows(store_db)
    assert rows["bad.rss"]["failures"] == 1 and "HTTP 500" in rows["bad.rss"]["last_error"]

    time.sleep(2.0)  # the good feed is due again; the failed ones back off
    code, second, stderr = _watch(store_db, slow_url, good, bad, env=env, every="2s")
    assert code == 0, stderr
    assert set(_polls(second)) == {"good.rss"}
    assert site.server.requests.count("/bad.rss") == 2

    time.sleep(2.0)
    code, third, stderr = _watch(store_db, slow_url, good, bad, "--strict", env=env, every="2s")
    assert code == 1, stderr  # --strict: a failed feed fails the run
    polls = _polls(third)
    assert polls["bad.rss"]["status"] == "failed" and "malformed" in polls["bad.rss"]["error"]
    assert polls["bad.rss"]["failures"] == 2
    assert polls["good.rss"]["status"] == "not_modified"
    rows = _feed_rows(store_db)
    assert rows["bad.rss"]["failures"] == 2 and rows["slow.rss"]["failures"] == 2
    assert _count_articles(store_db) == 1


def _run(db: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``rashomon watch --once`` in a process of its own."""
    env = {**os.environ, "PYTHONPATH": str(SRC), "RASHOMON_ANALYSE_ON_INGEST": "false"}
    argv = [sys.executable, "-m", "rashomon", "watch", *args, "--db", db, "--once", "--every", "1s"]
    return subprocess.run(
        [*argv, "--allow-private-network", "--format", "json"], env=env, capture_output=True, text=True, timeout=120
    )


def test_watch_cli_restart_reads_only_new_entries_and_follows_a_move(site: FeedSite, store_db: str) -> None:
    site.feed("/world.rss", [("ferry", False), ("library", True)])
    site.server.routes["/old.rss"] = Reply(301, b"", {"Location": "/world.rss"})
    old = site.server.url("/old.rss")

    first = _run(store_db, old)
    assert first.returncode == 0, first.stderr
    poll = json.loads(first.stdout)["watch"]["feeds"][0]
    assert (poll["status"], poll["stored"], poll["moved_to"]) == ("new", 2, site.server.url("/world.rss"))
    assert "moved permanently" in first.stderr

    # The feed changes (a new ETag: a 200, not a 304) with one new entry; a second process reads only that.
    site.update("/world.rss", [("observatory", True), ("ferry", False), ("library", True)])
    time.sleep(1.0)
    before = len(site.server.requests)
    second = _run(store_db, old)
    assert second.returncode == 0, second.stderr
    poll = json.loads(second.stdout)["watch"]["feeds"][0]
    assert (poll["status"], poll["entries"], poll["new"], poll["stored"]) == ("new", 3, 1, 1)
    asked = site.server.requests[before:]
    assert asked == ["/world.rss", "/news/observatory.html"]  # not the old url; no page read twice
    assert _count_articles(store_db) == 3
    with Store.open(Settings(db=store_db), mode="read") as store, store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(feed_entries)).scalar() == 3


def test_watch_cli_reads_opml_lists(site: FeedSite, store_db: str, tmp_path: Path) -> None:
    world = site.feed("/world.rss", [("ferry", False)])
    local = site.feed("/local.rss", [("orchard", False)])
    extra = site.feed("/extra.rss", [("tram", False)])
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        f'<opml version="2.0"><body><outline text="news"><outline xmlUrl="{world}"/>'
        f'<outline xmlUrl="{local}"/></outline></body></opml>',
        encoding="utf-8",
    )
    site.server.routes["/list.opml"] = Reply(
        200, f'<opml><body><outline xmlUrl="{extra}"/></body></opml>'.encode(), {"Content-Type": "text/x-opml"}
    )
    code, payload, stderr = _watch(
        store_db, str(opml), site.server.url("/list.opml"), env={"RASHOMON_ANALYSE_ON_INGEST": "0"}
    )
    assert code == 0, stderr
    polls = _polls(payload)
    assert polls["list.opml"]["status"] == "listed" and polls["list.opml"]["listed"] == [extra]
    assert {k: p["stored"] for k, p in polls.items() if k != "list.opml"} == {
        "world.rss": 1,
        "local.rss": 1,
        "extra.rss": 1,
    }

    result = CliRunner().invoke(app, ["watch", str(tmp_path / "missing.opml"), "--db", store_db, "--once"])
    assert result.exit_code == 1 and "missing.opml" in result.stderr
    feed_file = tmp_path / "feed.rss"
    feed_file.write_text("<rss><channel><item><title>x</title></item></channel></rss>", encoding="utf-8")
    result = CliRunner().invoke(app, ["watch", str(feed_file), "--db", store_db, "--once"])
    assert result.exit_code == 1 and "not an OPML list" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--every", "soon"], "--every"),
        (["--every", "0s"], "shorter"),
        (["--format", "json"], "--once"),
        (["--strict"], "--once"),
    ],
)
def test_watch_cli_usage_errors(args: list[str], message: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["watch", "http://127.0.0.1:9/feed", "--db", str(tmp_path / "s.db"), *args])
    assert result.exit_code == 2 and message in result.stderr


def test_watch_cli_refuses_loopback_without_permission(site: FeedSite, tmp_path: Path) -> None:
    url = site.feed("/world.rss", [("ferry", False)])
    result = CliRunner().invoke(app, ["watch", url, "--db", str(tmp_path / "s.db"), "--once", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    poll = json.loads(result.stdout)["watch"]["feeds"][0]
    assert poll["status"] == "failed" and "non-public address" in poll["error"]
    assert site.server.requests == []


def test_watch_cli_waits_for_a_store_another_process_is_writing(site: FeedSite, tmp_path: Path) -> None:
    db = str(tmp_path / "store.db")
    Store.open(Settings(db=db)).close()
    url = site.feed("/world.rss", [("ferry", False)])
    holding = threading.Event()

    def writer() -> None:  # `rashomon ingest` in the middle of a batch: the write lock, for a second
        conn = sqlite3.connect(db, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO counters (name, value) VALUES ('other-writer', 1)")
        holding.set()
        time.sleep(1.0)
        conn.execute("COMMIT")
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    holding.wait(5)
    code, payload, stderr = _watch(db, url, env={"RASHOMON_ANALYSE_ON_INGEST": "false"})
    thread.join()
    assert code == 0, stderr
    assert payload["feeds"][0]["stored"] == 1 and "locked" not in stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT value FROM counters WHERE name = 'other-writer'").fetchone() == (1,)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process")
def test_watch_cli_ctrl_c_stops_cleanly(site: FeedSite, tmp_path: Path) -> None:
    db = str(tmp_path / "store.db")
    url = site.feed("/world.rss", [("ferry", False)])
    env = {**os.environ, "PYTHONPATH": str(SRC), "RASHOMON_ANALYSE_ON_INGEST": "false"}
    argv = [sys.executable, "-m", "rashomon", "watch", url, "--db", db, "--every", "1s", "--allow-private-network"]
    process = subprocess.Popen(argv, env=env, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    lines = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # two rounds: the second finds the feed not modified
        line = process.stderr.readline()
        lines.append(line)
        if "not modified (304)" in line or not line:
            break
    process.send_signal(signal.SIGINT)
    _, rest = process.communicate(timeout=30)
    assert process.returncode == 130, "".join(lines) + rest
    assert "stopped" in rest and "Traceback" not in rest
    assert any("not modified (304)" in line for line in lines), "".join(lines) + rest + str(process.returncode)
    rows = _feed_rows(db)
    assert rows["world.rss"]["failures"] == 0 and rows["world.rss"]["etag"] == '"v1"'


def test_watch_cli_retries_a_failed_entry_a_few_times_then_leaves_it(site: FeedSite, store_db: str) -> None:
    url = site.feed("/world.rss", [("ferry", False), ("library", True)])
    site.server.routes["/news/library.html"] = Reply(503, b"busy")  # the summary-only entry's page fails
    env = {"RASHOMON_ANALYSE_ON_INGEST": "false"}
    for attempt in range(1, 4):
        code, payload, stderr = _watch(store_db, url, env=env)
        assert code == 0, stderr
        poll = payload["feeds"][0]
        assert (poll["status"], poll["new"], poll["failed"]) == ("new", 2 if attempt == 1 else 1, 1)
        # An entry left to retry: the feed is asked for whole (no validators), or a 304 would hide it.
        assert "if-none-match" not in site.asked("/world.rss")[-1]
        assert site.server.requests.count("/news/library.html") == 2 * attempt  # the fetcher tries a 503 twice
        time.sleep(1.0)
    code, payload, stderr = _watch(store_db, url, env=env)
    assert payload["feeds"][0]["status"] == "unchanged"  # tried three times: left alone
    time.sleep(1.0)
    code, payload, stderr = _watch(store_db, url, env=env)
    assert payload["feeds"][0]["status"] == "not_modified"
    assert site.asked("/world.rss")[-1]["if-none-match"] == '"v1"'
    assert site.server.requests.count("/news/library.html") == 6


def test_watch_cli_honours_retry_after(site: FeedSite, store_db: str) -> None:
    site.server.routes["/busy.rss"] = Reply(503, b"busy", {"Retry-After": "600"})
    code, payload, stderr = _watch(store_db, site.server.url("/busy.rss"), env={"RASHOMON_ANALYSE_ON_INGEST": "0"})
    assert code == 0, stderr
    assert payload["feeds"][0]["status"] == "failed"
    row = _feed_rows(store_db)["busy.rss"]
    assert (row["due_at"] - row["checked_at"]).total_seconds() == pytest.approx(600, abs=1)
