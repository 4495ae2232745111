"""Property tests of the analysis with the real English model on arbitrary and news-like text: it never
raises, and every quote, cue, speaker, mention, date and claim offset lies within the text and slices it
to what the record says. Regression tests (test_issue8_*) keep the smallest inputs that once crashed it."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language
from spacy.tokens import Span

from rashomon.analyse.core import analyse_article, analyse_doc
from rashomon.analyse.dates import find_dates, normalise_date, reference_date
from rashomon.analyse.entities import ENTITY_TYPES
from rashomon.analyse.quotes import find_mark_spans, paragraph_spans
from rashomon.records import Analysis, Article, Dateline
from rashomon.settings import Settings
from tests.analyse.conftest import Analyse
from tests.strategies import FRAGMENTS, FUZZ, QUOTE_MARKS, any_text, news_like

# Each example parses a text (a few milliseconds each); these counts keep the file under 30 s.
PARSED = settings(
    max_examples=150 * FUZZ,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PURE = settings(max_examples=400 * FUZZ, deadline=None)

_QUOTE_PIECES = (
    *QUOTE_MARKS,
    "“",
    "”",
    '"',
    " he said",
    " he said.",
    ", she said, ",
    " said:",
    ":",
    ": ",
    "“We will not leave,” ",
    "“The dam held.",
    " “unilateral approaches.”",
    "‘",
    "’",
    "«Non»",
    "„Ja“",
    "“She said ‘no’ twice.”",
    "Halvik said that ",
    "According to the ministry, ",
    "Sarkany, the spokeswoman, told reporters ",
    " who said ",
    "he was quoted as saying ",
    "The minister criticized the plan and called for talks",
    "Moscow believes that ",
    "...",
    "!!!",
    "?!",
    "— ",
    ".",
    ", ",
    "\n\n",
    "\n\n.,;:!?\n\n",
    "\n",
    " ",
)

quote_heavy = st.lists(
    st.one_of(st.sampled_from(_QUOTE_PIECES), st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=30
).map("".join)
"""Odd numbers of quote marks, marks at the very start and end, nested quotes, cues with nothing quoted."""

long_sentence = st.builds(
    lambda head, clause, n, tail: head + ", ".join([clause] * n) + tail,
    st.sampled_from(("Halvik said that ", "“", "According to officials, ", "", "The minister: ")),
    st.sampled_from(("the dam held", "“the gates opened”", "he said", "Sarkany, the spokeswoman, warned")),
    st.integers(20, 300),
    st.sampled_from((".", "", "”", ":", "” he said.")),
)
"""One very long sentence (no full stop until the end, if there)."""

texts = st.one_of(any_text, news_like, quote_heavy, long_sentence)

_ODD_DAYS = (
    "2012-12-06",
    "2012-12-06T10:00:00Z",
    "2012-13-45",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "2012-02-30",
    "２０１２-１２-０６",
    "--12-06",
    "",
)
published = st.one_of(st.none(), st.sampled_from(_ODD_DAYS), st.dates().map(dt.date.isoformat), st.text(max_size=12))
datelines = st.one_of(
    st.none(),
    st.builds(
        Dateline,
        place=st.sampled_from(("Lisk", "Washington")),
        date=st.one_of(st.none(), st.sampled_from(("--12-06", "--02-30", "2012-12-06", "9999-12-31", "0001-01-01"))),
        agency=st.none(),
        text=st.one_of(st.none(), st.sampled_from(("LISK, March 14 (MNA) —", "WASHINGTON (Reuters) -", ""))),
    ),
)

_DATE_VALUE = re.compile(
    r"(?P<day>\d{4}-\d{2}-\d{2})(?:/(?P<to>\d{4}-\d{2}-\d{2}))?|(?P<month>\d{4}-\d{2})|\d{4}|--(?P<md>\d{2}-\d{2})",
    re.ASCII,
)


def _assert_date_value(value: str | None) -> None:
    """A DateMention value is an ISO date, a range of two, ``YYYY-MM``, ``YYYY`` or ``--MM-DD``, of real days."""
    if value is None:
        return
    match = _DATE_VALUE.fullmatch(value)
    assert match, value
    for day in (match["day"], match["to"]):
        if day:
            dt.date.fromisoformat(day)
    if match["month"]:
        dt.date.fromisoformat(match["month"] + "-01")
    if match["md"]:
        dt.date.fromisoformat("2000-" + match["md"])  # a leap year holds every month-day
    if value[:4].isdigit():
        assert value[:4] != "0000", value


def _analyse(nlp: Language, text: str, published: str | None = None, dateline: Dateline | None = None) -> Analysis:
    article = Article(
        id=hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:16],
        source="invented.txt",
        text=text,
        published=published,
        dateline=dateline,
    )
    return analyse_article(article, Settings(), nlp=nlp)


def _assert_within(text: str, analysis: Analysis) -> None:
    """Every offset lies within the text, start <= end, and slices the text to the record's own text."""
    size = len(text)
    quote_ids = {q.id for q in analysis.quotes}
    for q in analysis.quotes:
        assert 0 <= q.start <= q.end <= size, q
        assert text[q.start : q.end].strip() == q.text, q
        if q.cue is not None:
            assert q.cue_start is not None and q.cue_end is not None, q
            assert 0 <= q.cue_start <= q.cue_end <= size, q
            assert text[q.cue_start : q.cue_end] == q.cue, q
        if q.speaker_start is not None:
            assert q.speaker_end is not None and 0 <= q.speaker_start <= q.speaker_end <= size, q
            assert text[q.speaker_start : q.speaker_end] == q.speaker_as_written, q
        assert q.paragraph >= 0
    for e in analysis.entities:
        for m in e.mentions:
            assert 0 <= m.start <= m.end <= size, (e.name, m)
            assert text[m.start : m.end] == m.text, (e.name, m)
    for d in analysis.dates:
        assert 0 <= d.start <= d.end <= size, d
        assert text[d.start : d.end] == d.text, d
        _assert_date_value(d.value)
    for c in analysis.claims:
        assert 0 <= c.start <= c.end <= size, c
        assert c.text in text[c.start : c.end], c
        assert c.quote_id is None or c.quote_id in quote_ids, c
        assert c.paragraph >= 0


