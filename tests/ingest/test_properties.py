"""Property tests of the ingest text functions on arbitrary and news-like text: they never raise, their
outputs have the documented types and forms, and what they return comes from the input. Regression tests
(test_issue8_*) keep the smallest inputs that once crashed them."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rashomon.ingest.metadata import (
    canonical_url,
    clean_author,
    clean_title,
    date_from_url,
    infer_year,
    outlet_for_url,
    parse_date,
    parse_dateline,
    url_domain,
)
from rashomon.ingest.scrape import ScrapeResult, clean_scrape
from rashomon.records import Dateline
from tests.strategies import FUZZ, any_text

FAST = settings(max_examples=300 * FUZZ, deadline=None)  # the file runs in about 10 s

_YEARLESS = re.compile(r"--(\d{2})-(\d{2})", re.ASCII)


def _assert_iso(value: str) -> None:
    """``value`` is an ISO date, a datetime with or without its offset, or a year-less ``--MM-DD``."""
    assert value.isascii(), value
    yearless = _YEARLESS.fullmatch(value)
    if yearless:
        dt.date(2000, int(yearless[1]), int(yearless[2]))  # a real day of some (leap) year
    elif "T" in value:
        dt.datetime.fromisoformat(value)
    else:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), value
        dt.date.fromisoformat(value)


# ------------------------------------------------------------------------------------------- scrapes


@FAST
@given(content=any_text, markdown=st.sampled_from((True, False, None)), trusted=st.booleans())
def test_scrape_clean_scrape_never_raises(content: str, markdown: bool | None, trusted: bool) -> None:
    result = clean_scrape(content, markdown=markdown, stopwords=frozenset({"the", "a", "of"}), trusted=trusted)
    assert isinstance(result, ScrapeResult)
    assert isinstance(result.text, str)
    for value in (result.title, result.description, result.author, result.published, result.url):
        assert value is None or (isinstance(value, str) and value)
    if result.published:
        _assert_iso(result.published)
    assert all(isinstance(kind, str) and isinstance(text, str) for kind, text in result.removed)
    # The body is the input's own characters: blocks are cut and markup dropped, nothing is added but
    # the spaces and blank lines that join them.
    source = unicodedata.normalize("NFC", content)
    assert set(result.text) <= set(source) | {" ", "\n"}
    if result.text:
        assert all(p and p == p.strip() for p in result.text.split("\n\n"))


# --------------------------------------------------------------------------------------- metadata


@FAST
@given(paragraph=any_text)
def test_metadata_parse_dateline_never_raises(paragraph: str) -> None:
    dateline = parse_dateline(paragraph)
    if dateline is None:
        return
    assert isinstance(dateline, Dateline)
    assert dateline.text and paragraph.lstrip().startswith(dateline.text)
    assert dateline.place
    assert dateline.agency is None or dateline.agency
    if dateline.date is not None:
        _assert_iso(dateline.date)


@FAST
@given(author=st.one_of(st.none(), any_text), site=st.one_of(st.none(), any_text))
def test_metadata_clean_author_never_raises(author: str | None, site: str | None) -> None:
    people = clean_author(author, (site,))
    if people is None:
        return
    assert isinstance(people, str) and author
    for person in people.split("; "):
        assert person and person == person.strip(" ,;|"), people


@FAST
@given(title=st.one_of(st.none(), any_text), site=st.one_of(st.none(), any_text))
def test_metadata_clean_title_never_raises(title: str | None, site: str | None) -> None:
    cleaned = clean_title(title, (site,))
    assert (cleaned is None) == (not title or not title.strip())
    if cleaned is not None:
        assert cleaned == cleaned.strip()
        assert set(cleaned) <= set(title or "") | {" ", "-"}


_DATE_SHAPED = st.one_of(
    st.from_regex(r"\A\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?(\.\d+)?\s?(Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?\Z"),
    st.from_regex(r"\A([A-Z][a-z]{2},?\s+)?\d{1,2}\s+[A-Z][a-z]{2}\s+\d{4}\s+\d{1,2}:\d{2}(:\d{2})?\s+\S{0,5}\Z"),
    st.from_regex(r"\A\d{1,2}[./]\d{1,2}[./]\d{4}\Z"),
)


@FAST
@given(text=st.one_of(st.none(), any_text, _DATE_SHAPED))
def test_metadata_parse_date_never_raises(text: str | None) -> None:
    value = parse_date(text)
    if value is not None:
        _assert_iso(value)


@FAST
@given(url=st.one_of(st.none(), any_text, st.builds("http://{}/{}".format, any_text, any_text)))
def test_metadata_urls_never_raise(url: str | None) -> None:
    value = date_from_url(url)
    if value is not None:
        _assert_iso(value)
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
    for read in (url_domain, outlet_for_url, canonical_url):
        found = read(url)
        assert found is None or isinstance(found, str)


@FAST
@given(
    month_day=st.one_of(any_text, st.builds("--{:02d}-{:02d}".format, st.integers(0, 99), st.integers(0, 99))),
    lead=any_text,
    body=any_text,
    today=st.one_of(st.none(), st.dates()),
)
def test_metadata_infer_year_never_raises(month_day: str, lead: str, body: str, today: dt.date | None) -> None:
    value = infer_year(month_day, lead, body, today=today)
    if value is not None:
        day = dt.date.fromisoformat(value)
        assert value.endswith(month_day[2:])
        assert day <= (today or dt.date.today())


# ---------------------------------------------------------------------------------------- regressions


def test_issue8_infer_year_weekday_written_with_a_long_s() -> None:
    # "ſ" matches "s" when the pattern ignores case, but "ſunday" is no key of the weekday table.
    assert infer_year("--12-06", "on ſunday", "in 2012") is None


def test_issue8_urls_with_an_unclosed_ipv6_bracket() -> None:
    assert date_from_url("http://[/2012/12/06/") is None
    assert url_domain("http://[") is None
    assert outlet_for_url("http://[") is None
    assert canonical_url("http://[") == "http://["


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2020-05-01T25:00", "2020-05-01"),  # no 25 o'clock: the day stands, the time does not
        ("2020-05-01T21:54+99:00", "2020-05-01"),
        ("2020-05-01T21:54:00-0400", "2020-05-01T21:54:00-04:00"),
        ("２０２０-０５-０１T２１:５４", "2020-05-01T21:54:00"),  # fullwidth digits are read, written ASCII
    ],
)
def test_issue8_parse_date_impossible_times_and_other_digits(text: str, value: str | None) -> None:
    assert parse_date(text) == value


def test_issue8_scrape_heading_of_marks_only_is_no_title() -> None:
    # The title was the heading stripped of its marks: the empty string, not None.
    assert clean_scrape("# # #", markdown=True).title is None
