"""Incremental clustering on a SQLite store (``assign_events``): a later report of a stored event joins it,
an unrelated report opens a new event, stored event ids never change, and a report that bridges two events
merges them and the merge is recorded. Ingest clusters what it adds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from rashomon.events.incremental import assign_events
from rashomon.pipeline import analyse_stored, ingest, stored_event
from rashomon.settings import Settings
from rashomon.store import Store
from rashomon.store.schema import event_merges
from tests.events import texts

HARWICK_HERALD = "https://valley-herald.example/2024/10/07/harwick-flood"
MIREFIELD_HERALD = "https://valley-herald.example/2024/10/10/mirefield-flood"
FIRE = "https://valley-herald.example/2024/09/03/calloway-fire"
SCHOOL = "https://evening-courier.example/2024/09/03/drummond-school"
HARWICK_POST = "https://coastline-post.example/2024/10/07/harwick-counts-cost"
MUSEUM = "https://coastline-post.example/2024/10/08/ravelin-museum"
BRIDGE = "https://coastline-post.example/2024/09/04/calloway-smoke-drummond"

RECORDS = {
    HARWICK_HERALD: (texts.HARWICK_HERALD, "Oster River floods Harwick", "2024-10-07T09:00:00+00:00", "Valley Herald"),
    MIREFIELD_HERALD: (
        texts.MIREFIELD_HERALD,
        "Calne River floods Mirefield",
        "2024-10-10T09:00:00+00:00",
        "Valley Herald",
    ),
    FIRE: (texts.FACTORY_FIRE, "Fire at Calloway paint factory", "2024-09-03T09:00:00+00:00", "Valley Herald"),
    SCHOOL: (texts.SCHOOL_CLOSURE, "Drummond pupils sent home ill", "2024-09-03T15:00:00+00:00", "Evening Courier"),
    HARWICK_POST: (texts.HARWICK_POST, "Harwick counts the cost", "2024-10-07T12:00:00+00:00", "Coastline Post"),
    MUSEUM: (texts.MUSEUM, "Ravelin museum reopens", "2024-10-08T12:00:00+00:00", "Coastline Post"),
    BRIDGE: (
        texts.SMOKE_BRIDGE,
        "Calloway fire smoke made Drummond pupils ill",
        "2024-09-04T10:00:00+00:00",
        "Coastline Post",
    ),
}


def _jsonl(path: Path, urls: list[str]) -> str:
    lines = []
    for url in urls:
        text, title, published, outlet = RECORDS[url]
        lines.append(json.dumps({"url": url, "text": text, "title": title, "published": published, "outlet": outlet}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@dataclass
class Run:
    """What the store said after one batch: article url -> event id, and the live events."""

    assigned: dict[str, int]
    event_of: dict[str, int | None]
    events: dict[int, dict]


@dataclass
class Scenario:
    store: Store
    runs: list[Run]
    ids: dict[str, str]  # url -> article id


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    """Three batches into one store: two floods, a fire and a school closure; then a second report of the
    Harwick flood and a museum story; then a report that links the fire and the school closure."""
    folder = tmp_path_factory.mktemp("incremental")
    settings = Settings(db=str(folder / "events.db"), analyse_on_ingest=False)
    store = Store.open(settings)
    ids: dict[str, str] = {}
    runs = []
    batches = [[HARWICK_HERALD, MIREFIELD_HERALD, FIRE, SCHOOL], [HARWICK_POST, MUSEUM], [BRIDGE]]
    try:
        for number, urls in enumerate(batches, 1):
            summary = ingest([_jsonl(folder / f"batch{number}.jsonl", urls)], settings, store)
            assert summary.failures == [] and summary.added == len(urls)
            new = {o.source: o.article_id for o in summary.outcomes}
            assert set(new) == set(urls)
            ids.update(new)  # type: ignore[arg-type]
            list(analyse_stored(store, settings, list(new.values())))
            assigned = assign_events(store, settings, list(new.values()))
            runs.append(
                Run(
                    assigned={url: assigned[i] for url, i in new.items()},  # type: ignore[index]
                    event_of={url: store.event_of_article(i) for url, i in ids.items()},
                    events={int(e["id"]): e for e in store.list_events()},
                )
            )
        yield Scenario(store=store, runs=runs, ids=ids)
    finally:
        store.close()


def test_incremental_first_batch_one_event_each(scenario: Scenario) -> None:
    first = scenario.runs[0]
    assert len(set(first.assigned.values())) == 4
    assert len(first.events) == 4
    assert all(e["size"] == 1 for e in first.events.values())


def test_incremental_later_report_joins_its_event(scenario: Scenario) -> None:
    first, second = scenario.runs[:2]
    harwick = first.event_of[HARWICK_HERALD]
    assert second.assigned[HARWICK_POST] == harwick
    assert second.event_of[HARWICK_POST] == harwick
    event = second.events[harwick]
    assert event["size"] == 2
    assert event["outlets"] == ["Valley Herald", "Coastline Post"]


def test_incremental_unrelated_report_opens_a_new_event(scenario: Scenario) -> None:
    first, second = scenario.runs[:2]
    museum = second.assigned[MUSEUM]
    assert museum not in first.events
    assert second.events[museum]["size"] == 1
    assert len(second.events) == len(first.events) + 1  # the second Harwick report opened nothing


def test_incremental_stored_event_ids_stay_stable(scenario: Scenario) -> None:
    first, second = scenario.runs[:2]
    for url, event_id in first.event_of.items():
        assert second.event_of[url] == event_id, url
    assert set(first.events) <= set(second.events)


def test_incremental_bridge_merges_two_events(scenario: Scenario) -> None:
    second, third = scenario.runs[1:]
    fire, school = second.event_of[FIRE], second.event_of[SCHOOL]
    assert fire != school
    into = third.assigned[BRIDGE]
    assert into in (fire, school)
    merged = school if into == fire else fire
    assert third.event_of[FIRE] == third.event_of[SCHOOL] == into
    assert merged not in third.events  # no longer listed
    assert third.events[into]["size"] == 3
    # The other events are untouched.
    for url in (HARWICK_HERALD, HARWICK_POST, MIREFIELD_HERALD, MUSEUM):
        assert third.event_of[url] == second.event_of[url]


def test_incremental_merge_recorded(scenario: Scenario) -> None:
    second, third = scenario.runs[1:]
    into = third.assigned[BRIDGE]
    merged = ({second.event_of[FIRE], second.event_of[SCHOOL]} - {into}).pop()
    with scenario.store.engine.connect() as conn:
        rows = conn.execute(sa.select(event_merges.c.merged, event_merges.c.into, event_merges.c.bridge_article)).all()
    assert [tuple(r) for r in rows] == [(merged, into, scenario.ids[BRIDGE])]
    # The merged id still resolves, to the event it went into.
    row = scenario.store.event_row(merged)
    assert row is not None and row["id"] == into
    event = stored_event(scenario.store, into)
    assert event is not None
    assert event.merged_from == (str(merged),)
    assert {a.source for a in event.articles} == {FIRE, SCHOOL, BRIDGE}


def test_incremental_ingest_clusters_what_it_adds(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "ingest.db"))  # analyse_on_ingest: the default
    with Store.open(settings) as store:
        summary = ingest([_jsonl(tmp_path / "harwick.jsonl", [HARWICK_HERALD, HARWICK_POST])], settings, store)
        assert (summary.added, summary.analysed, summary.clustered) == (2, 2, 2)
        [event] = store.list_events()
        assert event["size"] == 2
        ids = [a.id for a in store.iter_articles()]
        assert {store.event_of_article(i) for i in ids} == {event["id"]}
        # Nothing new: a second run clusters nothing and the event stays as it was.
        again = ingest([_jsonl(tmp_path / "harwick.jsonl", [HARWICK_HERALD, HARWICK_POST])], settings, store)
        assert again.added == 0 and again.clustered == 0
        assert [e["id"] for e in store.list_events()] == [event["id"]]
