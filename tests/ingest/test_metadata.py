"""Metadata shared by every format: datelines, dates, years, outlets, titles, bylines, urls, language."""

from __future__ import annotations

import datetime as dt

import pytest

from rashomon.ingest.metadata import (
    agency_name,
    canonical_url,
    clean_author,
    clean_title,
    date_from_url,
    detect_language,
    infer_year,
    outlet_for_url,
    parse_date,
    parse_dateline,
)

# ---------------------------------------------------------------------------------------- datelines


@pytest.mark.parametrize(
    ("paragraph", "place", "date", "agency", "text"),
    [
        (
            "DUBLIN, December 6 (Itar-Tass) — Ministers met in the castle on Thursday.",
            "Dublin",
            "--12-06",
            "ITAR-TASS",
            "DUBLIN, December 6 (Itar-Tass) —",
        ),
        (
            "WASHINGTON (Reuters) - The Senate voted on Tuesday to extend the programme.",
            "Washington",
            None,
            "Reuters",
            "WASHINGTON (Reuters) -",
        ),
        (
            "MOSCOW, December 6. /TASS/. Officials said the talks went well.",
            "Moscow",
            "--12-06",
            "TASS",
            "MOSCOW, December 6. /TASS/.",
        ),
        (
            "KYIV, Ukraine (AP) — Air raid sirens sounded across the city overnight.",
            "Kyiv, Ukraine",
            None,
            "Associated Press",
            "KYIV, Ukraine (AP) —",
        ),
        ("PARIS — The museum reopened its doors to visitors.", "Paris", None, None, "PARIS —"),
        (
            "NEW YORK, December 6, 2012 (AP) — Stocks rose in early trading.",
            "New York",
            "2012-12-06",
            "Associated Press",
            "NEW YORK, December 6, 2012 (AP) —",
        ),
        (
            "KELDMOUTH, Sept 12 — The toll bridge will close for six weeks.",
            "Keldmouth",
            "--09-12",
            None,
            "KELDMOUTH, Sept 12 —",
        ),
        (
            "LISK, March 14 (MNA) — The government declared a state of emergency.",
            "Lisk",
            "--03-14",
            "MNA",
            "LISK, March 14 (MNA) —",
        ),
    ],
    ids=[
        "place-date-agency",
        "place-agency",
        "tass-slashes",
        "place-region-agency",
        "bare-place",
        "with-year",
        "place-date",
        "unknown-agency",
    ],
)
def test_metadata_parse_dateline_variants(
    paragraph: str, place: str, date: str | None, agency: str | None, text: str
) -> None:
    dateline = parse_dateline(paragraph)
    assert dateline is not None
    assert (dateline.place, dateline.date, dateline.agency, dateline.text) == (place, date, agency, text)


@pytest.mark.parametrize(
    "paragraph",
    ["BOSTON, Dec. 6 (AP) — Stocks rose.", "BOSTON, Sept. 6 (AP) — Stocks rose."],
)
def test_metadata_parse_dateline_abbreviated_month_is_a_date_not_a_region(paragraph: str) -> None:
    dateline = parse_dateline(paragraph)
    assert dateline is not None
    assert dateline.place == "Boston"
    assert dateline.date in ("--12-06", "--09-06")
    assert dateline.agency == "Associated Press"


@pytest.mark.parametrize(
    "paragraph",
    [
        "The minister — who spoke late in the evening — said nothing about the vote.",
        "Note: the meeting was postponed until Friday.",
        "He said: we will come back next year - and we will win.",
        "It was a long day - and a longer night for the rescuers.",
        "THE END. Something else happened after that.",
        "UN: the report is due soon.",
        "In Dublin, December 6 — the talks began.",
        "A - b",
    ],
)
def test_metadata_parse_dateline_rejects_ordinary_sentences(paragraph: str) -> None:
    assert parse_dateline(paragraph) is None


def test_metadata_agency_name_normalises_known_marks() -> None:
    assert agency_name("Itar-Tass") == "ITAR-TASS"
    assert agency_name("(AP)") == "Associated Press"
    assert agency_name("Medrovian Wire") == "Medrovian Wire"
    assert agency_name(None) is None


