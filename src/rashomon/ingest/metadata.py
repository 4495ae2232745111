"""Article metadata shared by every input format: outlet names, datelines, dates, language, urls."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import html
import json
import re
from importlib import resources
from urllib.parse import SplitResult, urlsplit, urlunsplit

import courlan

from rashomon.records import Dateline

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
_MONTH_RE = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}

# "December 6", "Dec. 6, 2012", "6 December 2012", "December 06, 2012".
DATE_PATTERN = (
    rf"(?:(?P<m1>{_MONTH_RE})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y1>\d{{4}}))?"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MONTH_RE})(?:,?\s+(?P<y2>\d{{4}}))?)"
)
_DATE_RE = re.compile(DATE_PATTERN, re.IGNORECASE)
_ISO_RE = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[T ](?P<t>\d{2}:\d{2}(?::\d{2})?)"
    r"(?:\.\d+)?(?:\s?(?P<z>Z|[+-]\d{2}:?\d{2}|(?:UTC|GMT)(?![A-Za-z])))?)?"
)
_RFC822_RE = re.compile(r"(?:[A-Za-z]{3},?\s+)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}")
_NUMERIC_DATE_RE = re.compile(r"(?P<a>\d{1,2})[./](?P<b>\d{1,2})[./](?P<y>\d{4})")

# A dateline opens the first paragraph: PLACE[, Region][, Month Day[, Year]][ (Agency)| /Agency/] — text.
# The region after the place is never a date: "BOSTON, Dec. 6 (AP) —" is place, date, agency.
_PLACE = (
    r"(?P<place>[A-Z][A-Z.'’\-]+(?:\s+[A-Z][A-Z.'’\-]+){0,3}"
    rf"(?:,\s+(?!{_MONTH_RE}\s*\d)[A-Z][A-Za-z.'’\-]+(?:\s+[A-Z][A-Za-z.'’\-]+)?)?)"
)
_DATELINE_RE = re.compile(
    rf"^\s*{_PLACE}"
    rf"(?:,?\s+(?P<date>{DATE_PATTERN}))?\.?"
    r"(?:\s*(?:\((?P<agency1>[A-Za-z][\w.&'’\- ]{0,40}?)\)|/\s*(?P<agency2>[A-Za-z][\w.&'’\- ]{0,40}?)\s*/)\.?)?"
    r"\s*(?P<sep>—|–|--|-|:|\.)\s+(?=\S)",
)


@functools.cache
def _outlet_table() -> dict[str, dict[str, str]]:
    with resources.files("rashomon.data").joinpath("outlets.json").open(encoding="utf-8") as handle:
        data = json.load(handle)
    return {"domains": data["domains"], "agencies": data["agencies"]}


def _split_url(url: str) -> SplitResult | None:
    """The url's parts, or None when urllib rejects it (an unclosed IPv6 bracket: "http://[")."""
    try:
        return urlsplit(url)
    except ValueError:  # urlsplit's only way to say an url is malformed
        return None


def url_domain(url: str | None) -> str | None:
    parts = _split_url(url) if url else None
    if parts is None:
        return None
    host = (parts.hostname or "").lower()
    return host.removeprefix("www.") or None


def outlet_for_url(url: str | None) -> str | None:
    """The publisher of a url: its name from the table of known outlets, else the bare domain."""
    host = url_domain(url)
    if not host:
        return None
    domains = _outlet_table()["domains"]
    parts = host.split(".")
    for i in range(len(parts) - 1):  # news.sky.com, then sky.com
        name = domains.get(".".join(parts[i:]))
        if name:
            return name
    return host


def agency_name(mark: str | None) -> str | None:
    """Normalise a news-agency mark ("Itar-Tass", "AP", "Reuters") to the agency's name."""
    if not mark:
        return None
    key = re.sub(r"\s+", " ", mark.strip(" ./()").lower())
    if not key:
        return None
    known = _outlet_table()["agencies"].get(key)
    if known:
        return known
    return mark.strip(" ./()")


def is_known_agency(mark: str) -> bool:
    return re.sub(r"\s+", " ", mark.strip(" ./()").lower()) in _outlet_table()["agencies"]


def canonical_url(url: str | None) -> str | None:
    """Normalised url (courlan): lowercase host, sorted query, tracking parameters and fragment removed."""
    if not url:
        return None
    url = url.strip()
    try:
        normalised = courlan.normalize_url(url)
    except (ValueError, AttributeError):
        normalised = url
    parts = _split_url(normalised)
    if parts is None:
        return url
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


# ------------------------------------------------------------------------------------------- dates


