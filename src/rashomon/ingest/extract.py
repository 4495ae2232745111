"""RawDocument -> Article: body text and metadata, whatever the input format.

This module holds the one place where metadata from the different witnesses is ranked: the page's own
declarations (JSON-LD, OpenGraph), then what came with the input (feed entry, JSONL fields), then what the
url says, then trafilatura's and htmldate's guesses, then the dateline.
"""

from __future__ import annotations

import functools
import hashlib
import html
import re

from rashomon.errors import SkipArticle
from rashomon.ingest.credits import credit_line, split_byline, strip_wire_lines
from rashomon.ingest.fragments import fragment_text
from rashomon.ingest.html import extract_html
from rashomon.ingest.metadata import (
    canonical_url,
    clean_author,
    clean_title,
    date_from_url,
    detect_language,
    infer_year,
    normalise_language,
    outlet_for_url,
    parse_date,
    parse_dateline,
    url_domain,
)
from rashomon.ingest.scrape import clean_scrape
from rashomon.records import Article, Dateline, RawDocument
from rashomon.settings import Settings

_ISO_TO_JUSTEXT = {
    "af": "Afrikaans",
    "sq": "Albanian",
    "ar": "Arabic",
    "hy": "Armenian",
    "az": "Azerbaijani",
    "eu": "Basque",
    "be": "Belarusian",
    "bn": "Bengali",
    "bs": "Bosnian",
    "bg": "Bulgarian",
    "ca": "Catalan",
    "hr": "Croatian",
    "cs": "Czech",
    "da": "Danish",
    "nl": "Dutch",
    "en": "English",
    "et": "Estonian",
    "fi": "Finnish",
    "fr": "French",
    "gl": "Galician",
    "ka": "Georgian",
    "de": "German",
    "el": "Greek",
    "gu": "Gujarati",
    "he": "Hebrew",
    "hi": "Hindi",
    "hu": "Hungarian",
    "is": "Icelandic",
    "id": "Indonesian",
    "ga": "Irish",
    "it": "Italian",
    "kn": "Kannada",
    "kk": "Kazakh",
    "ko": "Korean",
    "lv": "Latvian",
    "lt": "Lithuanian",
    "mk": "Macedonian",
    "ms": "Malay",
    "ml": "Malayalam",
    "mr": "Marathi",
    "ne": "Nepali",
    "no": "Norwegian_Bokmal",
    "fa": "Persian",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sr": "Serbian",
    "sk": "Slovak",
    "sl": "Slovenian",
    "es": "Spanish",
    "sw": "Swahili",
    "sv": "Swedish",
    "tl": "Tagalog",
    "ta": "Tamil",
    "te": "Telugu",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "vi": "Vietnamese",
    "cy": "Welsh",
}


@functools.cache
def stopwords_for(language: str | None) -> frozenset[str]:
    """jusText's stopword list for an ISO 639-1 code (English when unknown)."""
    import justext

    name = _ISO_TO_JUSTEXT.get(language or "en", "English")
    try:
        return frozenset(w.lower() for w in justext.get_stoplist(name))
    except ValueError:
        return frozenset()


def content_hash(text: str) -> str:
    """SHA-256 of the body with whitespace and case folded: the identity of a text."""
    folded = re.sub(r"\s+", " ", text).strip().lower()
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def extract_document(raw: RawDocument, settings: Settings) -> Article:
    """Turn one raw input into an Article.

    Raises:
        BadInput: the input is malformed.
        SkipArticle: it holds no article text.
    """
    if _SURROGATE.search(raw.content) or any(_SURROGATE.search(v) for v in raw.hints.values()):
        raw = raw.replace(
            content=_valid_text(raw.content), hints={k: _valid_text(v) or "" for k, v in raw.hints.items()}
        )
    hints = raw.hints
    if raw.kind == "html":
        page = extract_html(raw.content, source=raw.source, url=raw.url)
        text = page.text
        meta, fallback = page.meta, page.fallback
        url = canonical_url(meta.url or hints.get("url") or raw.url or fallback.url)
        site = meta.site_name or fallback.site_name
        names = (site, hints.get("outlet"), outlet_for_url(url))
        title = clean_title(meta.title or hints.get("title") or fallback.title, names)
        byline = meta.author or hints.get("author") or fallback.author
        removed_credit = None
        published, published_from = _first_date(
            (meta.published, meta.source or "metadata"),
            (parse_date(hints.get("published")), "input"),
            (date_from_url(url), "url"),
            (fallback.published, "htmldate"),
        )
        description = meta.description or fallback.description
        language = normalise_language(meta.language or hints.get("language"))
    else:
        content = fragment_text(raw.content) if raw.kind == "fragment" else raw.content
        language = normalise_language(hints.get("language")) or (
            detect_language(content) if settings.language_detection else None
        )
        scrape = clean_scrape(
            content,
            markdown=True if raw.kind == "markdown" else False if raw.kind == "fragment" else None,
            stopwords=stopwords_for(language),
            trusted=raw.kind in ("fragment", "plain"),
        )
        text = scrape.text
        url = canonical_url(hints.get("url") or scrape.url or raw.url)
        site = None
        names = (hints.get("outlet"), outlet_for_url(url))
        title = clean_title(hints.get("title") or scrape.title, names)
        byline = hints.get("author") or scrape.byline or scrape.author
        removed_credit = credit_line([removed for _, removed in scrape.removed])
        published, published_from = _first_date(
            (parse_date(hints.get("published")), "input"),
            (scrape.published, "text"),
            (date_from_url(url), "url"),
        )
        description = scrape.description

    # Wire credit lines, standards notices and embedded posts are not the report; the credit line's
    # names complete the byline (ingest/credits.py).
    text, credit = strip_wire_lines(text.strip())
    credit = credit or removed_credit
    author, byline_place, editors = _byline(byline, credit, names)
    description = html.unescape(description) if description else None
    site = html.unescape(site) if site else None
    text = text.strip()
    if len(text) < settings.min_text_chars:
        raise SkipArticle(raw.source, f"too little article text ({len(text)} characters) after cleaning")
    if settings.language_detection and not language:
        language = detect_language(text)

    text, dateline, lead_in = _split_lead(text, title)
    if lead_in and not description:
        description = lead_in
    first_paragraph = text.split("\n\n", 1)[0]
    if dateline and dateline.date and dateline.date.startswith("--") and published:
        dateline = dateline.replace(date=published[:4] + dateline.date[1:])
    if not published and dateline and dateline.date:
        published, published_from = _date_from_dateline(dateline, first_paragraph, text)
        if published and dateline.date.startswith("--"):
            dateline = dateline.replace(date=published)

    outlet = (
        hints.get("outlet")
        or site
        or _known_outlet(url)
        or (dateline.agency if dateline and dateline.agency else None)
        or outlet_for_url(url)
    )
    author = _without_organisations(author, outlet, dateline)
    digest = content_hash(text)
    return Article(
        id=digest[:16],
        source=raw.source,
        text=text,
        url=url,
        title=title,
        outlet=outlet,
        author=author,
        editors=editors,
        byline_place=byline_place,
        published=published,
        language=language,
        dateline=dateline,
        description=description,
        kind=raw.kind,
        content_hash=digest,
        published_from=published_from if published else None,
    )


