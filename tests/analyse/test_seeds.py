"""The two seed scrapes (../shared/seeds, third-party text read at test time, never copied here), read
through the extract pipeline and analysed: who said what in an agency report (000) and in a wire story
about the same meeting (001), and the entities both name."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from rashomon.analyse.core import analyse_articles
from rashomon.analyse.entities import canonicalise
from rashomon.pipeline import extract_articles
from rashomon.records import AnalysedArticle, Article, Failure
from rashomon.settings import Settings
from tests.analyse.helpers import assert_offsets, entities_mentioning, quote_containing

LUKASHEVICH = "Alexander Lukashevich"
LAVROV = "Sergei Lavrov"


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path, nlp: Language) -> dict[str, AnalysedArticle]:
    settings = Settings()
    articles: dict[str, Article] = {}
    for item in extract_articles([str(seeds_dir)], settings):
        assert not isinstance(item, Failure), item
        articles[Path(item.source).name[:3]] = item
    if not {"000", "001"} <= set(articles):
        pytest.skip(f"seed files 000_* and 001_* not found in {seeds_dir}")
    analysed = analyse_articles([articles["000"], articles["001"]], settings, nlp=nlp)
    return dict(zip(("000", "001"), analysed, strict=True))


@pytest.fixture(scope="module")
def agency(seeds: dict[str, AnalysedArticle]) -> AnalysedArticle:
    return seeds["000"]


@pytest.fixture(scope="module")
def wire(seeds: dict[str, AnalysedArticle]) -> AnalysedArticle:
    return seeds["001"]


def test_seeds_offsets_slice_the_text(seeds: dict[str, AnalysedArticle]) -> None:
    for item in seeds.values():
        assert_offsets(item.article, item.analysis)


# ------------------------------------------------------------------------------------- 000: agency text


def test_seeds_agency_every_marked_quote_has_a_speaker(agency: AnalysedArticle) -> None:
    marked = [q for q in agency.analysis.quotes if q.kind in ("direct", "mixed")]
    assert len(marked) >= 15
    assert all(q.speaker for q in marked), [q.text for q in marked if not q.speaker]
    assert marked[-1].text == "We always discuss everything."
    assert marked[-1].speaker == LAVROV
    assert marked[-1].speaker_as_written == "Lavrov"
    others = {q.speaker for q in marked[:-1]}
    assert others == {LUKASHEVICH}, [(q.speaker, q.text) for q in marked[:-1] if q.speaker != LUKASHEVICH]


def test_seeds_agency_diplomat_and_him_are_lukashevich(agency: AnalysedArticle) -> None:
    quotes = agency.analysis.quotes
    diplomat = [q for q in quotes if q.speaker_as_written == "the diplomat" and q.cue == "said"]
    assert len(diplomat) == 2
    assert {q.speaker for q in diplomat} == {LUKASHEVICH}
    him = [q for q in quotes if q.speaker_as_written == "him"]
    assert len(him) == 1
    assert him[0].cue == "According to"
    assert him[0].speaker == LUKASHEVICH
    assert "draft decision" in him[0].text


def test_seeds_agency_lukashevich_speaks_most(agency: AnalysedArticle) -> None:
    assert sum(q.speaker == LUKASHEVICH for q in agency.analysis.quotes) >= 8


def test_seeds_agency_moscow_quotes_are_the_spokesmans_for_moscow(agency: AnalysedArticle) -> None:
    moscow = [q for q in agency.analysis.quotes if q.speaker_as_written == "Moscow"]
    assert len(moscow) == 2
    assert {(q.speaker, q.on_behalf_of) for q in moscow} == {(LUKASHEVICH, "Moscow")}


def test_seeds_agency_delegation_source_is_anonymous(agency: AnalysedArticle) -> None:
    quote = quote_containing(agency.analysis, "initiative of the American side")
    assert quote.speaker_as_written == "A source in the RF delegation"
    assert quote.speaker_type == "anonymous"
    assert quote.speaker_id is None


def test_seeds_agency_osce_is_one_entity_with_british_expansion(agency: AnalysedArticle) -> None:
    [osce] = entities_mentioning(agency.analysis, "OSCE")
    assert osce.name == "Organisation for Security and Cooperation in Europe"
    assert osce.acronym == "OSCE"
    assert osce.type == "ORG"
    assert osce.count >= 10


def test_seeds_agency_dateline_is_not_an_entity(agency: AnalysedArticle) -> None:
    dateline = agency.article.dateline
    assert dateline is not None and dateline.text
    assert agency.article.text.startswith(dateline.text)
    assert all(m.start >= len(dateline.text) for e in agency.analysis.entities for m in e.mentions)
    assert agency.analysis.reference_date == "2012-12-06"
    dates = {d.text: d.value for d in agency.analysis.dates}
    assert dates["December 6-7"] == "2012-12-06/2012-12-07"
    assert dates["2010"] == "2010"


# ----------------------------------------------------------------------------------------- 001: wire


def test_seeds_wire_lavrov_mixed_quotes(wire: AnalysedArticle) -> None:
    for fragment in ("unilateral approaches", "hundreds of observers"):
        quote = quote_containing(wire.analysis, fragment)
        assert quote.speaker == LAVROV
        assert quote.kind == "mixed"


def test_seeds_wire_clinton_re_sovietize(wire: AnalysedArticle) -> None:
    quote = quote_containing(wire.analysis, "re-Sovietize")
    assert quote.kind == "direct"
    assert quote.speaker == "Hillary Clinton"
    assert quote.cue == "was quoted as saying"


def test_seeds_wire_putin_who_said(wire: AnalysedArticle) -> None:
    quotes = [q for q in wire.analysis.quotes if "OSCE must stop" in q.text and q.speaker == "Vladimir Putin"]
    assert len(quotes) == 1
    assert quotes[0].kind == "indirect"
    assert quotes[0].cue == "said"


def test_seeds_wire_migliori(wire: AnalysedArticle) -> None:
    complained = quote_containing(wire.analysis, "had not adhered")
    assert complained.cue == "complained"
    assert complained.speaker == "Riccardo Migliori"
    consequence = quote_containing(wire.analysis, "cooperation agreement")
    assert (consequence.speaker, consequence.speaker_as_written, consequence.cue) == ("Riccardo Migliori", "he", "said")


def test_seeds_wire_osce_is_one_entity_with_american_expansion(wire: AnalysedArticle) -> None:
    [osce] = entities_mentioning(wire.analysis, "OSCE")
    assert osce.name == "Organization for Security and Cooperation in Europe"
    assert osce.acronym == "OSCE"


# ------------------------------------------------------------------------------------------ both


def test_seeds_people_are_persons_in_both(seeds: dict[str, AnalysedArticle]) -> None:
    for item in seeds.values():
        for name in (LAVROV, "Hillary Clinton"):
            found = [e for e in item.analysis.entities if e.name == name]
            assert [e.type for e in found] == ["PERSON"], (item.article.source, name)


def test_seeds_canonicalise_joins_osce_and_odihr(seeds: dict[str, AnalysedArticle]) -> None:
    canonical = canonicalise([(key, item.analysis.entities) for key, item in seeds.items()])
    for acronym in ("OSCE", "ODIHR"):
        groups = [c for c in canonical if acronym in (c.name, *c.aliases)]
        assert len(groups) == 1, (acronym, groups)
        assert {aid for aid, _ in groups[0].members} == {"000", "001"}
    lavrov = [c for c in canonical if c.name == LAVROV]
    assert len(lavrov) == 1 and lavrov[0].type == "PERSON"
    assert {aid for aid, _ in lavrov[0].members} == {"000", "001"}
