"""Batch event clustering (``cluster_events``) on invented reports: look-alike events of one kind stay
apart, reports of one event from different outlets and days join."""

from __future__ import annotations

from pathlib import Path

import pytest

from rashomon.events import cluster_events
from rashomon.records import AnalysedArticle, Article, Event
from tests.events import texts
from tests.events.conftest import Analyse

ARTICLES = [
    Article(
        id="harwick-herald",
        source="harwick-herald.txt",
        text=texts.HARWICK_HERALD,
        title="Oster River floods Harwick, 300 homes under water",
        outlet="Valley Herald",
        published="2024-10-07T09:00:00+00:00",
    ),
    Article(
        id="harwick-post",
        source="harwick-post.txt",
        text=texts.HARWICK_POST,
        title="Harwick counts the cost of worst flood in living memory",
        outlet="Coastline Post",
        published="2024-10-07T18:00:00+00:00",
    ),
    Article(
        id="mirefield-herald",
        source="mirefield-herald.txt",
        text=texts.MIREFIELD_HERALD,
        title="Calne River floods Mirefield, 120 evacuated",
        outlet="Valley Herald",
        published="2024-10-10T09:00:00+00:00",
    ),
    Article(
        id="mirefield-courier",
        source="mirefield-courier.txt",
        text=texts.MIREFIELD_COURIER,
        title="Mirefield evacuates 120 as Calne bursts its banks",
        outlet="Evening Courier",
        published="2024-10-10T16:00:00+00:00",
    ),
    Article(
        id="meeting-preview",
        source="meeting-preview.txt",
        text=texts.MEETING_PREVIEW,
        title="Norland and Vestria ministers to meet over herring quotas",
        outlet="Valley Herald",
        published="2024-10-08T10:00:00+00:00",
    ),
    Article(
        id="meeting-report",
        source="meeting-report.txt",
        text=texts.MEETING_REPORT,
        title="Norland and Vestria agree to split herring quota",
        outlet="Evening Courier",
        published="2024-10-10T20:00:00+00:00",
    ),
]


@pytest.fixture(scope="module")
def analysed(analyse_all: Analyse) -> list[AnalysedArticle]:
    return analyse_all(ARTICLES)


@pytest.fixture(scope="module")
def events(analysed: list[AnalysedArticle]) -> list[Event]:
    return cluster_events(analysed)


def _event_of(events: list[Event], article_id: str) -> Event:
    found = [e for e in events if any(a.article_id == article_id for a in e.articles)]
    assert len(found) == 1, [(e.id, [a.article_id for a in e.articles]) for e in events]
    return found[0]


def _members(event: Event) -> set[str]:
    return {a.article_id for a in event.articles}


def test_cluster_look_alike_floods_share_their_vocabulary(analysed: list[AnalysedArticle]) -> None:
    # The premise of the next test: the two floods are the same kind of story, told with the same words.
    terms = {item.article.id: {t for t, _ in item.analysis.terms} for item in analysed}
    shared = terms["harwick-herald"] & terms["mirefield-herald"]
    assert {"flood", "river", "mayor", "resident"} & shared
    assert len(shared) >= 8, sorted(shared)


def test_cluster_look_alike_floods_are_separate_events(events: list[Event]) -> None:
    harwick = _event_of(events, "harwick-herald")
    mirefield = _event_of(events, "mirefield-herald")
    assert harwick.id != mirefield.id
    assert _members(harwick) == {"harwick-herald", "harwick-post"}
    assert _members(mirefield) == {"mirefield-herald", "mirefield-courier"}


def test_cluster_preview_and_report_of_a_meeting_join(events: list[Event]) -> None:
    meeting = _event_of(events, "meeting-preview")
    assert _members(meeting) == {"meeting-preview", "meeting-report"}
    assert (meeting.start, meeting.end) == ("2024-10-08", "2024-10-10")
    assert set(meeting.outlets) == {"Valley Herald", "Evening Courier"}


def test_cluster_every_article_in_exactly_one_event(events: list[Event]) -> None:
    assert len(events) == 3
    ids = [a.article_id for e in events for a in e.articles]
    assert sorted(ids) == sorted(a.id for a in ARTICLES)
    assert sorted(e.id for e in events) == ["ev1", "ev2", "ev3"]


def test_cluster_event_record_fields(events: list[Event]) -> None:
    harwick = _event_of(events, "harwick-post")
    assert harwick.title in {a.title for a in ARTICLES if a.id.startswith("harwick")}
    assert (harwick.start, harwick.end) == ("2024-10-07", "2024-10-07")
    # Members in publication order, outlets in order of first report.
    assert [a.article_id for a in harwick.articles] == ["harwick-herald", "harwick-post"]
    assert harwick.outlets == ("Valley Herald", "Coastline Post")


def test_cluster_title_and_lead_snippets_keep_the_demo_events_apart(examples_dir: Path) -> None:
    """With only a headline and a first paragraph each, the two floods of the demo stay two events."""
    from rashomon.events import cluster_events
    from rashomon.pipeline import analyse_extracted, dedupe_copies, extract_articles
    from rashomon.records import Article
    from rashomon.settings import Settings

    settings = Settings()
    articles = [a for a in extract_articles([str(examples_dir)], settings) if isinstance(a, Article)]
    snippets = [a.replace(text=a.text.split("\n\n")[0]) for a in dedupe_copies(articles, settings)]
    events = cluster_events(list(analyse_extracted(snippets, settings)))
    towns = [{w for a in e.articles for w in (a.title or "").split()} for e in events]
    lisk = [i for i, words in enumerate(towns) if "Lisk" in words or "Orvan" in words]
    avenby = [i for i, words in enumerate(towns) if "Avenby" in words]
    assert len(set(lisk)) == 1 and len(set(avenby)) == 1 and lisk[0] != avenby[0]