def _month_number(token: str) -> int | None:
    return MONTHS.get(token.lower().rstrip("."))


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str | None) -> str | None:
    """An ISO date (or datetime when a time is given) from a date string, else None.

    Accepts ISO 8601 ("2012-12-06T10:00:00Z"), "December 06, 2012", "6 Dec 2012", "06.12.2012",
    RFC 822 ("Thu, 06 Dec 2012 10:00:00 GMT"). Year-less dates give ``--MM-DD``.
    """
    if not text:
        return None
    text = text.strip()
    match = _ISO_RE.search(text)
    if match:
        day = _safe_date(int(match["y"]), int(match["m"]), int(match["d"]))
        if day is None:
            return None
        if match["t"]:
            # Rebuilt from numbers: \d also matches other scripts' digits ("２１:５４"), which ISO has not.
            hour, minute, second = (int(n) for n in (*match["t"].split(":"), "0")[:3])
            zone = match["z"] or ""
            if zone in ("Z", "UTC", "GMT"):
                zone = "+00:00"
            if zone and zone != "Z" and ":" not in zone:
                zone = zone[:3] + ":" + zone[3:]
            offset = re.fullmatch(r"[+-](\d{2}):(\d{2})", zone, re.ASCII)
            zone_ok = not zone or (offset is not None and int(offset[1]) <= 23 and int(offset[2]) <= 59)
            if hour > 23 or minute > 59 or second > 59 or not zone_ok:
                return day.isoformat()  # an impossible time ("25:00", "+99:00"): the day alone
            return f"{day.isoformat()}T{hour:02d}:{minute:02d}:{second:02d}{zone}"
        return day.isoformat()
    if _RFC822_RE.match(text):  # "Fri, 01 May 2020 21:54:00 -0400": the time and offset as stated
        from email.utils import parsedate_to_datetime

        try:
            stated = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            stated = None
        if stated is not None:
            return stated.isoformat()
    match = _DATE_RE.search(text)
    if match:
        return _date_from_match(match)
    match = _NUMERIC_DATE_RE.search(text)
    if match:  # day.month.year is the common order outside the US; month/day/year with a slash
        a, b, year = int(match["a"]), int(match["b"]), int(match["y"])
        day_first = "." in match.group(0) or a > 12
        d = _safe_date(year, b, a) if day_first else _safe_date(year, a, b)
        return d.isoformat() if d else None
    try:
        from email.utils import parsedate_to_datetime

        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.isoformat() if parsed else None


def _date_from_match(match: re.Match[str]) -> str | None:
    month = _month_number(match["m1"] or match["m2"] or "")
    day = int(match["d1"] or match["d2"] or 0)
    year = match["y1"] or match["y2"]
    if not month or not 1 <= day <= 31:
        return None
    if year:
        d = _safe_date(int(year), month, day)
        return d.isoformat() if d else None
    return f"--{month:02d}-{day:02d}"


_URL_DATE_RE = re.compile(r"/((?:19|20)\d{2})[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?:/|[-_]|$)")


def date_from_url(url: str | None) -> str | None:
    """The publication date many news urls carry (``/2012/12/06/``, ``/20121206-``)."""
    parts = _split_url(url) if url else None
    if parts is None:
        return None
    match = _URL_DATE_RE.search(parts.path)
    if not match:
        return None
    d = _safe_date(int(match[1]), int(match[2]), int(match[3]))
    return d.isoformat() if d else None


_YEAR_RE = re.compile(r"\b(19[5-9]\d|20\d{2})\b")
# ASCII-only case folding: under Unicode rules "ſunday" and "frİday" match too, and are no keys of WEEKDAYS.
_WEEKDAY_RE = re.compile(r"\b(?a:(" + "|".join(WEEKDAYS) + r"))\b", re.IGNORECASE)


def infer_year(month_day: str, lead: str, body: str, *, today: dt.date | None = None) -> str | None:
    """Complete a year-less dateline date (``--12-06``) from the report itself.

    Agency reports often date only day and month ("LISK, March 14 (Agency) —") and name the weekday
    in the lead ("... on Thursday will take part"). The year is the earliest one, not before the latest
    year the report mentions and not after today, in which that day falls on that weekday. Without a
    weekday in the lead, or a year in the body to bound the search, the year stays unknown (None).
    """
    match = re.fullmatch(r"--(\d{2})-(\d{2})", month_day)
    weekday = _WEEKDAY_RE.search(lead)
    years = [int(y) for y in _YEAR_RE.findall(body)]
    if not match or not weekday or not years:
        return None
    month, day = int(match[1]), int(match[2])
    wanted = WEEKDAYS[weekday[1].lower()]
    today = today or dt.date.today()
    for year in range(max(years), today.year + 1):
        d = _safe_date(year, month, day)
        if d and d.weekday() == wanted and d <= today:
            return d.isoformat()
    return None


