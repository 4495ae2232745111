"""Articles from HTML pages: trafilatura for the body, JSON-LD and OpenGraph first for metadata.

trafilatura is the strongest open extractor for news bodies, but its metadata is weak (titles keep
the site name, authors are invented or truncated, no language), so the page's own declarations
(JSON-LD ``NewsArticle``, OpenGraph, ``<link rel=canonical>``, ``<html lang>``) are read first and
trafilatura's guesses fill only what they leave empty.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any

import trafilatura
from lxml import etree
from trafilatura.utils import load_html

from rashomon.errors import BadInput, SkipArticle
from rashomon.ingest.metadata import normalise_language, parse_date

logger = logging.getLogger(__name__)

_ARTICLE_TYPES = {
    "newsarticle",
    "article",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "blogposting",
    "liveblogposting",
    "report",
    "webpage",
    "scholarlyarticle",
    "techarticle",
    "socialmediaposting",
    "reviewnewsarticle",
    "askpublicnewsarticle",
    "posting",
}


@dataclass(frozen=True)
class PageMetadata:
    title: str | None = None
    site_name: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None
    description: str | None = None
    language: str | None = None
    source: str = ""  # which declaration gave the date: json-ld | opengraph | meta


@dataclass(frozen=True)
class HtmlExtraction:
    text: str
    meta: PageMetadata
    fallback: PageMetadata  # trafilatura's own guesses


def parse_html(html: str, source: str) -> Any:
    """Parse HTML as trafilatura does (its tree is the one its extraction is tuned on), once per page.

    Raises:
        BadInput: no markup at all, or nothing lxml can parse.
    """
    if "<" not in html[:5000]:
        raise BadInput(source, "not HTML: no markup found")
    tree = load_html(html)
    if tree is None:
        raise BadInput(source, "malformed HTML: the parser recovered no document")
    return tree


def extract_html(html: str, *, source: str, url: str | None = None) -> HtmlExtraction:
    """Body text and metadata of an HTML page.

    Raises:
        BadInput: not HTML or unparseable.
        SkipArticle: the page has no main text.
    """
    tree = parse_html(html, source)
    meta = read_page_metadata(tree)
    # Guesses only for what the page does not declare: trafilatura's metadata pass (and htmldate's
    # extensive search) cost as much as the body extraction, so they run only when needed.
    byline = None if meta.author else _visible_byline(tree)
    published = None
    if not meta.published:
        from htmldate import find_date

        found = find_date(tree, url=url or meta.url, extensive_search=True, original_date=True, outputformat="%Y-%m-%d")
        published = parse_date(found) if found else None
    document = trafilatura.bare_extraction(
        tree,
        url=url or meta.url,
        with_metadata=False,
        include_comments=False,  # reader comments are not the report
        include_tables=True,
        deduplicate=False,
    )
    if document is None or not (document.text or "").strip():
        raise SkipArticle(source, "no article text found in the HTML page")
    fallback = PageMetadata(author=byline, published=published, source="htmldate")
    return HtmlExtraction(text=_paragraphs(document.text), meta=meta, fallback=fallback)


def _paragraphs(text: str) -> str:
    """trafilatura separates blocks by single newlines; Rashomon's bodies separate paragraphs by blank lines."""
    lines = [re.sub(r"[ \t]+", " ", ln).strip() for ln in text.split("\n")]
    return "\n\n".join(ln for ln in lines if ln)


# --------------------------------------------------------------------------------------- metadata

_BYLINE_XPATH = etree.XPath(
    '//*[@rel="author" or @itemprop="author"] | //*[self::span or self::div or self::p or self::a or self::address]'
    '[contains(@class, "byline") or contains(@class, "author-name") or contains(@class, "author__name")]'
)


def _visible_byline(tree: Any) -> str | None:
    """A byline the page shows but does not declare in its metadata."""
    try:
        nodes = _BYLINE_XPATH(tree)
    except etree.XPathError:
        return None
    for node in nodes[:5]:
        inner = node.xpath('.//*[@itemprop="name"]')
        text = (inner[0] if inner else node).text_content()
        text = re.sub(r"\s+", " ", text).strip()
        if 3 <= len(text) <= 80 and not re.search(r"\d{4}|https?:", text):
            return text
    return None


