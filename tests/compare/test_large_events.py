"""Large events: each report compared with its most similar reports only (a compute bound), said in the
output; and the faster candidate ranking gives exactly what its definition says."""

from __future__ import annotations

import json

import pytest

from rashomon.analyse.core import analyse_articles, prepare
from rashomon.analyse.nlp import load_model
from rashomon.compare import align
from rashomon.compare.core import compare_event, event_refs
from rashomon.compare.pairs import EventClaims
from rashomon.embeddings import available, embed
from rashomon.events.build import make_event
from rashomon.present.reports.html import render_html
from rashomon.present.reports.markdown import render_markdown
from rashomon.records import AnalysedArticle, Article
from rashomon.settings import Settings

FLOOD = (
    "The Oster River burst its banks in Harwick on Monday and flooded 300 homes. The regional police said "
    "12 people died. Volunteers ferried food to stranded families.",
    "Hundreds of homes in Harwick were flooded when the Oster River overflowed on Monday. Police counted "
    "12 dead. The rowing club ferried food to families on upper floors.",
    "The Oster River flooded the old town of Harwick on Monday, the police said, and 12 people died. "
    "The dam operator opened the spillway gates.",
)
VOTE = (
    "Voters in Tolvern elected Mara Ilsen mayor on Sunday with 54 percent of the vote. Turnout was 61 "
    "percent, the election board said.",
    "Mara Ilsen won the Tolvern mayoral election on Sunday, taking 54 percent. The election board put "
    "turnout at 61 percent.",
    "Tolvern chose Mara Ilsen as its mayor on Sunday. She promised to rebuild the harbour, and turnout "
    "reached 61 percent.",
)
TOPIC = {f"f{n}": "flood" for n in range(3)} | {f"v{n}": "vote" for n in range(3)}


@pytest.fixture(scope="module")
def items() -> list[AnalysedArticle]:
    articles = [
        Article(id=f"{key[0]}{n}", source=f"{key}{n}.txt", text=text, outlet=f"Outlet {key}{n}", published="2024-10-07")
        for key, texts in (("f", FLOOD), ("v", VOTE))
        for n, text in enumerate(texts)
    ]
    return list(analyse_articles(articles, Settings(), nlp=prepare(load_model())))


def _event_claims(items: list[AnalysedArticle]) -> EventClaims:
    refs = event_refs(items)
    return EventClaims(refs, embed([r.claim.text for r in refs]) if available() else None)


def test_rank_is_its_definition(items: list[AnalysedArticle]) -> None:
    """rank(i, j): j's closeness to i over (1 + the claims of j's article closer to i), and its margin over
    the closest other claim of that article (0 when there is none)."""
    event = _event_claims(items)
    checked = 0
    for i, a in enumerate(event.refs):
        for j, b in enumerate(event.refs):
            if a.article_id == b.article_id:
                continue
            mine = event.closeness(i, j)
            others = [event.closeness(i, k) for k in event.by_article[b.article_id] if k != j]
            expected = (mine / (1 + sum(1 for s in others if s > mine)), mine - max(others, default=0.0))
            assert event.rank(i, j) == expected
            checked += 1
    assert checked > 50


def test_candidates_are_their_definition(items: list[AnalysedArticle]) -> None:
    """Every pair of reports of a small event: each claim's best few in the other report, and every pair
    close enough."""
    event = _event_claims(items)
    articles = list(event.by_article)
    expected: set[tuple[int, int]] = set()
    for x, a in enumerate(articles):
        for b in articles[x + 1 :]:
            for one, other in ((a, b), (b, a)):
                for i in event.by_article[one]:
                    ranked = sorted(event.by_article[other], key=lambda j, i=i: -event.closeness(i, j))
                    for rank, j in enumerate(ranked):
                        if rank < align.CANDIDATES_PER_ARTICLE or (
                            one == a and event.closeness(i, j) >= align.CANDIDATE_FLOOR
                        ):
                            expected.add((min(i, j), max(i, j)))
    assert align._candidates(event) == sorted(expected)


def test_small_event_compares_every_pair_of_reports(items: list[AnalysedArticle]) -> None:
    event = _event_claims(items)
    assert align.nearest_reports(6) is None
    assert len(align.article_pairs(event)) == 15
    compared = compare_event(make_event("ev", [i.article for i in items], {}), items)
    assert compared.nearest_reports is None
    assert "most similar reports" not in render_markdown([compared])


def test_large_event_compares_each_report_with_its_nearest(
    items: list[AnalysedArticle], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the bound at two reports, a six-report event about a flood and a vote (as if one event) compares
    each report with the two others of its own story only, says so in every format, and never shares a
    fact across the two stories."""
    monkeypatch.setattr(align, "NEIGHBOUR_ARTICLES", 2)
    event = _event_claims(items)
    pairs = align.article_pairs(event)
    assert pairs and all(TOPIC[a] == TOPIC[b] for a, b in pairs), pairs
    assert len(pairs) == 6  # three pairs within each story
    compared = compare_event(make_event("ev", [i.article for i in items], {}), items)
    assert compared.nearest_reports == 2
    assert json.loads(json.dumps(compared.to_dict()))["nearest_reports"] == 2
    for group in compared.claims:
        assert len({TOPIC[s.article_id] for s in group.statements}) == 1, group
    by_key = {g.id: g for g in compared.claims}
    for omission in compared.omissions:  # never a fact of a report it was not compared with
        story = TOPIC[omission.source.removesuffix(".txt")]
        for item in omission.missing:
            assert {TOPIC[s.article_id] for s in by_key[item["claim"]].statements} == {story}, item
    assert any(g.status in ("shared", "conflict") for g in compared.claims)
    assert any(o.missing for o in compared.omissions)
    note = "each report's claims were compared with those of its 2 most similar reports"
    assert note in render_markdown([compared])
    assert note.replace("'", "&#x27;") in render_html([compared]) or note in render_html([compared])
