"""Dates in the text, normalised against the article's reference date (publication or dateline).

"on Thursday" becomes the Thursday nearest the reference date in the direction the sentence's tense
points ("will meet on Thursday" looks forward, "met on Thursday" back); "December 6-7" becomes a range;
"in July" a month; "in 2010" a year. Only spans spaCy tags as DATE are normalised, so nothing is invented
from numbers that are not dates.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from spacy.tokens import Doc, Span

from rashomon.analyse.entities import sentence_end_of, sentence_start_of
from rashomon.ingest.metadata import MONTHS, WEEKDAYS
from rashomon.records import DateMention

_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# (?!\d): "July 2010" is a month and a year, not July 20.
_MONTH_DAY = re.compile(
    rf"\b{_MONTH}\s+(\d{{1,2}})(?!\d)(?:st|nd|rd|th)?(?:\s*[-–]\s*(\d{{1,2}}))?(?:,?\s+(\d{{4}}))?", re.I
)
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?:\s*[-–]\s*(\d{{1,2}}))?\s+{_MONTH}(?:,?\s+(\d{{4}}))?", re.I)
_MONTH_ONLY = re.compile(rf"^(?:in\s+|early\s+|late\s+|mid-?)?{_MONTH}(?:\s+(\d{{4}}))?$", re.I)
_YEAR = re.compile(r"^(?:in\s+|the\s+year\s+|since\s+)?((?:19|20)\d{2})s?$", re.I)
# The weekday folds case by ASCII rules only: Unicode rules let "ſunday" match, which WEEKDAYS lacks.
_WEEKDAY = re.compile(
    r"\b(?:(last|next|this|on|past|coming)\s+)?(?a:(monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b",
    re.I,
)
_RELATIVE = {
    "today": 0,
    "tonight": 0,
    "this morning": 0,
    "this afternoon": 0,
    "this evening": 0,
    "yesterday": -1,
    "tomorrow": 1,
    "the day before yesterday": -2,
    "the day after tomorrow": 2,
}
_FUTURE = re.compile(
    r"\b(will|shall|'ll|would|plans?|planned|scheduled|expected|due|going to|to be held|upcoming|next)\b", re.I
)


def reference_date(published: str | None, dateline_date: str | None) -> dt.date | None:
    for value in (published, dateline_date):
        if value and re.match(r"\d{4}-\d{2}-\d{2}", value):
            try:
                return dt.date.fromisoformat(value[:10])
            except ValueError:  # "2012-13-45", "0000-01-01": shaped like a date, names no day
                continue
    return None


def _iso_year(year: int) -> str | None:
    """A year as ISO writes it (four digits); None outside the calendar (0, 10000)."""
    return f"{year:04d}" if dt.MINYEAR <= year <= dt.MAXYEAR else None


def _shifted(ref: dt.date, days: int) -> str | None:
    """``ref`` moved by ``days``, ISO; None past the calendar's ends (1-01-01, 9999-12-31)."""
    ordinal = ref.toordinal() + days
    if not dt.date.min.toordinal() <= ordinal <= dt.date.max.toordinal():
        return None
    return dt.date.fromordinal(ordinal).isoformat()


def normalise_date(text: str, ref: dt.date | None, *, future: bool = False) -> tuple[str | None, bool]:
    """(normalised value, relative?) of one date expression."""
    low = text.lower().strip()
    for phrase, delta in _RELATIVE.items():
        if low == phrase or (low.endswith(" " + phrase) and len(low) < len(phrase) + 6):
            return (_shifted(ref, delta) if ref else None), True
    match = _MONTH_DAY.search(text) or None
    if match:
        month, day, day2, year = MONTHS.get(match[1].lower().rstrip(".")), int(match[2]), match[3], match[4]
        return _day_value(month, day, int(day2) if day2 else None, int(year) if year else None, ref, future), not year
    match = _DAY_MONTH.search(text)
    if match:
        day, day2, month, year = int(match[1]), match[2], MONTHS.get(match[3].lower().rstrip(".")), match[4]
        return _day_value(month, day, int(day2) if day2 else None, int(year) if year else None, ref, future), not year
    match = _MONTH_ONLY.match(low)
    if match:
        month = MONTHS.get(match[1].lower().rstrip("."))
        year = int(match[2]) if match[2] else (ref.year if ref else None)
        if month and year:
            if not match[2] and ref and not future and month > ref.month + 1:
                year -= 1
            iso_year = _iso_year(year)
            return (f"{iso_year}-{month:02d}" if iso_year else None), not match[2]
    match = _YEAR.match(low)
    if match:
        return match[1], False
    if low in ("last year", "a year ago"):
        return (_iso_year(ref.year - 1) if ref else None), True
    if low in ("this year",):
        return (_iso_year(ref.year) if ref else None), True
    if low in ("next year",):
        return (_iso_year(ref.year + 1) if ref else None), True
    match = _WEEKDAY.search(low)
    if match and ref:
        modifier, weekday = (match[1] or "").lower(), WEEKDAYS[match[2].lower()]
        forward = modifier in ("next", "coming") or (future and modifier != "last")
        if forward:
            delta = (weekday - ref.weekday()) % 7
            if modifier == "next" and delta == 0:
                delta = 7
        else:
            delta = -((ref.weekday() - weekday) % 7)
            if modifier == "last" and delta == 0:
                delta = -7
        return _shifted(ref, delta), True
    return None, False


def _day_value(
    month: int | None, day: int, day2: int | None, year: int | None, ref: dt.date | None, future: bool = False
) -> str | None:
    if not month:
        return None
    if year is None:
        if ref is None:
            # Without a year, the day must exist in some year ("February 29" does; "February 31" never).
            return f"--{month:02d}-{day:02d}" if 1 <= day <= calendar.monthrange(2000, month)[1] else None
        year = ref.year
        # A year-less date more than half a year after the reference is last year's (unless the sentence
        # looks forward: "will be held on December 6-7").
        try:
            if not future and dt.date(year, month, min(day, 28)) - ref > dt.timedelta(days=183):
                year -= 1
        except ValueError:
            return None
    try:
        first = dt.date(year, month, day)
        if day2 and day2 > day:
            return f"{first.isoformat()}/{dt.date(year, month, day2).isoformat()}"
        return first.isoformat()
    except ValueError:
        return None


def find_dates(doc: Doc, ref: dt.date | None, *, skip_before: int = 0) -> list[DateMention]:
    """Every DATE entity of the Doc with its normalised value."""
    found = []
    for ent in doc.ents:
        if ent.label_ != "DATE" or ent.start_char < skip_before:
            continue
        if re.fullmatch(r"(?:to|yester)day['’]s|tomorrow['’]s", ent.text.strip(), re.IGNORECASE):
            continue  # "today's Europe": the present in general, not a day
        value, relative = normalise_date(ent.text, ref, future=_is_future(ent))
        found.append(DateMention(text=ent.text, start=ent.start_char, end=ent.end_char, value=value, relative=relative))
    return found


def _is_future(ent: Span) -> bool:
    doc = ent.doc
    sentence = doc[sentence_start_of(doc, ent.start) : sentence_end_of(doc, ent.start)]
    # Reported futures count ("said the sensors would be installed in May").
    return bool(_FUTURE.search(sentence.text))
