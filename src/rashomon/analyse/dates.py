"""Dates in the text, normalised against the article's reference date (publication or dateline).

"on Thursday" becomes the Thursday nearest the reference date in the direction the sentence's tense
points ("will meet on Thursday" looks forward, "met on Thursday" back); "December 6-7" becomes a range;
"in July" a month; "in 2010" a year. Only spans spaCy tags as DATE are normalised, so nothing is invented
from numbers that are not dates.
"""

from __future__ import annotations

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
_WEEKDAY = re.compile(
    r"\b(?:(last|next|this|on|past|coming)\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I
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
            return dt.date.fromisoformat(value[:10])
    return None


def normalise_date(text: str, ref: dt.date | None, *, future: bool = False) -> tuple[str | None, bool]:
    """(normalised value, relative?) of one date expression."""
    low = text.lower().strip()
    for phrase, delta in _RELATIVE.items():
        if low == phrase or (low.endswith(" " + phrase) and len(low) < len(phrase) + 6):
            return ((ref + dt.timedelta(days=delta)).isoformat() if ref else None), True
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
            return f"{year:04d}-{month:02d}", not match[2]
    match = _YEAR.match(low)
    if match:
        return match[1], False
    if low in ("last year", "a year ago"):
        return (str(ref.year - 1) if ref else None), True
    if low in ("this year",):
        return (str(ref.year) if ref else None), True
    if low in ("next year",):
        return (str(ref.year + 1) if ref else None), True
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
        return (ref + dt.timedelta(days=delta)).isoformat(), True
    return None, False


def _day_value(
    month: int | None, day: int, day2: int | None, year: int | None, ref: dt.date | None, future: bool = False
) -> str | None:
    if not month:
        return None
    if year is None:
        if ref is None:
            return f"--{month:02d}-{day:02d}"
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