_SURROGATE = re.compile("[\ud800-\udfff]")


def _valid_text(value: str | None) -> str | None:
    """Text that can be stored and printed as UTF-8: lone surrogates (a JSON record's ``"\\udcff"``, a
    file name's undecodable byte) become U+FFFD."""
    return _SURROGATE.sub("\ufffd", value) if value else value


def _byline(
    byline: str | None, credit: str | None, names: tuple[str | None, ...]
) -> tuple[str | None, str | None, str | None]:
    """(author, place filed from, editors) from the page's byline and the body's credit line."""
    authors, place, editors = split_byline(byline)
    credit_authors, credit_place, credit_editors = split_byline(credit)
    author = clean_author("; ".join(authors), names) or clean_author("; ".join(credit_authors), names)
    place = place or credit_place
    edited_by = clean_author("; ".join(editors or credit_editors), names)
    return author, place, edited_by


def _first_date(*candidates: tuple[str | None, str]) -> tuple[str | None, str | None]:
    for value, origin in candidates:
        if value and not value.startswith("--"):
            return value, origin
    return None, None


def _known_outlet(url: str | None) -> str | None:
    """The outlet's name when the domain is in the table (not the bare domain)."""
    name = outlet_for_url(url)
    return name if name and name != url_domain(url) else None


def _date_from_dateline(dateline: Dateline, lead: str, text: str) -> tuple[str | None, str | None]:
    if not dateline.date:
        return None, None
    if not dateline.date.startswith("--"):
        return dateline.date, "dateline"
    # The dateline's first sentence after the dateline itself names the weekday when agencies write
    # "on Thursday"; only that sentence is used (later ones talk about other days).
    after = lead[len(dateline.text or "") :]
    first_sentence = re.split(r"(?<=[.!?])\s+", after, maxsplit=1)[0]
    year = infer_year(dateline.date, first_sentence, text)
    return (year, "dateline+weekday") if year else (None, None)


def _without_organisations(author: str | None, outlet: str | None, dateline: Dateline | None) -> str | None:
    """Bylines often append the agency or desk ("Jane Doe; Calder Business Wire"): keep the people."""
    if not author:
        return None
    orgs = {_loose(x) for x in (outlet, dateline.agency if dateline else None) if x}
    names = [n for n in author.split("; ") if _loose(n) not in orgs]
    return "; ".join(names) or None


def _loose(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _split_lead(text: str, title: str | None) -> tuple[str, Dateline | None, str | None]:
    """Drop a first paragraph that repeats the title; find the dateline in the first paragraphs.

    A dateline opens the lead, so paragraphs before it (a standfirst, a caption) are not body: they are
    returned as the lead-in.
    """
    paragraphs = text.split("\n\n")
    if title and len(paragraphs) > 1 and _loose(paragraphs[0]) == _loose(title):
        paragraphs = paragraphs[1:]
    for i, paragraph in enumerate(paragraphs[:3]):
        dateline = parse_dateline(paragraph)
        if dateline:
            lead_in = " ".join(paragraphs[:i]) or None
            return "\n\n".join(paragraphs[i:]), dateline, lead_in
    return "\n\n".join(paragraphs), None, None