def read_page_metadata(tree: Any) -> PageMetadata:
    """JSON-LD first, then OpenGraph / Twitter / DC.* / plain meta tags."""
    ld = _json_ld(tree)
    metas: dict[str, str] = {}
    for node in tree.iterfind(".//meta"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").strip().lower()
        value = (node.get("content") or "").strip()
        if key and value and key not in metas:
            metas[key] = value
    canonical = None
    for link in tree.iterfind(".//link"):
        if (link.get("rel") or "").lower() == "canonical" and link.get("href"):
            canonical = link.get("href").strip()
            break
    html_lang = normalise_language(tree.get("lang") or tree.get("xml:lang"))
    title_node = tree.find(".//title")
    html_title = title_node.text_content().strip() if title_node is not None else None

    published = None
    date_source = ""
    for value, origin in (
        (ld.get("datePublished"), "json-ld"),
        (metas.get("article:published_time"), "opengraph"),
        (metas.get("og:published_time") or metas.get("published_time"), "opengraph"),
        (
            metas.get("pubdate")
            or metas.get("publishdate")
            or metas.get("publish-date")
            or metas.get("date")
            or metas.get("dc.date.issued")
            or metas.get("dc.date")
            or metas.get("dcterms.created")
            or metas.get("sailthru.date")
            or metas.get("parsely-pub-date"),
            "meta",
        ),
        (ld.get("dateCreated"), "json-ld"),
    ):
        parsed = parse_date(value) if isinstance(value, str) else None
        if parsed and not parsed.startswith("--"):
            published, date_source = parsed, origin
            break
    return PageMetadata(
        title=_first_str(ld.get("headline"), metas.get("og:title"), metas.get("twitter:title"), html_title),
        site_name=_first_str(_name_of(ld.get("publisher")), metas.get("og:site_name"), metas.get("application-name")),
        author=_first_str(_authors(ld.get("author")), _meta_author(metas)),
        published=published,
        url=_first_str(ld.get("url") if isinstance(ld.get("url"), str) else None, canonical, metas.get("og:url")),
        description=_first_str(ld.get("description"), metas.get("og:description"), metas.get("description")),
        language=_first_str(
            _lang(ld.get("inLanguage")), html_lang, _lang(metas.get("og:locale")), _lang(metas.get("content-language"))
        ),
        source=date_source,
    )


def _json_ld(tree: Any) -> dict[str, Any]:
    """The first article-like object among the page's JSON-LD blocks (``@graph`` and lists included)."""
    for script in tree.iterfind(".//script"):
        if (script.get("type") or "").lower().strip() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        raw = re.sub(r"^\s*(?://)?<!\[CDATA\[|(?://)?\]\]>\s*$", "", raw)
        try:
            data = json.loads(raw)
        except ValueError:
            try:
                data = json.loads(re.sub(r"[\x00-\x1f]", " ", raw))
            except ValueError:
                logger.debug("skipping malformed JSON-LD block")
                continue
        for obj in _walk_ld(data):
            types = obj.get("@type")
            types = types if isinstance(types, list) else [types]
            if any(isinstance(t, str) and t.lower() in _ARTICLE_TYPES for t in types) and (
                obj.get("headline") or obj.get("datePublished") or obj.get("articleBody")
            ):
                return obj
    return {}


def _walk_ld(data: Any, depth: int = 0) -> list[dict[str, Any]]:
    if depth > 4:
        return []
    found: list[dict[str, Any]] = []
    if isinstance(data, list):
        for item in data:
            found.extend(_walk_ld(item, depth + 1))
    elif isinstance(data, dict):
        found.append(data)
        for key in ("@graph", "mainEntity", "itemListElement"):
            if key in data:
                found.extend(_walk_ld(data[key], depth + 1))
    return found


def _name_of(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        name = value.get("name")
        return name if isinstance(name, str) else None
    if isinstance(value, list) and value:
        return _name_of(value[0])
    return None


def _authors(value: Any) -> str | None:
    items = value if isinstance(value, list) else [value]
    names = [n for n in (_name_of(item) for item in items) if n and not n.startswith("http")]
    return "; ".join(dict.fromkeys(names)) or None


def _meta_author(metas: dict[str, str]) -> str | None:
    for key in ("author", "article:author", "dc.creator", "sailthru.author", "parsely-author", "byl"):
        value = metas.get(key)
        if value and not value.startswith("http"):
            return value
    return None


def _lang(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    return normalise_language(value)


def _first_str(*values: Any) -> str | None:
    for value in values:
        if isinstance(value, str) and value.strip():
            return re.sub(r"\s+", " ", value).strip()
    return None
