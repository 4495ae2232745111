"""Quotations: quote-mark spans, direct quotes in every order of quote, cue and source, quotes that run
over paragraphs or float after an attributed one, mixed and indirect speech, and offsets that slice the
article text. Every text here is invented."""

from __future__ import annotations

import pytest

from rashomon.analyse.quotes import find_mark_spans, paragraph_spans
from rashomon.records import AnalysedArticle
from tests.analyse.conftest import Analyse
from tests.analyse.helpers import assert_offsets, quote_containing

# ------------------------------------------------------------------------------------------ quote marks


def _marked(text: str) -> list[str]:
    return [text[m.start : m.end] for m in find_mark_spans(text, paragraph_spans(text))]


def test_quotes_paragraph_spans_split_on_blank_lines() -> None:
    text = "One line.\nSame paragraph.\n\nSecond paragraph.\n\n\nThird."
    assert [text[a:b] for a, b in paragraph_spans(text)] == [
        "One line.\nSame paragraph.",
        "Second paragraph.",
        "Third.",
    ]


def test_quotes_marks_curly_and_straight_pair_by_direction_and_position() -> None:
    text = '“The dam held,” she said. He said "the gates opened" at nine, and the pipe was 12" wide.'
    assert _marked(text) == ["The dam held,", "the gates opened"]


def test_quotes_marks_apostrophes_are_not_quote_marks() -> None:
    text = "The mayor’s office said the town’s bridge wasn't damaged."
    assert _marked(text) == []


def test_quotes_marks_open_paragraph_continues_into_next_one_that_opens_with_a_mark() -> None:
    text = "“The sensors were old,” he said. “They failed twice.\n\n“The new ones send alarms.”\n\nNo quote here."
    spans = find_mark_spans(text, paragraph_spans(text))
    assert [text[s.start : s.end] for s in spans] == [
        "The sensors were old,",
        "They failed twice.",
        "The new ones send alarms.",
    ]
    assert [(s.paragraph, s.open_ended, s.continues) for s in spans] == [
        (0, False, False),
        (0, True, False),
        (1, False, True),
    ]


def test_quotes_marks_closed_paragraph_does_not_continue() -> None:
    text = "“The sensors were old,” he said.\n\n“The new ones send alarms.”"
    spans = find_mark_spans(text, paragraph_spans(text))
    assert [s.continues for s in spans] == [False, False]


# ------------------------------------------------------------------------------------- direct quotes

BRIDGE = "\n\n".join(
    (
        "Mayor Lena Haldor on Tuesday opened the rebuilt Sarne bridge, two years after floods swept the old one away.",
        "“This bridge joins two halves of our town again,” Haldor said. “Nobody should have to drive forty "
        "minutes to reach the school.”",
        "Haldor said: “We finished the work on time and under budget.”",
        "Transport Minister Jonas Brekke and ministry spokeswoman Marta Lind attended the ceremony.",
        "“Extra ferries will keep running until the summer,” said the spokeswoman.",
        "Haldor complained that the regional government had “dragged its feet for a year” before paying for "
        "the bridge.",
        "According to Haldor, the bridge cost 12 million euros. The contractor, Kestrel Building, was "
        "praised by the mayor, who said that the crews had worked through the winter.",
        "The regional government, she said, would pay for a second bridge in Caster.",
        "Haldor accused the opposition of spreading false stories about the costs.",
        "“We will keep every promise,” Haldor was quoted as saying by the Valley Courier.",
        "A source close to the roads office said the bridge would be closed again for a week in the autumn.",
        '"The old bridge was a danger to everyone," Brekke told reporters.',
    )
)


@pytest.fixture(scope="module")
def bridge(analyse: Analyse) -> AnalysedArticle:
    return analyse(BRIDGE, published="2024-03-05")


def test_quotes_quote_cue_source(bridge: AnalysedArticle) -> None:
    quote = quote_containing(bridge.analysis, "joins two halves")
    assert quote.text == "This bridge joins two halves of our town again,"
    assert quote.kind == "direct"
    assert (quote.speaker, quote.speaker_as_written, quote.cue) == ("Lena Haldor", "Haldor", "said")
    assert quote.speaker_type == "PERSON"
    assert quote.resolution == "name"


def test_quotes_source_cue_quote(bridge: AnalysedArticle) -> None:
    quote = quote_containing(bridge.analysis, "on time and under budget")
    assert quote.text == "We finished the work on time and under budget."
    assert quote.kind == "direct"
    assert (quote.speaker, quote.speaker_as_written, quote.cue) == ("Lena Haldor", "Haldor", "said")