# -------------------------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2012-12-06", "2012-12-06"),
        ("2012-12-06T10:00:00Z", "2012-12-06T10:00:00+00:00"),
        ("2012-12-06T10:00+0100", "2012-12-06T10:00:00+01:00"),
        ("2012-12-06 10:00:30+01:00", "2012-12-06T10:00:30+01:00"),
        ("December 06, 2012", "2012-12-06"),
        ("6 Dec 2012", "2012-12-06"),
        ("Dec. 6th, 2012", "2012-12-06"),
        ("Published on 6 December 2012 at 10:15", "2012-12-06"),
        ("06.12.2012", "2012-12-06"),
        ("12/06/2012", "2012-12-06"),
        ("31/12/2012", "2012-12-31"),
        ("Thu, 06 Dec 2012 10:00:00 GMT", "2012-12-06T10:00:00+00:00"),
        # The time as the page states it, with its offset: the local day is kept (issue 8).
        ("Fri, 01 May 2020 21:54:00 -0400", "2020-05-01T21:54:00-04:00"),
        ("Fri, 01 May 2020 21:54:00 EDT", "2020-05-01T21:54:00-04:00"),
        ("2020-05-01 21:54 -04:00", "2020-05-01T21:54:00-04:00"),
        ("2020-05-01T21:54:00.000-04:00", "2020-05-01T21:54:00-04:00"),
        ("2020-05-01 21:54 UTC", "2020-05-01T21:54:00+00:00"),
        ("December 6", "--12-06"),
        ("2012-02-30", None),
        ("the day after tomorrow", None),
        ("", None),
        (None, None),
    ],
)
def test_metadata_parse_date_formats(text: str | None, expected: str | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("published", "instant"),
    [
        ("2020-05-01T21:54:00-04:00", "2020-05-02T01:54:00Z"),
        ("2020-05-02T08:00:00+09:00", "2020-05-01T23:00:00Z"),
        ("2020-05-01", "2020-05-01T00:00:00Z"),
        ("2020-05-01T21:54:00", "2020-05-01T21:54:00Z"),
        ("--05-01", None),
        ("not a date", None),
        (None, None),
    ],
)
def test_metadata_published_instant_orders_on_utc(published: str | None, instant: str | None) -> None:
    from rashomon.records import published_instant

    assert published_instant(published) == instant


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.paper.example/2012/12/06/crane-collapse-a19985", "2012-12-06"),
        ("https://paper.example/news/20121206-bridge-closes", "2012-12-06"),
        ("https://paper.example/wire/2025-03-14/insurers", "2025-03-14"),
        ("https://paper.example/2012/13/40/not-a-date", None),
        ("https://paper.example/story/12345", None),
        ("https://paper.example/?date=2012/12/06", None),  # the query is not the path
        (None, None),
    ],
)
def test_metadata_date_from_url(url: str | None, expected: str | None) -> None:
    assert date_from_url(url) == expected


def test_metadata_infer_year_from_weekday_and_bound() -> None:
    # 6 December fell on a Thursday in 2012 (and next in 2018); the body's latest year bounds the search.
    assert infer_year("--12-06", "Lavrov on Thursday will take part", "the Astana summit in 2010") == "2012-12-06"
    assert infer_year("--12-06", "talks on Thursday", "plans for 2013 and 2014") == "2018-12-06"


def test_metadata_infer_year_never_after_today() -> None:
    lead, body = "the talks on Thursday", "since 2010"
    assert infer_year("--12-06", lead, body, today=dt.date(2012, 12, 5)) is None
    assert infer_year("--12-06", lead, body, today=dt.date(2012, 12, 6)) == "2012-12-06"


@pytest.mark.parametrize(
    ("lead", "body"),
    [("the minister will take part", "the summit of 2010"), ("on Thursday he will take part", "no year at all")],
    ids=["no-weekday", "no-year"],
)
def test_metadata_infer_year_unknown_without_weekday_or_year(lead: str, body: str) -> None:
    assert infer_year("--12-06", lead, body) is None


def test_metadata_infer_year_needs_a_yearless_date() -> None:
    assert infer_year("2012-12-06", "on Thursday", "in 2010") is None