# ---------------------------------------------------------------------------------------- datelines


def parse_dateline(paragraph: str) -> Dateline | None:
    """The dateline opening a report's first paragraph, if it has one.

    Recognises "LISK, March 14 (MNA) —", "WASHINGTON (Reuters) -", "MOSCOW, December 6. /TASS/.",
    "KYIV, Ukraine (AP) —", "PARIS —". The place must be in capitals, as datelines print it.
    """
    match = _DATELINE_RE.match(paragraph)
    if not match:
        return None
    place = match["place"].strip(" ,")
    agency_mark = match["agency1"] or match["agency2"]
    date_text = match["date"]
    if not (agency_mark or date_text) and match["sep"] not in ("—", "–", "--"):
        return None  # "THE END. Something" is not a dateline: a bare place needs a dash
    head = place.split(",")[0]
    if len(head.replace(" ", "")) < 2 or not re.search(r"[A-Z]{2}", head):
        return None
    if agency_mark and not date_text and match["sep"] == ":":
        return None
    date = None
    if date_text:
        inner = _DATE_RE.search(date_text)
        date = _date_from_match(inner) if inner else None
    return Dateline(
        place=_title_place(place),
        date=date,
        agency=agency_name(agency_mark) if agency_mark else None,
        text=paragraph[: match.end()].strip(),
    )


def _title_place(place: str) -> str:
    head, _, rest = place.partition(",")
    words = [w.capitalize() if w.isupper() else w for w in re.split(r"(\s+|-)", head)]
    titled = "".join(words)
    return f"{titled},{rest}" if rest else titled


# ----------------------------------------------------------------------------------------- language


# ISO 639-2/3 and retired codes pages still declare, to ISO 639-1.
_LANGUAGE_ALIASES = {
    "eng": "en",
    "fra": "fr",
    "fre": "fr",
    "deu": "de",
    "ger": "de",
    "spa": "es",
    "ita": "it",
    "por": "pt",
    "rus": "ru",
    "zho": "zh",
    "chi": "zh",
    "jpn": "ja",
    "kor": "ko",
    "ara": "ar",
    "nld": "nl",
    "dut": "nl",
    "pol": "pl",
    "tur": "tr",
    "ukr": "uk",
    "swe": "sv",
    "nor": "no",
    "nob": "no",
    "nb": "no",
    "nn": "no",
    "dan": "da",
    "fin": "fi",
    "ell": "el",
    "gre": "el",
    "heb": "he",
    "iw": "he",
    "hin": "hi",
    "ind": "id",
    "in": "id",
    "ji": "yi",
    "ces": "cs",
    "cze": "cs",
    "hun": "hu",
    "ron": "ro",
    "rum": "ro",
    "vie": "vi",
    "tha": "th",
    "fas": "fa",
    "per": "fa",
    "cat": "ca",
    "srp": "sr",
    "hrv": "hr",
    "bul": "bg",
    "slk": "sk",
}
LANGUAGE_NAMES = {
    "en": "English", "fr": "French", "de": "German", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
    "ru": "Russian", "zh": "Chinese", "ja": "Japanese", "ko": "Korean", "ar": "Arabic", "nl": "Dutch",
    "pl": "Polish", "tr": "Turkish", "uk": "Ukrainian", "sv": "Swedish", "no": "Norwegian", "da": "Danish",
    "fi": "Finnish", "el": "Greek", "he": "Hebrew", "hi": "Hindi", "id": "Indonesian", "cs": "Czech",
    "hu": "Hungarian", "ro": "Romanian", "vi": "Vietnamese", "th": "Thai", "fa": "Persian", "ca": "Catalan",
}  # fmt: skip


def normalise_language(code: object) -> str | None:
    """An ISO 639-1 code from what a page declares: "en_IN", "en-gb", "EN", "eng", "zh-Hans-CN" -> the
    language alone; anything that is not a language tag gives None."""
    if not isinstance(code, str):
        return None
    match = re.match(r"^\s*([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]{1,8})*\s*$", code)
    if not match:
        return None
    base = match[1].lower()
    base = _LANGUAGE_ALIASES.get(base, base)
    return base if len(base) == 2 else None


def language_name(code: str | None) -> str:
    return LANGUAGE_NAMES.get(code or "", code or "unknown")