def test_quotes_inverted_cue_before_source(bridge: AnalysedArticle) -> None:
    quote = quote_containing(bridge.analysis, "Extra ferries")
    assert quote.kind == "direct"
    assert quote.cue == "said"
    assert quote.speaker_as_written == "the spokeswoman"
    assert quote.speaker == "Marta Lind"


def test_quotes_floating_sentence_after_a_quote_keeps_its_speaker(bridge: AnalysedArticle) -> None:
    quote = quote_containing(bridge.analysis, "drive forty minutes")
    assert quote.kind == "direct"
    assert quote.cue is None
    assert quote.speaker == "Lena Haldor"
    assert quote.resolution == "continuation"


def test_quotes_straight_quote_marks(bridge: AnalysedArticle) -> None:
    quote = quote_containing(bridge.analysis, "a danger to everyone")
    assert quote.text == "The old bridge was a danger to everyone,"
    assert quote.kind == "direct"
    assert (quote.speaker, quote.cue) == ("Jonas Brekke", "told")


def test_quotes_quoted_as_saying(bridge: AnalysedArticle) -> None:
    quote = quote_containing(bridge.analysis, "keep every promise")
    assert quote.kind == "direct"
    assert quote.cue == "was quoted as saying"
    assert quote.speaker == "Lena Haldor"


def test_quotes_mixed_quote_with_a_fragment_in_marks(bridge: AnalysedArticle) -> None:
    quote = quote_containing(bridge.analysis, "dragged its feet")
    assert quote.kind == "mixed"
    assert quote.text.startswith("that the regional government had")
    assert quote.text.endswith("before paying for the bridge")
    assert (quote.speaker, quote.cue) == ("Lena Haldor", "complained")


def test_quotes_indirect_said_that(bridge: AnalysedArticle) -> None:
    quote = quote_containing(bridge.analysis, "crews had worked through the winter")
    assert quote.kind == "indirect"
    assert quote.speaker == "Lena Haldor"


def test_quotes_indirect_according_to(bridge: AnalysedArticle) -> None:
    quote = quote_containing(bridge.analysis, "12 million euros")
    assert quote.kind == "indirect"
    assert quote.text == "the bridge cost 12 million euros"
    assert quote.cue == "According to"
    assert (quote.speaker, quote.speaker_as_written) == ("Lena Haldor", "Haldor")


def test_quotes_indirect_accused_of(bridge: AnalysedArticle) -> None:
    quote = quote_containing(bridge.analysis, "false stories")
    assert quote.kind == "indirect"
    assert quote.cue == "accused"
    assert "of spreading false stories" in quote.text
    assert quote.speaker == "Lena Haldor"


def test_quotes_who_said_relative_clause(bridge: AnalysedArticle) -> None:
    quote = quote_containing(bridge.analysis, "crews had worked")
    assert quote.cue == "said"
    assert quote.resolution.startswith("relative:")
    assert quote.speaker == "Lena Haldor"  # "the mayor, who said": the mayor is Mayor Lena Haldor


def test_quotes_parenthetical_she_said(bridge: AnalysedArticle) -> None:
    quote = quote_containing(bridge.analysis, "second bridge in Caster")
    assert quote.kind == "indirect"
    assert quote.text.startswith("The regional government")
    assert (quote.speaker, quote.speaker_as_written, quote.cue) == ("Lena Haldor", "she", "said")
    assert quote.resolution == "pronoun"


def test_quotes_anonymous_source(bridge: AnalysedArticle) -> None:
    quote = quote_containing(bridge.analysis, "closed again for a week")
    assert quote.speaker_type == "anonymous"
    assert quote.speaker_as_written == "A source close to the roads office"
    assert quote.speaker_id is None


def test_quotes_are_in_text_order_with_unique_ids(bridge: AnalysedArticle) -> None:
    quotes = bridge.analysis.quotes
    assert [q.start for q in quotes] == sorted(q.start for q in quotes)
    assert len({q.id for q in quotes}) == len(quotes)


def test_quotes_offsets_slice_the_text(bridge: AnalysedArticle) -> None:
    assert_offsets(bridge.article, bridge.analysis)
    # Every quote has a speaker with a span in the text, or continues one that has.
    for quote in bridge.analysis.quotes:
        assert quote.speaker, quote
        assert quote.speaker_start is not None or quote.resolution == "continuation", quote