# ------------------------------------------------------------------------------------------ analysis


@PARSED
@given(text=texts)
def test_analysis_never_raises_and_offsets_lie_within_the_text(nlp: Language, text: str) -> None:
    _assert_within(text, _analyse(nlp, text))


@PARSED
@given(text=st.one_of(news_like, quote_heavy), published=published, dateline=datelines, opens=st.booleans())
def test_analysis_with_odd_reference_dates(
    nlp: Language, text: str, published: str | None, dateline: Dateline | None, opens: bool
) -> None:
    if dateline is not None and dateline.text and opens:  # the article opens with its dateline
        text = f"{dateline.text} {text}"
    _assert_within(text, _analyse(nlp, text, published, dateline))


@PARSED
@given(text=st.one_of(news_like, quote_heavy), data=st.data())
def test_analysis_with_any_entity_tags(nlp: Language, text: str, data: st.DataObject) -> None:
    """The tagger may label any run of tokens as any type: the entity, speaker and claim rules hold anyway."""
    doc = nlp(text)
    tokens = st.sets(st.integers(0, len(doc) - 1), max_size=8) if len(doc) else st.just(set())
    starts = sorted(data.draw(tokens, label="starts"))
    spans = []
    for n, start in enumerate(starts):
        following = starts[n + 1] if n + 1 < len(starts) else len(doc)
        end = data.draw(st.integers(start + 1, max(start + 1, following)), label="end")
        spans.append(Span(doc, start, end, label=data.draw(st.sampled_from(ENTITY_TYPES), label="label")))
    doc.ents = spans
    article = Article(id="tagged", source="invented.txt", text=text)
    _assert_within(text, analyse_doc(doc, article, "test"))


@PURE
@given(text=texts)
def test_quotes_mark_spans_lie_within_their_paragraphs(text: str) -> None:
    paragraphs = paragraph_spans(text)
    assert all(0 <= a < b <= len(text) for a, b in paragraphs)
    assert all(b1 < a2 for (_, b1), (a2, _) in itertools.pairwise(paragraphs))
    for mark in find_mark_spans(text, paragraphs):
        p_start, p_end = paragraphs[mark.paragraph]
        assert p_start < mark.start < mark.end <= p_end, mark
        assert text[mark.start - 1] in QUOTE_MARKS, mark
        assert not mark.open_ended or mark.end == p_end, mark


# --------------------------------------------------------------------------------------------- dates