# Scripts that name their language outright; langdetect confuses Chinese with Korean on short texts.
_SCRIPTS = (
    ("ko", re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")),
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("zh", re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")),
)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language (the script for Chinese, Japanese and Korean, else
    langdetect made deterministic), or None when unsure."""
    sample = text[:3000]
    letters = sum(1 for ch in sample if ch.isalpha())
    if letters:
        counts = {code: len(pattern.findall(sample)) for code, pattern in _SCRIPTS}
        if counts["ko"] >= 0.2 * letters:
            return "ko"
        if counts["ja"] >= 0.05 * letters and counts["ja"] + counts["zh"] >= 0.3 * letters:
            return "ja"  # kana among the Han characters
        if counts["zh"] >= 0.3 * letters:
            return "zh"
    if len(re.findall(r"\w+", sample)) < 5:
        return None
    from langdetect import DetectorFactory, LangDetectException, detect_langs

    DetectorFactory.seed = 0
    try:
        best = detect_langs(sample)[0]
    except LangDetectException:
        return None
    return normalise_language(best.lang.split("-")[0]) if best.prob >= 0.6 else None


# ------------------------------------------------------------------------------------ titles, authors

_TITLE_SEPARATORS = re.compile(r"\s+(?:\||–|—|-|::|·|»)\s+")


def clean_title(title: str | None, site_names: tuple[str | None, ...] = ()) -> str | None:
    """Strip a site-name prefix or suffix ("Headline | Outlet", "Outlet - Headline") from a title."""
    if not title:
        return None
    title = re.sub(r"\s+", " ", html.unescape(title)).strip()  # "&#8216;" left in page metadata
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) > 1:
        names = {_loose(n) for n in site_names if n}
        if _loose(parts[-1]) in names or (len(parts[-1].split()) <= 4 and len(parts[0].split()) >= 4 and not names):
            parts = parts[:-1]
        elif _loose(parts[0]) in names:
            parts = parts[1:]
        title = " - ".join(parts) if parts else title
    return title or None


def _loose(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower().removeprefix("the "))


_AUTHOR_JUNK = re.compile(r"(https?://|@|\bwww\.|\d{3,}|\bfollow\b|\bemail\b)", re.IGNORECASE)
_AUTHOR_PREFIX = re.compile(
    r"^(?:(?:analysis|commentary|opinion|story|text|words|reporting|written|report|photos?|interview)\s+)?by:?\s+",
    re.IGNORECASE,
)
# Parts of a byline that are not a person: roles, desks, outlets, agencies, credentials.
_NOT_A_PERSON = re.compile(
    r"\b(?:wire|news|agency|press|staff|desk|service|media|reporters?|correspondents?|bureau|newsroom|"
    r"editors?|editor-at-large|writers?|columnist|contributors?|contributing|team|online|digital|times|post|"
    r"herald|tribune|gazette|journal|business|magazine|daily|weekly|radio|tv|network|insider|blog|\.com)\b",
    re.IGNORECASE,
)
_CREDENTIAL = re.compile(r"^(?:[A-Z]{1,4}|Ph\.?D\.?|M\.?D\.?|Jr\.?|Sr\.?)$")


def clean_author(author: str | None, site_names: tuple[str | None, ...] = ()) -> str | None:
    """The people of a byline: "By TOM ROE and Jane Doe, AP Writer" -> "Tom Roe; Jane Doe".

    Roles, desks, outlet and agency names and credentials are dropped; a byline that names no person
    ("Reuters", "BBC News") gives None.
    """
    if not author:
        return None
    from rashomon.ingest.credits import split_byline

    authors, _place, _editors = split_byline(html.unescape(author))  # only the people who wrote it
    text = re.sub(r"\s+", " ", "; ".join(authors)).strip(" ,;|")
    text = _AUTHOR_PREFIX.sub("", text)
    parts = [p.strip(" ,;|") for p in re.split(r"\s*(?:;|\||\band\b|&|,)\s*", text) if p.strip(" ,;|")]
    loose_sites = {_loose(s) for s in site_names if s}
    people: list[str] = []
    for part in parts:
        part = _AUTHOR_PREFIX.sub("", part)
        if (
            _AUTHOR_JUNK.search(part)
            or len(part) > 60
            or _loose(part) in loose_sites
            or _CREDENTIAL.match(part)
            or _NOT_A_PERSON.search(part)
            or is_known_agency(part)
            or not re.search(r"[A-Za-zÀ-ÿ]", part)
            or any(is_known_agency(w) and w.isupper() for w in part.split())
        ):
            continue
        if part.isupper():
            part = " ".join(w.capitalize() if len(w) > 1 else w for w in part.split())
        if part not in people:
            people.append(part)
    if any(len(p.split()) >= 2 for p in people):
        people = [p for p in people if len(p.split()) >= 2]
    return "; ".join(people) or None
