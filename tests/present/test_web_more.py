"""The web app's background comparisons (stored, recomputed when an event changes, never waited for),
event filters and feeds by conflict or entity, files added on the web, and ``--private``."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from rashomon.present.cli import app as cli
from rashomon.present.web.app import create_app
from rashomon.settings import Settings
from tests.present.test_web_write import PAGE, _form, _token

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _ingest(db: str, *sources: str) -> None:
    result = CliRunner().invoke(cli, ["ingest", *sources, "--db", db])
    assert result.exit_code == 0, result.output


def _until(check, seconds: float = 120.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


def _largest(client: TestClient) -> dict:
    return max(client.get("/api/v1/events").json()["events"], key=lambda e: e["size"])


def test_web_comparisons_are_computed_in_the_background_and_follow_changes(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("northern-ledger-lisk-flood.html", "mna-lisk-flood.txt"):
        shutil.copy(EXAMPLES / name, folder / name)
    db = str(tmp_path / "b.db")
    _ingest(db, str(folder))
    with TestClient(create_app(Settings(db=db), compare_poll=0.2)) as client:
        event = _largest(client)
        assert event["size"] == 2
        # The first request never waits: it answers at once, "computing" or the comparison.
        first = client.get(f"/api/v1/events/{event['id']}/comparison")
        assert first.status_code in (200, 202)
        ready = _until(lambda: (r := client.get(f"/api/v1/events/{event['id']}/comparison")).status_code == 200 and r)
        assert ready.json()["status"] == "ready" and len(ready.json()["events"]) == 1
        listed = _largest(client)
        assert listed["shared"] is not None and listed["conflicts"] is not None
        before = ready.json()["events"][0]
        # Another process adds a report of the same event to the store: the comparison follows it.
        _ingest(db, str(EXAMPLES / "daily-torch-lisk-flood.md"))
        grown = _largest(client)
        assert grown["id"] == event["id"] and grown["size"] == 3

        def recomputed():  # type: ignore[no-untyped-def]
            body = client.get(f"/api/v1/events/{event['id']}/comparison").json()
            return body["status"] == "ready" and len(body["events"][0]["articles"]) == 3 and body

        after = _until(recomputed)["events"][0]
        assert len(before["articles"]) == 2 and after != before
        assert client.app.state.comparer.computed >= 2


def test_web_event_page_says_when_the_comparison_is_being_computed(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    _ingest(db, str(EXAMPLES))
    with TestClient(create_app(Settings(db=db), background=False)) as client:
        event = _largest(client)
        page = client.get(f"/events/{event['id']}")
        assert page.status_code == 200 and "being computed" in page.text and 'http-equiv="refresh"' in page.text
        assert client.get(f"/events/{event['id']}.json").status_code == 202
        assert _largest(client)["shared"] is None  # the list says so too ("being compared")
        assert "being compared" in client.get("/").text
        client.app.state.comparer.run_once(limit=1000)
        page = client.get(f"/events/{event['id']}").text
        assert "being computed" not in page and '<div class="sides">' in page


def test_web_events_filters_and_feeds(tmp_path: Path) -> None:
    db = str(tmp_path / "f.db")
    _ingest(db, str(EXAMPLES))
    with TestClient(create_app(Settings(db=db), background=False)) as client:
        client.app.state.comparer.run_once(limit=1000)
        every = client.get("/api/v1/events").json()["events"]
        flood = _largest(client)

        def ids(**params: str) -> set[str]:
            return {e["id"] for e in client.get("/api/v1/events", params=params).json()["events"]}

        assert ids(outlet="the daily torch") == {e["id"] for e in every if "The Daily Torch" in e["outlets"]}
        assert flood["id"] in ids(entity="Lisk") and flood["id"] in ids(entity="lisk")
        assert ids(entity="Nobody Anywhere") == set()
        conflicting = ids(conflicts="true")
        assert conflicting == {e["id"] for e in every if e["conflicts"]} and flood["id"] in conflicting
        day = flood["start"][:10]
        assert flood["id"] in ids(since=day, until=day)
        assert flood["id"] not in ids(until="2000-01-01") and flood["id"] not in ids(since="2999-01-01")
        assert client.get("/api/v1/events", params={"since": "yesterday"}).status_code == 422
        page = client.get("/", params={"entity": "Lisk", "conflicts": "true"}).text
        assert f'href="/events/{flood["id"]}"' in page and 'name="entity" value="Lisk"' in page
        feed = client.get("/events.atom", params={"conflicts": "true"}).text
        assert feed.count("<entry>") == len(conflicting)
        assert client.get("/events.atom", params={"entity": "Nobody Anywhere"}).text.count("<entry>") == 0


def test_web_search_uses_the_full_text_index(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    _ingest(db, str(EXAMPLES))
    with TestClient(create_app(Settings(db=db), background=False)) as client:
        singular = client.get("/api/v1/search", params={"q": "siren"}).json()
        plural = client.get("/api/v1/search", params={"q": "sirens"}).json()
        assert singular["articles"] and singular["articles"] == plural["articles"]
        assert client.get("/api/v1/search", params={"q": '"NEAR( OR'}).status_code == 200


def test_web_add_form_takes_files(tmp_path: Path) -> None:
    db = str(tmp_path / "u.db")
    token = _token(db)
    uploads = tmp_path / "kept"
    with TestClient(create_app(Settings(db=db), uploads=uploads, background=False)) as client:
        csrf = _form(client)
        files = [("files", ("../../etc/crane report.html", PAGE.encode(), "text/html"))]
        added = client.post(
            "/add", data={"token": token, "csrf": csrf, "urls": ""}, files=files, follow_redirects=False
        )
        assert added.status_code == 303
        page = _until(lambda: (t := client.get(added.headers["location"]).text) and ": done</h1>" in t and t)
        assert "1 added" in page
        [kept] = uploads.iterdir()  # kept under a safe name inside the uploads folder, nowhere else
        assert kept.name.endswith("-crane-report.html") and kept.read_text() == PAGE
        articles = client.get("/api/v1/articles").json()["articles"]
        assert [a["title"] for a in articles] == ["Harbour crane collapses in Varn"]


def test_web_add_form_refuses_files_too_large(tmp_path: Path) -> None:
    db = str(tmp_path / "l.db")
    token = _token(db)
    with TestClient(create_app(Settings(db=db, max_input_bytes=1000), background=False)) as client:
        csrf = _form(client)
        files = [("files", ("big.html", b"x" * 5000, "text/html"))]
        refused = client.post("/add", data={"token": token, "csrf": csrf}, files=files)
        assert refused.status_code == 413 and "larger than 1,000 bytes" in refused.text
        assert not [p for p in (tmp_path / "l.db.uploads").iterdir() if p.is_file()]


def test_web_private_needs_a_token_for_every_page(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    _ingest(db, str(EXAMPLES / "mna-lisk-flood.txt"))
    token = _token(db)
    with TestClient(create_app(Settings(db=db), private=True, background=False)) as client:
        assert client.get("/api/v1/events").status_code == 401
        assert client.get("/events.atom").status_code == 401
        redirect = client.get("/search?q=dam", follow_redirects=False)
        assert redirect.status_code == 303 and redirect.headers["location"] == "/login?next=/search"
        assert client.get("/static/site.css").status_code == 200  # the style sheets stay open
        bearer = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/v1/events", headers=bearer).status_code == 200
        assert client.get("/api/v1/events", headers={"Authorization": "Bearer wrong"}).status_code == 401
        login = client.get("/login?next=//evil.example/")
        csrf = re.search(r'name="csrf" value="([^"]+)"', login.text).group(1)
        assert 'name="next" value="/"' in login.text  # never sent to another host afterwards
        wrong = client.post("/login", data={"token": "nope", "csrf": csrf, "next": "/"})
        assert wrong.status_code == 401
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
        signed = client.post("/login", data={"token": token, "csrf": csrf, "next": "/search"}, follow_redirects=False)
        assert signed.status_code == 303 and signed.headers["location"] == "/search"
        assert client.get("/search?q=dam").status_code == 200  # the cookie now opens the pages
        assert client.get("/").headers["cache-control"] == "private, no-store"