_DATE_PHRASES = (
    "today",
    "tomorrow",
    "yesterday",
    "the day after tomorrow",
    "on Thursday",
    "last Sunday",
    "next Monday",
    "Friday",
    "in July",
    "early December",
    "in 2010",
    "the 1990s",
    "last year",
    "this year",
    "next year",
    "December 6",
    "December 6-7",
    "Dec. 31, 2012",
    "6 December",
    "31 February",
    "February 29",
    "December 99",
    "0 May",
    "May 2010",
)


@PURE
@given(
    text=st.one_of(st.sampled_from(_DATE_PHRASES), any_text),
    ref=st.one_of(st.none(), st.dates(), st.sampled_from((dt.date.min, dt.date.max))),
    future=st.booleans(),
)
def test_dates_normalise_date_never_raises(text: str, ref: dt.date | None, future: bool) -> None:
    value, relative = normalise_date(text, ref, future=future)
    assert isinstance(relative, bool)
    _assert_date_value(value)


@PURE
@given(published=published, dateline_date=published)
def test_dates_reference_date_never_raises(published: str | None, dateline_date: str | None) -> None:
    ref = reference_date(published, dateline_date)
    assert ref is None or isinstance(ref, dt.date)


@PARSED
@given(
    text=st.lists(st.one_of(st.sampled_from(_DATE_PHRASES), st.sampled_from(FRAGMENTS)), max_size=12).map(" ".join),
    ref=st.one_of(st.none(), st.dates(), st.sampled_from((dt.date.min, dt.date.max))),
    skip=st.integers(0, 40),
)
def test_dates_find_dates_never_raises(nlp: Language, text: str, ref: dt.date | None, skip: int) -> None:
    for mention in find_dates(nlp(text), ref, skip_before=skip):
        assert skip <= mention.start <= mention.end <= len(text)
        assert text[mention.start : mention.end] == mention.text
        _assert_date_value(mention.value)


# ---------------------------------------------------------------------------------------- regressions


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("tomorrow", dt.date.max),
        ("yesterday", dt.date.min),
        ("on Thursday", dt.date.min),
        ("next Monday", dt.date.max),
    ],
)
def test_issue8_normalise_date_past_the_calendar_ends(text: str, ref: dt.date) -> None:
    assert normalise_date(text, ref) == (None, True)


def test_issue8_normalise_date_weekday_written_with_a_long_s() -> None:
    assert normalise_date("ſunday", dt.date(2012, 12, 6)) == (None, False)


@pytest.mark.parametrize("published", ["2012-13-45", "0000-01-01", "２０１２-１２-０６"])
def test_issue8_reference_date_shaped_like_a_date_but_no_day(published: str) -> None:
    assert reference_date(published, None) is None
    assert reference_date(published, "2012-12-06") == dt.date(2012, 12, 6)


def test_issue8_join_quotes_mixed_quote_left_open_at_the_end_of_the_text(analyse: Analyse) -> None:
    # The quoted fragment has no closing mark to keep: max() of the content's end and nothing crashed.
    text = "He urged talks “now"
    analysis = analyse(text).analysis
    assert [(q.kind, q.text) for q in analysis.quotes] == [("mixed", "talks “now")]
    _assert_within(text, analysis)


def _tagged(nlp: Language, text: str, spans: list[tuple[int, int, str]]) -> Analysis:
    doc = nlp(text)
    doc.ents = [Span(doc, start, end, label=label) for start, end, label in spans]
    return analyse_doc(doc, Article(id="tagged", source="invented.txt", text=text), "test")


def test_issue8_entities_a_name_without_words_joins_nothing(nlp: Language) -> None:
    # "Ⓐ" is upper case but no word: its key was "org:", and "org:".split()[0] raised IndexError.
    text = "The Ministry of Finance met. The Ministry agreed. Ⓐ left."
    analysis = _tagged(nlp, text, [(1, 4, "ORG"), (7, 8, "ORG"), (10, 11, "ORG")])
    assert [e.name for e in analysis.entities] == ["Ministry of Finance"]
    _assert_within(text, analysis)


def test_issue8_entities_mention_opening_on_a_whitespace_token(nlp: Language) -> None:
    text = "Said.\n\nLISK left."
    analysis = _tagged(nlp, text, [(2, 4, "PERSON")])
    assert [(m.text, m.start) for e in analysis.entities for m in e.mentions] == [("LISK", 7)]