# ------------------------------------------------------------------------------------------ outlets


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.themoscowtimes.com/2012/12/06/x", "The Moscow Times"),
        ("https://WWW.Reuters.com/world/x", "Reuters"),
        ("https://news.sky.com/story/x", "Sky News"),  # subdomain listed itself
        ("https://edition.cnn.com/2020/01/01/x", "CNN"),  # subdomain of a listed domain
        ("https://www.northern-ledger.example/2025/03/14/x", "northern-ledger.example"),  # unknown: the domain
        (None, None),
        ("not a url", None),
    ],
)
def test_metadata_outlet_for_url(url: str | None, expected: str | None) -> None:
    assert outlet_for_url(url) == expected


# ----------------------------------------------------------------------------------- titles, authors


@pytest.mark.parametrize(
    ("title", "sites", "expected"),
    [
        ("Crane falls in Port Wendle | The Wendle Herald", ("Wendle Herald",), "Crane falls in Port Wendle"),
        ("The Wendle Herald - Crane falls in Port Wendle", ("The Wendle Herald",), "Crane falls in Port Wendle"),
        ("Toll bridge over the Sarne to close - Keld Valley Gazette", (), "Toll bridge over the Sarne to close"),
        ("Toll bridge  over the\nSarne to close", (), "Toll bridge over the Sarne to close"),
        ("Lisk flood: what we know so far", (), "Lisk flood: what we know so far"),
        ("", (), None),
        (None, (), None),
    ],
)
def test_metadata_clean_title_strips_site_name(title: str | None, sites: tuple[str, ...], expected: str | None) -> None:
    assert clean_title(title, sites) == expected


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("By Nikolaus von Twickel", "Nikolaus von Twickel"),
        ("By TOM ROE and Jane Doe, AP Writer", "Tom Roe; Jane Doe"),
        ("By JANE DOE", "Jane Doe"),
        ("Jane Doe | Staff Writer", "Jane Doe"),
        ("Jane Doe, PhD", "Jane Doe"),
        ("Analysis by John Smith", "John Smith"),
        ("Jane Doe; Calder Business Wire", "Jane Doe"),
        ("Mara Quill and Owen Tarrant", "Mara Quill; Owen Tarrant"),
        ("Petra Lindqvist, Transport Correspondent", "Petra Lindqvist"),
        ("Reuters", None),
        ("BBC News", None),
        ("jane@example.com", None),
        ("Follow @janedoe", None),
        ("", None),
    ],
)
def test_metadata_clean_author_keeps_people_only(byline: str, expected: str | None) -> None:
    assert clean_author(byline) == expected


def test_metadata_clean_author_drops_site_name() -> None:
    assert clean_author("Ilse Marrow, Wendle Herald", ("Wendle Herald",)) == "Ilse Marrow"


# ----------------------------------------------------------------------------------------------- urls


def test_metadata_canonical_url_drops_tracking_and_fragment() -> None:
    url = "https://WWW.Paper.Example/2024/10/07/crane/?utm_source=feed&utm_medium=rss&fbclid=abc#comments"
    assert canonical_url(url) == "https://www.paper.example/2024/10/07/crane/"


def test_metadata_canonical_url_keeps_identifying_query() -> None:
    # Two stories that differ only by their query are two urls.
    first = canonical_url("https://paper.example/news.php?story_id=5&utm_campaign=x")
    second = canonical_url("https://paper.example/news.php?story_id=6")
    assert first == "https://paper.example/news.php?story_id=5"
    assert first != second


def test_metadata_canonical_url_empty() -> None:
    assert canonical_url(None) is None
    assert canonical_url("") is None


# ------------------------------------------------------------------------------------------- language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The harbour master said the crane had been inspected in March and that the investigators "
            "would receive all of the maintenance records before the end of the week.",
            "en",
        ),
        (
            "Die Brücke über die Sarne bleibt sechs Wochen gesperrt. Pendler müssen Umwege von bis zu "
            "vierzig Minuten in Kauf nehmen, teilte das Straßenbauamt am Dienstag mit.",
            "de",
        ),
        (
            "Le maire a déclaré que la rivière était montée très vite et que l’école du quartier resterait "
            "fermée jusqu’à lundi, le temps de nettoyer les salles inondées.",
            "fr",
        ),
    ],
    ids=["en", "de", "fr"],
)
def test_metadata_detect_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_metadata_detect_language_unsure_on_tiny_text() -> None:
    assert detect_language("Hello there") is None
    assert detect_language("12 34 56 78 90 11") is None
