"""Speaker resolution: pronouns by gender (from first names and from Mr./Ms.), role nouns to the person
whose title fits, and a capital given as the source of quoted words ("Warsaw believes that “...”") to the
official who has been speaking for that government. Every text here is invented."""

from __future__ import annotations

import pytest

from rashomon.analyse.entities import gender_of
from rashomon.analyse.speakers import role_gender
from tests.analyse.conftest import Analyse
from tests.analyse.helpers import assert_offsets, entity_named, quote_containing


@pytest.mark.parametrize(
    ("noun", "gender"),
    [
        ("spokeswoman", "f"),
        ("chairwoman", "f"),
        ("actress", "f"),
        ("spokesman", "m"),
        ("chairman", "m"),
        ("minister", None),
        ("German", None),
        ("human", None),
        ("diplomat", None),
    ],
)
def test_speakers_role_gender(noun: str, gender: str | None) -> None:
    assert role_gender(noun) == gender


# -------------------------------------------------------------------------------------------- pronouns

# The man is named last, so recency alone would give "she" to him.
TWO_PEOPLE = "\n\n".join(
    (
        "Mayor Lena Haldor and the engineer Piotr Wendel inspected the Sarne bridge on Monday.",
        "“The bridge is safe for lorries again,” she said.",
        "“The sensors under the deck are new,” he said.",
        "Haldor thanked the crews. Wendel said he was proud of them.",
        "“They worked through the whole winter,” she said.",
    )
)


def test_speakers_pronouns_resolve_by_gender_of_first_names(analyse: Analyse) -> None:
    assert (gender_of("Lena"), gender_of("Piotr")) == ("f", "m")
    result = analyse(TWO_PEOPLE, published="2024-03-05")
    analysis = result.analysis
    expected = {
        "safe for lorries": ("Lena Haldor", "she"),
        "sensors under the deck": ("Piotr Wendel", "he"),
        "whole winter": ("Lena Haldor", "she"),
    }
    for fragment, (speaker, written) in expected.items():
        quote = quote_containing(analysis, fragment)
        assert (quote.speaker, quote.speaker_as_written, quote.resolution) == (speaker, written, "pronoun")
    assert_offsets(result.article, analysis)


HONORIFICS = "\n\n".join(
    (
        "Ms. Vell and Mr. Tarrow inspected the Sarne bridge on Monday.",
        "“The sensors under the deck are new,” he said.",
        "“The bridge is safe for lorries again,” she said.",
    )
)


def test_speakers_pronouns_resolve_by_gender_of_honorifics(analyse: Analyse) -> None:
    assert (gender_of("Vell"), gender_of("Tarrow")) == (None, None)  # no first name to read a gender from
    analysis = analyse(HONORIFICS).analysis
    assert quote_containing(analysis, "sensors under the deck").speaker == "Tarrow"
    assert quote_containing(analysis, "safe for lorries").speaker == "Vell"


# ------------------------------------------------------------------------------------------ role nouns

# The minister spoke last, but "the spokeswoman" is the woman whose role that is.
FERRIES = "\n\n".join(
    (
        "Transport Minister Jonas Brekke and ministry spokeswoman Marta Lind visited the Sarne ferry "
        "terminal on Monday.",
        "Brekke said the ferries would sail twice as often while the bridge was closed.",
        "“Extra crews have already been hired,” the spokeswoman said.",
        "“We expect queues in the first week,” the minister said.",
    )
)


def test_speakers_role_noun_goes_to_the_holder_of_the_role(analyse: Analyse) -> None:
    analysis = analyse(FERRIES).analysis
    assert entity_named(analysis, "Marta Lind").role == "spokeswoman"
    spokeswoman = quote_containing(analysis, "Extra crews")
    assert (spokeswoman.speaker, spokeswoman.speaker_as_written, spokeswoman.resolution) == (
        "Marta Lind",
        "the spokeswoman",
        "role",
    )
    minister = quote_containing(analysis, "expect queues")
    assert (minister.speaker, minister.speaker_as_written) == ("Jonas Brekke", "the minister")


# The environment minister spoke last; "the diplomat" is the foreign-ministry spokesman.
DIPLOMAT = "\n\n".join(
    (
        "Environment Minister Jonas Brekke and Foreign Ministry spokesman Piotr Wendel arrived in Geneva on "
        "Monday for talks on river pollution.",
        "Brekke said the talks would be hard.",
        "“We are ready to share our data with every neighbour,” the diplomat said.",
    )
)


def test_speakers_diplomat_is_the_foreign_ministry_person(analyse: Analyse) -> None:
    analysis = analyse(DIPLOMAT).analysis
    assert "Foreign Ministry" in (entity_named(analysis, "Piotr Wendel").role or "")
    quote = quote_containing(analysis, "share our data")
    assert (quote.speaker, quote.speaker_as_written) == ("Piotr Wendel", "the diplomat")
    diplomat = entity_named(analysis, "Piotr Wendel")
    assert any(m.text == "the diplomat" and m.label == "ROLE" for m in diplomat.mentions)


# --------------------------------------------------------------------------------- government voices

WARSAW_WITH_OFFICIAL = "\n\n".join(
    (
        "Polish Foreign Ministry spokesman Adam Nowicki said the fishing talks with Sweden would resume in June.",
        "“We want a fair share of the Baltic cod,” Nowicki said. Warsaw believes that “the quota rules must "
        "be written again.”",
    )
)
WARSAW_ALONE = "\n\n".join(
    (
        "The fishing talks between Poland and Sweden will resume in June.",
        "Warsaw believes that “the quota rules must be written again.”",
    )
)
# The model does not tag Oslo here: the capital as written still stands for the government.
OSLO_WITH_OFFICIAL = "\n\n".join(
    (
        "Norwegian Foreign Ministry spokesman Erik Dahl said the fishing talks with Iceland would resume in June.",
        "“We want a fair share of the mackerel,” Dahl said. Oslo believes that “the quota rules must be "
        "written again.”",
    )
)


@pytest.mark.parametrize(
    ("text", "official", "capital"),
    [(WARSAW_WITH_OFFICIAL, "Adam Nowicki", "Warsaw"), (OSLO_WITH_OFFICIAL, "Erik Dahl", "Oslo")],
)
def test_speakers_capital_quoted_after_its_official_is_that_official(
    analyse: Analyse, text: str, official: str, capital: str
) -> None:
    result = analyse(text)
    quote = quote_containing(result.analysis, "quota rules")
    assert quote.kind == "direct"
    assert quote.speaker == official
    assert quote.speaker_as_written == capital
    assert quote.on_behalf_of == capital
    assert quote.resolution == "government-voice"
    assert_offsets(result.article, result.analysis)


def test_speakers_capital_without_an_official_stays_the_speaker(analyse: Analyse) -> None:
    quote = quote_containing(analyse(WARSAW_ALONE).analysis, "quota rules")
    assert quote.speaker == "Warsaw"
    assert quote.speaker_as_written == "Warsaw"
    assert quote.on_behalf_of is None
    assert quote.speaker_type != "PERSON"
