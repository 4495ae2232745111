"""Canonical entities: one entity per actor whatever the spelling, title or abbreviation; acronyms joined
to their expansions wherever they appear; a person's surname, title and role noun joined to the full name;
dateline words kept out; cross-article canonicalisation. Every text here is invented."""

from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Span

from rashomon.analyse.entities import (
    canonicalise,
    extract_entities,
    find_expansion,
    initials,
    is_acronym,
    normalise_name,
    person_name_parts,
    same_entity,
)
from rashomon.records import Dateline, Entity, Mention
from tests.analyse.conftest import Analyse
from tests.analyse.helpers import assert_offsets, entities_mentioning, entities_named, entity_named, quote_containing

# ------------------------------------------------------------------------------------- name rules


@pytest.mark.parametrize(
    ("british", "american"),
    [
        (
            "the Organisation for Security and Co-operation in Europe",
            "Organization for Security and Cooperation in Europe",
        ),
        ("Harbour Labour Organisation", "The Harbor Labor Organization"),
        ("Defence Council's", "Defense Council"),
    ],
)
def test_entities_normalise_name_joins_spelling_variants(british: str, american: str) -> None:
    assert normalise_name(british) == normalise_name(american)


def test_entities_normalise_name_keeps_different_names_apart() -> None:
    assert normalise_name("Northern Rivers Authority") != normalise_name("Southern Rivers Authority")


def test_entities_initials_skip_connectors_and_read_hyphenated_words_once() -> None:
    assert initials("Organisation for Security and Co-operation in Europe") == "OSCE"
    assert initials("Office for Democratic Institutions and Human Rights") == "ODIHR"
    assert initials("the Northern Rivers Authority") == "NRA"


@pytest.mark.parametrize(("text", "expected"), [("NRA", True), ("U.S.", True), ("CFBs", True), ("Nra", False)])
def test_entities_is_acronym(text: str, expected: bool) -> None:
    assert is_acronym(text) is expected


@pytest.mark.parametrize(
    "text",
    [
        "The Northern Rivers Authority (NRA) closed two weirs.",
        "The NRA closed two weirs.\n\nIt was the third closure this year.\n\n"
        "The Northern Rivers Authority manages forty.",
        "Two weirs were closed by the NRA on Monday, a decision of the Northern Rivers Authority board.",
    ],
)
def test_entities_find_expansion_before_after_or_far_from_the_acronym(text: str) -> None:
    found = find_expansion(text, "NRA")
    assert found is not None
    name, start, end = found
    assert name == "Northern Rivers Authority"
    assert text[start:end] == name


def test_entities_find_expansion_needs_the_letters_in_order() -> None:
    assert find_expansion("The Rivers Northern Authority met the River Board.", "NRA") is None


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Mayor Ana Petrov", ("ana", "petrov")),
        ("Ana Petrov's", ("ana", "petrov")),
        ("Mr. Tarrow", (None, "tarrow")),
        ("Petrov", (None, "petrov")),
        ("Jonas Brekke Jr.", ("jonas", "brekke")),
    ],
)
def test_entities_person_name_parts(name: str, parts: tuple[str | None, str]) -> None:
    assert person_name_parts(name) == parts


# ----------------------------------------------------------------------------------------- acronyms

NRA_PARENTHESES = (
    "The Northern Rivers Authority (NRA) closed two weirs on the Sarne on Monday after a week of heavy rain.\n\n"
    "The NRA said the water would stay high until Thursday. Farmers downstream criticised the NRA for acting late."
)
NRA_FIRST_FAR = (
    "The NRA closed two weirs on the Sarne on Monday after a week of heavy rain.\n\n"
    "Farmers downstream said they had been warned too late and would ask for compensation.\n\n"
    "The mayor of Caster said the town had filled four thousand sandbags over the weekend.\n\n"
    "The Northern Rivers Authority manages forty weirs along the valley."
)
CFB_AFTER = (
    "The Coastal Fisheries Board closed the harbour at Varna on Monday after a storm, and fishermen were told "
    "to stay ashore.\n\n"
    "Boats may sail again on Thursday, the CFB said in a statement. The CFB has closed the harbour four times "
    "this winter."
)


@pytest.mark.parametrize("text", [NRA_PARENTHESES, NRA_FIRST_FAR])
def test_entities_acronym_joined_to_its_expansion(analyse: Analyse, text: str) -> None:
    result = analyse(text)
    analysis = result.analysis
    [entity] = entities_mentioning(analysis, "NRA")
    assert entity.name == "Northern Rivers Authority"
    assert entity.acronym == "NRA"
    assert any("Northern Rivers Authority" in m.text for m in entity.mentions)
    assert sum(m.text == "NRA" for m in entity.mentions) >= 1
    assert not entities_named(analysis, "NRA")
    assert_offsets(result.article, analysis)


def test_entities_acronym_after_expansion_without_parentheses(analyse: Analyse) -> None:
    analysis = analyse(CFB_AFTER).analysis
    [entity] = entities_mentioning(analysis, "CFB")
    assert entity.name == "Coastal Fisheries Board"
    assert entity.type == "ORG"
    assert entity.acronym == "CFB"
    assert entity.count == 3


