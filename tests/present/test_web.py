"""The web app and JSON API (``rashomon serve``) on a store of the demo and a hostile article: pages list
events and compare them side by side, article text is escaped, every response forbids scripts, and the API
has the CLI's JSON shapes."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from rashomon.present.cli import app as cli
from rashomon.present.web.app import create_app
from rashomon.settings import Settings

HOSTILE = """<!DOCTYPE html><html lang="en"><head><title>Dam &lt;script&gt;alert(1)&lt;/script&gt; report</title>
<meta property="og:site_name" content="Hostile Gazette"></head><body><article><h1>Dam report</h1>
<p>The Orvan Dam released water on Friday, the regional authority said. &lt;script&gt;alert("x")&lt;/script&gt;
Engineers inspected the spillway gates on Saturday and found no new damage to the structure.</p>
<p>"We opened the gates to protect the valley," said RWA engineer Tomas Brel. &lt;img src=x onerror=alert(2)&gt;</p>
<p>Residents of Lisk were told to stay away from the river banks until Monday, officials said.</p>
</article></body></html>"""


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    examples_dir = Path(__file__).resolve().parents[2] / "examples"
    folder = tmp_path_factory.mktemp("web")
    hostile = folder / "hostile.html"
    hostile.write_text(HOSTILE, encoding="utf-8")
    db = str(folder / "web.db")
    result = CliRunner().invoke(cli, ["ingest", str(examples_dir), str(hostile), "--db", db])
    assert result.exit_code == 0, result.output
    with TestClient(create_app(Settings(db=db), background=False)) as test_client:
        test_client.app.state.comparer.run_once(limit=1000)  # what the background thread does
        yield test_client


def _demo_event(client: TestClient) -> dict:
    events = client.get("/api/v1/events").json()["events"]
    return max(events, key=lambda e: e["size"])


def test_web_every_response_forbids_inline_and_foreign_scripts(client: TestClient) -> None:
    for path in ("/", f"/events/{_demo_event(client)['id']}", "/api/v1/events"):
        response = client.get(path)
        assert response.status_code == 200
        policy = dict(part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";"))
        assert policy["default-src"] == "'none'" and policy["script-src"] == "'self'"
        assert response.headers["x-content-type-options"] == "nosniff"
    # The one script is the app's own file; no page holds an inline one.
    page = client.get(f"/events/{_demo_event(client)['id']}").text
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/event.js" defer>']
    assert client.get("/static/event.js").status_code == 200


def test_web_event_page_sets_the_outlets_side_by_side(client: TestClient) -> None:
    event = _demo_event(client)
    page = client.get(f"/events/{event['id']}").text
    sides = page[page.index('<div class="sides">') : page.index('<div class="report">')]
    compared = client.get(f"/api/v1/events/{event['id']}/comparison").json()["events"][0]
    assert sides.count("<section aria-label=") == len(compared["articles"]) >= 3
    # Every shared claim links to its counterparts in the other columns, which exist on the page.
    shared = re.findall(r'<li id="([^"]+)" class="shared" data-group="([^"]+)"', sides)
    assert shared
    for anchor, group in shared:
        item = sides[sides.index(f'id="{anchor}"') :].split("</li>", 1)[0]
        targets = re.findall(r'href="#([^"]+)"', item)
        assert targets and all(f'id="{t}" class="shared" data-group="{group}"' in sides for t in targets)
    assert 'class="conflict"' in sides and 'class="unique"' in sides


def test_web_events_page_lists_the_demo_events(client: TestClient) -> None:
    page = client.get("/").text
    event = _demo_event(client)
    assert f'href="/events/{event["id"]}"' in page
    assert "The Northern Ledger" in page and "<script" not in page


def test_web_event_page_compares_the_outlets(client: TestClient) -> None:
    event = _demo_event(client)
    page = client.get(f"/events/{event['id']}").text
    for outlet in ("The Northern Ledger", "Kettlemoor Courier", "The Daily Torch"):
        assert outlet in page
    assert "Where the reports disagree" in page and 'class="badge conflict"' in page
    assert "<mark>" in page  # the differing values are marked
    assert f'href="/events/{event["id"]}.json"' in page


def test_web_downloads_match_the_cli_shapes(client: TestClient) -> None:
    event = _demo_event(client)
    download = client.get(f"/events/{event['id']}.json").text
    api = client.get(f"/api/v1/events/{event['id']}/comparison").json()
    assert json.loads(download)["events"] == api["events"] and len(api["events"]) == 1 and api["status"] == "ready"
    # The stored comparison gives the very bytes `rashomon compare --event ID --format json` prints.
    db = str(client.app.state.store.settings.db)
    result = CliRunner().invoke(cli, ["compare", "--event", event["id"], "--db", db, "--format", "json"])
    assert result.exit_code == 0 and result.stdout == download
    compared = api["events"][0]
    assert {"id", "title", "articles", "claims", "omissions", "framing", "timeline"} <= set(compared)
    markdown = client.get(f"/events/{event['id']}.md")
    assert markdown.text.startswith("# Rashomon: how the reports differ")
    assert client.get(f"/events/{event['id']}.pdf").status_code == 404


def test_web_hostile_article_text_is_escaped(client: TestClient) -> None:
    articles = client.get("/api/v1/articles", params={"limit": 100}).json()["articles"]
    hostile = next(a for a in articles if a["source"].endswith("hostile.html"))
    page = client.get(f"/articles/{hostile['id']}").text
    assert "alert" in page  # the text is shown...
    assert "<script>" not in page and "<img src=x" not in page  # ...but never as markup
    assert "&lt;script&gt;" in page or "&amp;lt;script" in page


def test_web_api_pagination_and_404s(client: TestClient) -> None:
    first = client.get("/api/v1/articles", params={"limit": 2, "offset": 0}).json()
    second = client.get("/api/v1/articles", params={"limit": 2, "offset": 2}).json()
    assert len(first["articles"]) == 2 and first["total"] >= 4
    assert {a["id"] for a in first["articles"]}.isdisjoint(a["id"] for a in second["articles"])
    assert client.get("/api/v1/articles", params={"limit": 0}).status_code == 422
    assert client.get("/api/v1/events/999999").status_code == 404
    assert client.get("/events/999999").status_code == 404
    assert client.get("/articles/no-such-article").status_code == 404
    article = client.get(f"/api/v1/articles/{first['articles'][0]['id']}").json()["articles"][0]
    assert {"id", "source", "entities", "quotes", "claims"} <= set(article)


def test_web_openapi_describes_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/v1/events", "/api/v1/events/{event_id}/comparison", "/api/v1/articles"} <= set(paths)


def test_web_atom_feed_of_events(client: TestClient) -> None:
    import feedparser

    response = client.get("/events.atom", params={"min_size": 2})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.text)
    assert not feed.bozo, feed.bozo_exception
    event = _demo_event(client)
    entry = next(e for e in feed.entries if e.link.endswith(f"/events/{event['id']}"))
    assert entry.title == event["title"] and "The Northern Ledger" in entry.summary
    assert all("reports by" in e.summary for e in feed.entries)
    sizes = [int(e.summary.split()[0]) for e in feed.entries]
    assert min(sizes) >= 2


def test_web_search_finds_a_quote_and_escapes_the_query(client: TestClient) -> None:
    found = client.get("/api/v1/search", params={"q": "state reacted"}).json()
    assert found["quotes"] and all("state reacted" in q["text"].lower() for q in found["quotes"])
    assert found["articles"] and {"id", "title", "outlet"} <= set(found["articles"][0])
    assert client.get("/api/v1/search", params={"q": "zzqx nothing"}).json()["articles"] == []
    assert client.get("/api/v1/search", params={"q": "100%_"}).status_code == 200  # LIKE wildcards are literal
    page = client.get("/search", params={"q": '<script>"state reacted"'}).text
    assert "<script>" not in page and "&lt;script&gt;" in page
    page = client.get("/search", params={"q": "state reacted"}).text
    assert "Teodor Halvik" in page


def test_web_entity_page_gathers_names_quotes_and_events(client: TestClient) -> None:
    articles = client.get("/api/v1/articles", params={"limit": 100}).json()["articles"]
    mna = next(a for a in articles if a["outlet"] == "MNA")
    record = client.get(f"/api/v1/articles/{mna['id']}").json()["articles"][0]
    halvik = next(e for e in record["entities"] if e["name"] == "Teodor Halvik")
    page = client.get(f"/articles/{mna['id']}").text
    assert "/entities/" in page and "Teodor Halvik</a>" in page
    entity = client.get(f"/api/v1/entities/{halvik['key']}").json()["entities"][0]
    assert entity["name"] == "Teodor Halvik" and entity["type"] == "PERSON"
    assert len(entity["articles"]) >= 3 and entity["events"]
    assert entity["quotes"] and all(q["speaker"] == "Teodor Halvik" for q in entity["quotes"])
    assert len({q["outlet"] for q in entity["quotes"]}) >= 2  # what he said, outlet by outlet
    import re

    href = re.search(r'<a href="(/entities/[^"]+)">Teodor Halvik</a>', page).group(1)  # as the page links it
    html_page = client.get(href.replace("&amp;", "&")).text
    assert "What Teodor Halvik said" in html_page
    assert client.get("/api/v1/entities/person:nobody").status_code == 404


def test_web_outlet_page_counts_verbs_and_voices(client: TestClient) -> None:
    outlet = client.get("/api/v1/outlets/The Daily Torch").json()["outlets"][0]
    assert outlet["articles"] and outlet["attribution_verbs"] and outlet["voices"]
    assert "sob" in outlet["attribution_verbs"]  # "sobbed Selma Ruhl"
    assert "Selma Ruhl" in outlet["voices"]
    # Loaded words in its own voice (the compare stage's framing), and everything by month.
    assert outlet["loaded_terms"] and all(n >= 1 for n in outlet["loaded_terms"].values())
    months = outlet["by_month"]
    assert sum(m["articles"] for m in months) == len(outlet["articles"])
    assert [m["month"] for m in months] == sorted((m["month"] for m in months), reverse=True)
    assert any("Selma Ruhl" in m["voices"] for m in months)
    page = client.get("/outlets/The%20Daily%20Torch").text
    assert "Over time" in page and "Loaded words in its own voice" in page
    assert "Verbs it reports speech with" in page and "Selma Ruhl" in page
    assert client.get("/api/v1/outlets/No Such Outlet").status_code == 404


def test_web_article_page_marks_quotes_speakers_and_cues(client: TestClient) -> None:
    articles = client.get("/api/v1/articles", params={"limit": 100}).json()["articles"]
    torch = next(a for a in articles if a["outlet"] == "The Daily Torch")
    record = client.get(f"/api/v1/articles/{torch['id']}").json()["articles"][0]
    page = client.get(f"/articles/{torch['id']}").text
    text = page[page.index('<div class="text">') :]
    for quote in record["quotes"]:
        content = record["text"][quote["start"] : quote["end"]]
        # The quotation's words are inside a quote mark titled with its speaker (the speaker's own name
        # or cue may split it into runs: compare the first run's words).
        first = content.split("\n", 1)[0][:20]
        assert re.search(r'<mark class="quote" title="[^"]*">[^<]*' + re.escape(html.escape(first, quote=False)), text)
    spans = [(q["speaker_start"], q["speaker_end"]) for q in record["quotes"] if q["speaker_start"] is not None]
    speakers = {record["text"][start:end] for start, end in spans}
    assert speakers and any(f">{html.escape(s, quote=False)}</mark>" in text for s in speakers)
    assert '<mark class="speaker" title="' in text and '<mark class="cue" title="' in text
    # Nothing of the text is lost or added: the marked text is the article's text, paragraph by paragraph.
    shown = re.findall(r"<p>(.*?)</p>", text.split("</div>", 1)[0], re.S)
    joined = "\n\n".join(html.unescape(re.sub(r"<[^>]+>", "", p)) for p in shown)
    assert joined == re.sub(r"\n{3,}", "\n\n", record["text"]).strip("\n")


def test_web_event_page_draws_voices_and_timeline_on_the_server(client: TestClient) -> None:
    event = _demo_event(client)
    page = client.get(f"/events/{event['id']}").text
    compared = client.get(f"/api/v1/events/{event['id']}/comparison").json()["events"][0]
    charts = re.findall(r"<svg class=\"chart\".*?</svg>", page, re.S)
    assert len(charts) == 2 and all('role="img"' in c and "<title" in c for c in charts)
    voices, timeline = charts
    # One bar per voice shown, labelled with its speaker; one dot per dated timeline entry.
    shown = [v for f in compared["framing"] for v in f["voices"][:6]]
    assert voices.count("<rect") == len(shown) and all(html.escape(v["speaker"]) in voices for v in shown)
    dated = [t for t in compared["timeline"] if re.match(r"\d{4}-\d{2}-\d{2}", t["date"] or "")]
    assert timeline.count("<circle") == len(dated) > 0
    assert "style=" not in voices + timeline and "<script" not in voices + timeline


def test_web_api_quotes_across_the_store(client: TestClient) -> None:
    every = client.get("/api/v1/quotes", params={"limit": 500}).json()["quotes"]
    assert every and all({"article_id", "outlet", "speaker", "text", "kind"} <= set(q) for q in every)
    first, second = (client.get("/api/v1/quotes", params={"limit": 3, "offset": o}).json()["quotes"] for o in (0, 3))
    assert first == every[:3] and second == every[3:6]
    torch = client.get("/api/v1/quotes", params={"outlet": "The Daily Torch", "limit": 500}).json()["quotes"]
    assert torch and {q["outlet"] for q in torch} == {"The Daily Torch"}
    assert len(torch) == len([q for q in every if q["outlet"] == "The Daily Torch"])
    reacted = client.get("/api/v1/quotes", params={"q": "state reacted"}).json()["quotes"]
    assert reacted and all("react" in q["text"].lower() for q in reacted)
