"""Dates: normalised against the article's reference date (publication, else dateline), with the tense of
the sentence choosing between the last and the next weekday or month. Every text here is invented."""

from __future__ import annotations

import datetime as dt

import pytest

from rashomon.analyse.dates import normalise_date, reference_date
from rashomon.records import Dateline
from tests.analyse.conftest import Analyse

WEDNESDAY = dt.date(2024, 3, 6)


@pytest.mark.parametrize(
    ("text", "future", "value"),
    [
        ("Monday", False, "2024-03-04"),
        ("on Monday", True, "2024-03-11"),
        ("Thursday", False, "2024-02-29"),  # a leap day: the last Thursday
        ("Thursday", True, "2024-03-07"),
        ("Wednesday", False, "2024-03-06"),
        ("last Wednesday", False, "2024-02-28"),
        ("next Wednesday", False, "2024-03-13"),
        ("next Friday", False, "2024-03-08"),
    ],
)
def test_dates_weekday_relative_to_reference(text: str, future: bool, value: str) -> None:
    assert normalise_date(text, WEDNESDAY, future=future) == (value, True)


@pytest.mark.parametrize(
    ("text", "value"),
    [("yesterday", "2024-03-05"), ("today", "2024-03-06"), ("tomorrow", "2024-03-07")],
)
def test_dates_yesterday_today_tomorrow(text: str, value: str) -> None:
    assert normalise_date(text, WEDNESDAY) == (value, True)


def test_dates_day_range() -> None:
    assert normalise_date("December 6-7", dt.date(2012, 12, 6)) == ("2012-12-06/2012-12-07", True)
    assert normalise_date("6-7 December", dt.date(2012, 12, 6)) == ("2012-12-06/2012-12-07", True)
    assert normalise_date("December 6-7, 2011", dt.date(2012, 12, 6)) == ("2011-12-06/2011-12-07", False)


def test_dates_day_without_year_far_ahead_is_last_year() -> None:
    assert normalise_date("December 6", WEDNESDAY) == ("2023-12-06", True)
    assert normalise_date("March 1", WEDNESDAY) == ("2024-03-01", True)


def test_dates_day_without_year_in_a_forward_looking_sentence_stays_ahead() -> None:
    assert normalise_date("December 6-7", WEDNESDAY, future=True) == ("2024-12-06/2024-12-07", True)


@pytest.mark.parametrize(
    ("text", "future", "value"),
    [
        ("in July", False, "2023-07"),  # in March, a past July is last year's
        ("in July", True, "2024-07"),
        ("in February", False, "2024-02"),
        ("July 2010", False, "2010-07"),
    ],
)
def test_dates_month(text: str, future: bool, value: str) -> None:
    assert normalise_date(text, WEDNESDAY, future=future)[0] == value


@pytest.mark.parametrize("text", ["in 2010", "2010", "since 2010"])
def test_dates_year(text: str) -> None:
    assert normalise_date(text, WEDNESDAY) == ("2010", False)


def test_dates_relative_years() -> None:
    assert normalise_date("last year", WEDNESDAY) == ("2023", True)
    assert normalise_date("next year", WEDNESDAY) == ("2025", True)


def test_dates_without_reference() -> None:
    assert normalise_date("Thursday", None) == (None, False)
    assert normalise_date("yesterday", None) == (None, True)
    assert normalise_date("December 6", None) == ("--12-06", True)
    assert normalise_date("in 2010", None) == ("2010", False)


def test_dates_not_a_date() -> None:
    assert normalise_date("two years", WEDNESDAY) == (None, False)


def test_dates_reference_date_from_published_then_dateline() -> None:
    assert reference_date("2012-12-07T10:30:00+00:00", "2012-12-06") == dt.date(2012, 12, 7)
    assert reference_date(None, "2012-12-06") == dt.date(2012, 12, 6)
    assert reference_date(None, "--12-06") is None  # a dateline without a year fixes no date
    assert reference_date("December 2012", None) is None
    assert reference_date(None, None) is None


# ---------------------------------------------------------------------------------------- in articles

TALKS = "\n\n".join(
    (
        "The ministers met on Monday in Riga. They will meet again on Friday in Tallinn.",
        "The summit will be held on December 6-7. The treaty was signed in 2010. The first talks took place in July.",
        "Yesterday the mayor of Riga resigned. The new mayor will be chosen tomorrow. The ferries will run "
        "again in July.",
    )
)


def _values(analyse: Analyse, **kwargs: object) -> list[tuple[str, str | None]]:
    analysis = analyse(TALKS, **kwargs).analysis
    return [(d.text, d.value) for d in analysis.dates]


def test_dates_in_article_follow_tense_and_reference(analyse: Analyse) -> None:
    analysis = analyse(TALKS, published="2024-03-06").analysis
    assert analysis.reference_date == "2024-03-06"
    assert [(d.text, d.value) for d in analysis.dates] == [
        ("Monday", "2024-03-04"),
        ("Friday", "2024-03-08"),
        ("December 6-7", "2024-12-06/2024-12-07"),
        ("2010", "2010"),
        ("July", "2023-07"),
        ("Yesterday", "2024-03-05"),
        ("tomorrow", "2024-03-07"),
        ("July", "2024-07"),
    ]
    for d in analysis.dates:
        assert TALKS[d.start : d.end] == d.text


def test_dates_reference_from_dateline_when_not_published(analyse: Analyse) -> None:
    text = "RIGA, March 6 (BNA) — The ministers met on Monday. They will meet again on Friday."
    dateline = Dateline(place="Riga", date="2024-03-06", agency="BNA", text="RIGA, March 6 (BNA) —")
    analysis = analyse(text, dateline=dateline).analysis
    assert analysis.reference_date == "2024-03-06"
    assert [(d.text, d.value) for d in analysis.dates] == [("Monday", "2024-03-04"), ("Friday", "2024-03-08")]


def test_dates_without_reference_weekdays_stay_open(analyse: Analyse) -> None:
    analysis = analyse(TALKS).analysis
    assert analysis.reference_date is None
    values = dict((d.text, d.value) for d in analysis.dates if d.text in ("Monday", "2010"))
    assert values == {"Monday": None, "2010": "2010"}


def test_dates_reported_future_month_is_ahead(analyse: Analyse) -> None:
    text = "The engineer said the new sensors would be installed in May."
    analysis = analyse(text, published="2024-03-06").analysis
    assert [(d.text, d.value) for d in analysis.dates] == [("May", "2024-05")]