def test_entities_acronym_speaker_is_the_expanded_entity(analyse: Analyse) -> None:
    analysis = analyse(CFB_AFTER).analysis
    quote = quote_containing(analysis, "Boats may sail again")
    assert quote.speaker == "Coastal Fisheries Board"
    assert quote.speaker_as_written == "the CFB"


def test_entities_acronym_with_expansion_has_the_expansion_type(analyse: Analyse) -> None:
    [entity] = entities_mentioning(analyse(NRA_PARENTHESES).analysis, "NRA")
    assert entity.type == "ORG"


# ------------------------------------------------------------------------------------------ spelling

SPELLINGS = (
    "The Baltic Council for Economic Co-operation met in Riga on Monday to agree a budget for the year.\n\n"
    "Delegates of the Baltic Council for Economic Cooperation approved the plan after four hours.\n\n"
    "The Harbour Labour Organisation said on Monday that dock wages must rise. The Harbor Labor Organization "
    "has its seat in Tallinn."
)


def test_entities_spelling_variants_give_one_entity(analyse: Analyse) -> None:
    analysis = analyse(SPELLINGS).analysis
    council = [e for e in analysis.entities if e.name.startswith("Baltic Council")]
    assert len(council) == 1
    assert {m.text for m in council[0].mentions} >= {
        "The Baltic Council for Economic Co-operation",
        "the Baltic Council for Economic Cooperation",
    }
    labour = [e for e in analysis.entities if "Organi" in e.name]
    assert len(labour) == 1
    assert len(labour[0].mentions) == 2
    assert labour[0].type == "ORG"


# -------------------------------------------------------------------------------------------- people

PETROV = (
    "Foreign Minister Ana Petrov arrived in Vienna on Tuesday for two days of talks on river shipping.\n\n"
    "Petrov said the new locks on the Danube would open next spring.\n\n"
    "“We have waited long enough for this,” the minister said."
)
KOVAR = (
    "Health Minister Pavel Kovar visited the new clinic in Brno on Monday. Kovar told reporters the clinic "
    "was safe.\n\n"
    "Kovar said the hospital would get two hundred new beds."
)


def test_entities_title_surname_and_role_noun_are_one_person(analyse: Analyse) -> None:
    result = analyse(PETROV)
    analysis = result.analysis
    person = entity_named(analysis, "Ana Petrov")
    assert person.type == "PERSON"
    assert person.role is not None and "Foreign Minister" in person.role
    assert person.key == "person:petrov|ana"
    written = [m.text for m in person.mentions]
    assert written[:2] == ["Ana Petrov", "Petrov"]
    assert "the minister" in written  # the role noun that sourced the quote is a mention of her
    assert [e.name for e in analysis.entities if "Petrov" in e.name] == ["Ana Petrov"]
    assert quote_containing(analysis, "waited long enough").speaker == "Ana Petrov"
    assert_offsets(result.article, analysis)


def test_entities_surname_tagged_org_joins_the_person(analyse: Analyse) -> None:
    analysis = analyse(KOVAR).analysis
    person = entity_named(analysis, "Pavel Kovar")
    # The model tags the bare surname as an organisation: the entity still is the person.
    assert any(m.label == "ORG" and m.text == "Kovar" for m in person.mentions)
    assert person.type == "PERSON"
    assert person.count == 3
    assert entities_mentioning(analysis, "Kovar") == [person]
    assert quote_containing(analysis, "two hundred new beds").speaker == "Pavel Kovar"


MAJORITY = (
    "Kestrel Mining said the mine would reopen in spring. Kestrel Mining employs four hundred people. "
    "Workers at Kestrel Mining were relieved."
)


@pytest.mark.parametrize(("labels", "expected"), [(["ORG", "GPE", "ORG"], "ORG"), (["GPE", "GPE", "ORG"], "GPE")])
def test_entities_type_is_the_majority_of_the_mentions(nlp: Language, labels: list[str], expected: str) -> None:
    doc = nlp(MAJORITY)
    starts = [i for i, t in enumerate(doc) if t.text == "Kestrel"]
    doc.ents = [Span(doc, s, s + 2, label=label) for s, label in zip(starts, labels, strict=True)]
    index = extract_entities(doc)
    [entity] = index.entities
    assert entity.name == "Kestrel Mining"
    assert entity.count == 3
    assert entity.type == expected


# ------------------------------------------------------------------------------------------ dateline

DATELINE_TEXT = "VARNA, March 3 (BNA) —"
DATELINED = (
    f"{DATELINE_TEXT} The Coastal Fisheries Board closed the harbour on Monday after a storm, its chairman "
    "Nikola Dimov said.\n\n"
    "Boats may sail again on Thursday, Dimov said."
)
DATELINE = Dateline(place="Varna", date="2025-03-03", agency="BNA", text=DATELINE_TEXT)