# ----------------------------------------------------------------------------- over paragraphs, marks

SENSORS_CURLY = "\n\n".join(
    (
        "Engineer Piotr Wendel showed reporters the new flood sensors on Monday.",
        "“The old sensors failed twice last year,” Wendel said. “They were simply too old.",
        "“The new ones send an alarm to every phone in the valley.”",
        "Mayor Lena Haldor said the sensors had cost 40,000 euros. The work on the so-called “green "
        "corridor” along the river starts in May.",
    )
)
SENSORS_STRAIGHT = SENSORS_CURLY.replace("“", '"').replace("”", '"')


@pytest.mark.parametrize("text", [SENSORS_CURLY, SENSORS_STRAIGHT], ids=["curly", "straight"])
def test_quotes_paragraph_continuing_a_quote_keeps_the_speaker(analyse: Analyse, text: str) -> None:
    result = analyse(text, published="2024-03-05")
    analysis = result.analysis
    opened = quote_containing(analysis, "simply too old")
    continued = quote_containing(analysis, "alarm to every phone")
    assert continued.paragraph == opened.paragraph + 1
    assert continued.text == "The new ones send an alarm to every phone in the valley."
    for quote in (quote_containing(analysis, "failed twice"), opened, continued):
        assert quote.kind == "direct"
        assert quote.speaker == "Piotr Wendel"
    assert continued.resolution == "continuation"
    assert_offsets(result.article, analysis)


@pytest.mark.parametrize("text", [SENSORS_CURLY, SENSORS_STRAIGHT], ids=["curly", "straight"])
def test_quotes_scare_quote_is_not_a_quotation(analyse: Analyse, text: str) -> None:
    analysis = analyse(text, published="2024-03-05").analysis
    assert not [q for q in analysis.quotes if "green corridor" in q.text]
    assert quote_containing(analysis, "40,000 euros").speaker == "Lena Haldor"


def test_quotes_cue_inside_quote_marks_is_the_speakers_own_word(analyse: Analyse) -> None:
    text = "“We said from the start that the bridge would be late,” Haldor told reporters on Tuesday."
    analysis = analyse(text).analysis
    [quote] = analysis.quotes
    assert quote.cue == "told"
    assert quote.kind == "direct"


def test_quotes_marks_single_quote_style_when_a_text_quotes_with_single_marks() -> None:
    text = "‘We will not back down,’ the minister said. ‘It’s the right thing for Varnholm’s future.’"
    assert _marked(text) == ["We will not back down,", "It’s the right thing for Varnholm’s future."]


def test_quotes_single_quote_style_gets_speakers(analyse: Analyse) -> None:
    text = (
        "The plan was defended on Tuesday. ‘We will not back down,’ Interior Minister Jane Roe told reporters. "
        "‘It’s the right thing to do.’\n\nCritics disagreed. ‘This is a disaster,’ said opposition leader John Doe."
    )
    analysis = analyse(text).analysis
    assert quote_containing(analysis, "We will not back down").speaker == "Jane Roe"
    assert quote_containing(analysis, "It’s the right thing to do").speaker == "Jane Roe"
    assert quote_containing(analysis, "This is a disaster").speaker == "John Doe"


def test_quotes_mixed_quote_keeps_the_closing_mark_of_its_fragment(analyse: Analyse) -> None:
    text = "Harbour master Ana Petrov complained that the new rules were “a recipe for chaos.”"
    quote = quote_containing(analyse(text).analysis, "recipe for chaos")
    assert quote.kind == "mixed"
    assert quote.text.endswith("chaos.”")


def test_quotes_transcript_lines_and_dash_signatures(analyse: Analyse) -> None:
    text = (
        "Senator Ana Petrov and Governor Tomas Varga debated on Tuesday.\n\n"
        "PETROV: We cannot wait another year for the bridge.\n\n"
        "VARGA: The money is not there, and she knows it.\n\n"
        "Voters outside the hall were divided. “She won tonight, no question.” ― Ilse Marn"
    )
    analysis = analyse(text).analysis
    petrov = quote_containing(analysis, "We cannot wait")
    assert (petrov.kind, petrov.speaker, petrov.cue) == ("direct", "Ana Petrov", ":")
    assert quote_containing(analysis, "The money is not there").speaker == "Tomas Varga"
    vox = quote_containing(analysis, "She won tonight")
    assert (vox.speaker, vox.cue) == ("Ilse Marn", "―")