def test_entities_dateline_words_are_not_entities(analyse: Analyse) -> None:
    # Without the dateline record the model does read VARNA as an entity ...
    plain = analyse(DATELINED).analysis
    assert any(m.start < len(DATELINE_TEXT) for e in plain.entities for m in e.mentions)
    # ... with it, nothing before the end of the dateline is.
    result = analyse(DATELINED, dateline=DATELINE)
    analysis = result.analysis
    assert all(m.start >= len(DATELINE_TEXT) for e in analysis.entities for m in e.mentions)
    assert {e.name for e in analysis.entities} >= {"Coastal Fisheries Board", "Nikola Dimov"}
    assert not [e for e in analysis.entities if e.name.upper() in ("VARNA", "BNA")]
    assert all(d.start >= len(DATELINE_TEXT) for d in analysis.dates)
    assert_offsets(result.article, analysis)


# ------------------------------------------------------------------------------------ across articles


def _entity(eid: str, name: str, etype: str, key: str, acronym: str | None = None, count: int = 1) -> Entity:
    mentions = tuple(Mention(text=name, start=i * 10, end=i * 10 + len(name), label=etype) for i in range(count))
    return Entity(id=eid, name=name, type=etype, key=key, acronym=acronym, mentions=mentions)


def test_entities_same_entity_rules() -> None:
    full = _entity("e1", "Tomas Varga", "PERSON", "person:varga|tomas")
    assert same_entity(full, _entity("e2", "Varga", "PERSON", "person:varga|"))
    assert same_entity(full, _entity("e2", "T. Varga", "PERSON", "person:varga|t."))
    assert same_entity(full, _entity("e2", "Varga", "ORG", "org:varga"))  # a surname tagged ORG elsewhere
    assert not same_entity(full, _entity("e2", "Ingrid Varga", "PERSON", "person:varga|ingrid"))
    assert not same_entity(full, _entity("e2", "Tomas Brekke", "PERSON", "person:brekke|tomas"))
    authority = _entity("e3", "Northern Rivers Authority", "ORG", "org:northern rivers authority", "NRA")
    assert same_entity(authority, _entity("e4", "NRA", "ORG", "acr:nra", "NRA"))
    assert not same_entity(authority, _entity("e4", "SRA", "ORG", "acr:sra", "SRA"))


def test_entities_canonicalise_hand_built_articles() -> None:
    first = [
        _entity("e1", "Tomas Varga", "PERSON", "person:varga|tomas", count=3),
        _entity("e2", "NRA", "ORG", "acr:nra", "NRA", count=2),
    ]
    second = [
        _entity("e1", "Varga", "PERSON", "person:varga|"),
        _entity("e2", "Ingrid Varga", "PERSON", "person:varga|ingrid"),
        _entity("e3", "Northern Rivers Authority", "ORG", "org:northern rivers authority", "NRA"),
    ]
    canonical = canonicalise([("a", first), ("b", second)])
    by_name = {c.name: c for c in canonical}
    assert set(by_name) == {"Tomas Varga", "Ingrid Varga", "Northern Rivers Authority"}
    assert by_name["Tomas Varga"].members == (("a", "e1"), ("b", "e1"))
    assert by_name["Ingrid Varga"].members == (("b", "e2"),)
    assert by_name["Northern Rivers Authority"].members == (("a", "e2"), ("b", "e3"))
    assert "NRA" in by_name["Northern Rivers Authority"].aliases
    assert canonical[0].name == "Tomas Varga"  # most mentioned first
    assert [c.id for c in canonical] == ["E1", "E2", "E3"]


TALKS_A = (
    "Foreign Minister Ana Petrov met Finance Minister Tomas Varga in Vienna on Tuesday to discuss the river "
    "budget.\n\n"
    "The NRA has asked for more money to repair the Danube locks, Petrov said."
)
TALKS_B = (
    "The locks are older than the bridges, Petrov said in Vienna on Wednesday. Petrov wants them rebuilt.\n\n"
    "Ingrid Varga, who leads the Northern Rivers Authority, said the repairs would take three years."
)


def test_entities_canonicalise_across_two_parsed_articles(analyse: Analyse) -> None:
    a, b = analyse(TALKS_A).analysis, analyse(TALKS_B).analysis
    # Preconditions: article B names Petrov by surname only and the authority only in full; A has the acronym.
    assert not [e for e in b.entities if "Ana" in e.name]
    assert entities_mentioning(b, "Petrov") and entities_mentioning(a, "NRA")
    assert not entities_mentioning(a, "Northern Rivers Authority")
    canonical = canonicalise([("a", a.entities), ("b", b.entities)])
    petrov = [c for c in canonical if "Petrov" in c.name]
    assert len(petrov) == 1
    assert petrov[0].name == "Ana Petrov" and petrov[0].type == "PERSON"
    assert {aid for aid, _ in petrov[0].members} == {"a", "b"}
    authority = [c for c in canonical if c.name == "Northern Rivers Authority" or "NRA" in c.aliases]
    assert len(authority) == 1
    assert authority[0].name == "Northern Rivers Authority"
    assert {aid for aid, _ in authority[0].members} == {"a", "b"}
    vargas = sorted(c.name for c in canonical if "Varga" in c.name)
    assert vargas == ["Ingrid Varga", "Tomas Varga"]
