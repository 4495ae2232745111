"""Clean text and Markdown scrapes of news pages.

A scrape is what a crawler dumps when it turns a whole page into text: navigation crumbs, the headline,
a standfirst, photo credits and captions (often repeated), a byline, a date line, the body (sometimes
broken mid-sentence), share and subscribe lines, "Related articles" lists and an "Original url:" trailer.
There is no DOM, so every decision here is made from line shape: length, punctuation, the share of the
line that is link text, stopword density (jusText's signal for prose), list markers, repetition and
position relative to the body. The body is the best-scoring contiguous run of blocks, where prose
counts for it and boilerplate against it (a maximum-sum segment), so teaser paragraphs after a
"Related" list or a footer do not join it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rashomon.ingest.metadata import clean_author, parse_date

# ----------------------------------------------------------------------------------- line patterns

_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\((?:[^()\s]|\([^)]*\))*(?:\s+\"[^\"]*\")?\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^)]*\))*(?:\s+\"[^\"]*\")?\)")
_MD_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_MD_REF_DEF = re.compile(r"^\s*\[[^\]]+\]:\s*\S+.*$")
_AUTOLINK = re.compile(r"<(?:https?|mailto):[^>\s]+>")
_BARE_URL = re.compile(r"https?://\S+")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?!\w)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•·▪►]|\d{1,3}[.)])\s+")
_HTML_TAG = re.compile(r"</?(?:br|p|div|span|strong|em|b|i|a|u|small|sup|sub)\b[^>]*>", re.IGNORECASE)
_TRAILER_URL = re.compile(
    r"^\s*(?:original|source|canonical|article)?\s*(?:url|link|source)\s*(?:source)?\s*:\s*<?(https?://[^\s>]+)>?\s*$",
    re.IGNORECASE,
)
_JINA_FIELD = re.compile(r"^(Title|URL Source|Published Time|Markdown Content|Description)\s*:\s*(.*)$")
_BYLINE = re.compile(
    r"^\s*(?:by|written by|text by|words by|reporting by|story by)\s*:?\s+(?P<name>[^\n]{2,90})$",
    re.IGNORECASE,
)
_AUTHOR_FIELD = re.compile(r"^\s*(?:author|authors|byline)\s*:\s*(?P<name>.{2,90})$", re.IGNORECASE)
_DATE_LABEL = re.compile(
    r"^\s*(?:published|posted|updated|last updated|modified|date|first published|created)\s*(?:on|at)?\s*:?\s*",
    re.IGNORECASE,
)
_RELATIVE_TIME = re.compile(
    r"^\s*(?:(?:updated|published|posted)\s+)?\d+\s+(?:minutes?|hours?|days?)\s+ago\s*$", re.IGNORECASE
)
_TIME_ONLY = re.compile(r"^\s*\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{2,4})?\s*$", re.IGNORECASE)

# Photo credits and captions. A credit is short and starts or ends with a credit mark; a caption
# describes the picture ("pictured", "seen here", "(file photo)").
_CREDIT = re.compile(
    r"^\s*(?:photo(?:graph)?s?|image|picture|pic|illustration|credit|video|graphic|foto|фото)\b"
    r"\s*(?:credit|by)?\s*[:©/|\-–—]?\s*\S",
    re.IGNORECASE,
)
_CREDIT_TAIL = re.compile(
    r"(?:\(|/|\||\bphoto:?\s|©|\bcredit:?\s)\s*(?:[\w .&'’\-]*\s)?(?:getty images|afp|ap photo|reuters|"
    r"shutterstock|epa|alamy|pa wire|pa images|bloomberg|xinhua|tass|anadolu|sipa|handout)[\w .)\-/]*$",
    re.IGNORECASE,
)
_CAPTION = re.compile(
    r"\b(?:pictured|\(pictured\)|photographed|seen (?:here|above|below|in this)|"
    r"in this (?:file )?(?:photo|image|picture)|"
    r"file photo|(?:photo|image|picture) (?:shows|taken)|left,|right,|center,|centre,|\(l\)|\(r\)|"
    r"(?:^|\s)above:|(?:^|\s)top:|(?:^|\s)below:)",
    re.IGNORECASE,
)

# Lines that are page furniture whatever the site: sharing, subscriptions, accounts, ads, cookies,
# comments, copyright. Matched on short lines only, so prose that mentions "newsletter" survives.
_FURNITURE = re.compile(
    r"^\s*(?:share(?: this(?: article| story| page)?)?|share on \w+|tweet|pin it|email|e-mail|print|"
    r"copy link|link copied|save|bookmark|subscribe\b.*|sign (?:up|in)\b.*|log ?in\b.*|log ?out|register\b.*|"
    r"follow us\b.*|follow\b.*\bon (?:twitter|x|facebook|instagram|telegram|linkedin)\b.*|like us on\b.*|"
    r"join (?:us|our)\b.*|newsletter\b.*|get (?:our|the) \w+ newsletter\b.*|advertisement|advert|ad|"
    r"sponsored(?: content)?|skip to (?:main )?content|skip (?:to )?navigation|jump to\b.*|menu|search|close|"
    r"back to top|top of page|next article|previous article|read (?:more|next|full story|the full story)\b.*|"
    r"continue reading\b.*|click here\b.*|load more|show more|see more|view (?:all|more|comments)\b.*|"
    r"comments?(?: \(\d+\))?|\d+ comments?|leave a comment|post a comment|add a comment|"
    r"(?:we use )?cookies?\b.*|accept(?: all)?(?: cookies)?|reject(?: all)?|manage (?:cookies|preferences)|"
    r"privacy (?:policy|settings)|terms (?:of (?:use|service))?(?: and conditions)?|contact us|about us|"
    r"all rights reserved\.?|copyright\b.*|©.*|\(c\) ?\d{4}.*|reprints?(?: & permissions)?|"
    r"listen to (?:this )?(?:article|story)\b.*|\d+ min(?:ute)?s? read|reading time\b.*|"
    r"(?:tags?|topics?|filed under|categories|category|keywords)\s*:.*|trending(?: now)?|watch(?: now| live)?|"
    r"download (?:the|our) app\b.*|get the app|open in app|more stories|more news|latest news|top stories|"
    r"editor'?s picks?|most (?:read|popular|viewed|shared)|you (?:may|might) also like|recommended(?: for you)?|"
    r"related(?: (?:articles?|stories|news|content|posts|coverage|topics))?:?|see also:?|also read:?|"
    r"more (?:from|on|about)\b.*|further reading:?|in (?:this|other) news:?|you might be interested in:?|"
    r"up next|what to read next|more in\b.*)\s*[.:!»›>]*\s*$",
    re.IGNORECASE,
)
# Headings that open a block of links or teasers that is not the article.
_SECTION_BREAK = re.compile(
    r"^\s*(?:related(?: (?:articles?|stories|news|content|posts|coverage|links|topics|reading))?|read more|"
    r"more (?:from|on|about|stories|news|in)\b.*|recommended(?: for you| reading| stories)?|"
    r"you (?:may|might) also like|"
    r"most (?:read|popular|viewed|shared)|trending(?: now| stories)?|see also|also read|further reading|"
    r"latest(?: news| stories)?|top stories|editor'?s picks?|popular|what to read next|up next|"
    r"comments?|discussion|join the (?:conversation|discussion)|sponsored(?: content| stories)?|"
    r"around the web|from (?:our|the) (?:partners|network)|promoted (?:stories|content)|advertisement|"
    r"footer|sign up for\b.*|newsletter\b.*|share this(?: article| story)?|follow us\b.*)\s*[:.!»›>]*\s*$",
    re.IGNORECASE,
)
_NAV_WORDS = {
    "home",
    "news",
    "all news",
    "latest",
    "world",
    "politics",
    "business",
    "economy",
    "sport",
    "sports",
    "opinion",
    "culture",
    "science",
    "tech",
    "technology",
    "health",
    "lifestyle",
    "entertainment",
    "video",
    "videos",
    "photos",
    "podcasts",
    "live",
    "local",
    "national",
    "international",
    "europe",
    "uk",
    "us",
    "u.s.",
    "asia",
    "africa",
    "americas",
    "middle east",
    "russia",
    "weather",
    "travel",
    "markets",
    "columns",
    "columnists",
    "editorial",
    "editorials",
    "analysis",
    "features",
    "feature",
    "interview",
    "society",
    "in depth",
    "breaking news",
    "top news",
    "main",
    "menu",
    "sections",
    "more",
    "en",
    "ru",
    "de",
    "fr",
    "es",
    "english",
    "русский",
    "subscribe",
    "log in",
    "sign in",
    "search",
    "newsletters",
    "archive",
}
_CRUMB_SEPARATOR = re.compile(r"\s(?:>|»|›|/|\||·|•)\s")
_TERMINAL = re.compile(r"[.!?…:;。！？]['\"”’»)\]」』]*$|[\"”’»」』]$")
_WORD = re.compile(r"\w+(?:['’]\w+)?", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
# Long paragraphs that are still page furniture: cookie and consent notices, subscription pitches,
# browser and ad-blocker warnings. Two or more of these terms in one paragraph mark it.
_BOILERPLATE_TERMS = re.compile(
    r"\b(?:cookies?|consent|privacy (?:policy|settings|overview|notice)|gdpr|javascript|ad ?blockers?|"
    r"your browser|newsletters?|subscri(?:be|ber|ption)s?|sign(?:ing)? up|log(?:ging)? in|"
    r"terms (?:of|and) (?:use|service|conditions)|"
    r"all rights reserved|copyright|opt[ -]out|third[- ]party|personal data|unsubscribe|inbox|"
    r"this (?:web)?site uses)\b",
    re.IGNORECASE,
)
_SENTENCE_END_QUOTE = re.compile(r"[.!?][\"”’»]?$")


@dataclass
class _Block:
    index: int
    raw: str
    text: str
    heading: int = 0
    list_item: bool = False
    link_share: float = 0.0
    words: int = 0
    kind: str = ""  # prose | short | heading | furniture | credit | caption | links | crumb | break | date | byline
    stop_share: float = 0.0


@dataclass
class ScrapeResult:
    """What a scrape yields: the clean body and the metadata found in its leftovers."""

    text: str
    title: str | None = None
    description: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None
    removed: list[tuple[str, str]] = field(default_factory=list)  # (kind, text) of what was dropped
    byline: str | None = None  # the byline as written (author, place, editors: ingest/credits.py)


def clean_scrape(
    content: str, *, markdown: bool | None = None, stopwords: frozenset[str] = frozenset(), trusted: bool = False
) -> ScrapeResult:
    """Split a text or Markdown scrape into clean body text and metadata.

    Args:
        content: the scrape as text.
        markdown: whether it is Markdown; guessed from its syntax when None.
        stopwords: lowercase stopwords of the text's language (jusText's lists); prose has many.
        trusted: the text is an extracted body already (a crawler's text field, a feed entry): keep every
            block but page furniture, credits, bylines and date lines; look for no title.
    """
    text = _normalise(content)
    if markdown is None:
        markdown = _looks_markdown(text)
    url, published, title_hint, text = _pull_header_fields(text)
    blocks = _split_blocks(text, markdown)
    for block in blocks:
        _classify(block, stopwords)
    result = ScrapeResult(text="", url=url, published=published)
    start, end = (0, len(blocks)) if trusted else _body_span(blocks)
    _read_header(blocks[:start], result, title_hint)
    body = [b for b in blocks[start:end] if b.kind in ("prose", "short", "heading")]
    # Metadata lines inside the body (a byline under the first paragraph, a date line) and
    # furniture are dropped; a caption inside the body is dropped too.
    dropped = [b for b in blocks[start:end] if b.kind not in ("prose", "short", "heading")]
    for b in dropped:
        if b.kind == "byline" and not result.author:
            result.author = clean_author(_byline_name(b.text))
            result.byline = _byline_name(b.text)
        elif b.kind == "date" and not result.published:
            result.published = parse_date(_DATE_LABEL.sub("", b.text))
        result.removed.append((b.kind, b.text))
    # What follows the body (credit lines, related links, footers) is kept in ``removed`` for the
    # extractor, which reads wire credit lines ("Reporting by ...") from it.
    result.removed.extend((b.kind, b.text) for b in blocks[end:])
    body = _drop_repeats(body, result)
    body = _trim_edges(body, result)
    paragraphs = _join_broken(body)
    result.text = "\n\n".join(paragraphs)
    if result.title and paragraphs and _same(result.title, paragraphs[0]):
        result.text = "\n\n".join(paragraphs[1:])
    return result


# ------------------------------------------------------------------------------------ normalisation


def _normalise(content: str) -> str:
    text = unicodedata.normalize("NFC", content)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\u00a0\u2007\u202f]", " ", text)
    text = re.sub(r"[\u200b-\u200d\u2060\ufeff]", "", text)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return text.strip("\n")


def _looks_markdown(text: str) -> bool:
    signals = (
        len(re.findall(r"^#{1,6}\s", text, re.M))
        + len(_MD_LINK.findall(text))
        + len(re.findall(r"\*\*[^*]+\*\*", text))
    )
    return signals >= 2


def _pull_header_fields(text: str) -> tuple[str | None, str | None, str | None, str]:
    """Remove url trailers and reader-service headers (Jina's "Title:/URL Source:"), keeping their values."""
    url = published = title = None
    kept = []
    lines = text.split("\n")
    in_header = True
    for i, line in enumerate(lines):
        match = _TRAILER_URL.match(line)
        if match:
            url = url or match[1].rstrip(").,")
            continue
        jina = _JINA_FIELD.match(line) if in_header and i < 12 else None
        if jina:
            key, value = jina[1], jina[2].strip()
            if key == "Title":
                title = value or None
            elif key == "URL Source":
                url = url or value or None
            elif key == "Published Time":
                published = parse_date(value)
            continue
        if line.strip():
            in_header = False
        kept.append(line)
    return url, published, title, "\n".join(kept)


def _strip_markdown(line: str) -> tuple[str, float]:
    """Markdown inline syntax removed; returns the text and the share of it that was link text."""
    line = _HTML_TAG.sub(" ", line)
    line = _MD_IMAGE.sub("", line)
    link_chars = sum(len(m[1]) for m in _MD_LINK.finditer(line))
    link_chars += sum(len(m[1]) for m in _MD_REF_LINK.finditer(line))
    line = _MD_LINK.sub(r"\1", line)
    line = _MD_REF_LINK.sub(r"\1", line)
    bare = _AUTOLINK.findall(line) + _BARE_URL.findall(line)
    line = _AUTOLINK.sub("", line)
    link_chars += sum(len(u) for u in bare)
    line = _BARE_URL.sub(lambda m: m[0] if link_chars == 0 else "", line) if not bare else _BARE_URL.sub("", line)
    for _ in range(2):
        line = _EMPHASIS.sub(lambda m: m[2] or m[3] or "", line)
    line = re.sub(r"^\s*>\s?", "", line)  # blockquote
    line = line.replace("\\", "") if "\\" in line and re.search(r"\\[*_\[\]#().!-]", line) else line
    text = re.sub(r"\s+", " ", line).strip()
    total = len(text) + sum(len(u) for u in bare)
    return text, min(1.0, link_chars / total) if total else (1.0 if link_chars else 0.0)


def _split_blocks(text: str, markdown: bool) -> list[_Block]:
    """Blocks: paragraphs separated by blank lines; list items, headings and short lines on their own."""
    blocks: list[_Block] = []
    raw_blocks = re.split(r"\n\s*\n", text)
    for raw in raw_blocks:
        lines = [ln for ln in raw.split("\n") if ln.strip() and not _MD_REF_DEF.match(ln)]
        if not lines:
            continue
        # Setext headings: "Title\n=====".
        if len(lines) == 2 and re.fullmatch(r"\s*(=+|-+)\s*", lines[1]) and markdown:
            lines = ["# " + lines[0] if lines[1].strip()[0] == "=" else "## " + lines[0]]
        groups = _group_lines(lines)
        for group in groups:
            _add_block(blocks, group)
    return blocks


def _group_lines(lines: list[str]) -> list[list[str]]:
    """Wrapped prose lines join into one block; list items, headings and short separate lines do not."""
    if len(lines) == 1:
        return [lines]
    lengths = [len(ln.strip()) for ln in lines]
    wrapped = (
        max(lengths[:-1]) <= 100
        and min(lengths[:-1]) >= 0.6 * max(lengths[:-1])
        and not any(_LIST_ITEM.match(ln) or _HEADING.match(ln) for ln in lines)
        and sum(lengths) > 120
    )
    if wrapped:
        return [[" ".join(ln.strip() for ln in lines)]]
    groups: list[list[str]] = []
    for ln in lines:
        starts_new = (
            not groups
            or _LIST_ITEM.match(ln)
            or _HEADING.match(ln)
            or _HEADING.match(groups[-1][-1])
            or (_LIST_ITEM.match(groups[-1][-1]) and not ln.startswith((" ", "\t")))
            or (_TERMINAL.search(groups[-1][-1].strip()) is None and len(groups[-1][-1].strip()) < 60)
            or (_TERMINAL.search(groups[-1][-1].strip()) is not None and len(groups[-1][-1].strip()) < 60)
            or len(ln.strip()) < 40
        )
        if starts_new:
            groups.append([ln])
        else:
            groups[-1].append(ln)
    return [[" ".join(x.strip() for x in g)] if len(g) > 1 else g for g in groups]


def _add_block(blocks: list[_Block], group: list[str]) -> None:
    raw = group[0] if len(group) == 1 else " ".join(group)
    heading = 0
    body = raw
    match = _HEADING.match(raw.strip())
    if match:
        heading = len(match[1])
        body = match[2]
    list_item = bool(_LIST_ITEM.match(body))
    if list_item:
        body = _LIST_ITEM.sub("", body, count=1)
    text, link_share = _strip_markdown(body)
    if not text and not link_share:
        return
    blocks.append(
        _Block(
            index=len(blocks),
            raw=raw,
            text=text,
            heading=heading,
            list_item=list_item,
            link_share=link_share,
            words=_size(text),
        )
    )


def _size(text: str) -> int:
    """Length in words; scripts written without spaces count two characters a word."""
    cjk = len(_CJK.findall(text))
    return len(_WORD.findall(_CJK.sub(" ", text))) + cjk // 2 if cjk else len(_WORD.findall(text))


# ----------------------------------------------------------------------------------- classification


def _classify(block: _Block, stopwords: frozenset[str]) -> None:
    text = block.text
    words = _WORD.findall(text.lower())
    block.stop_share = sum(1 for w in words if w in stopwords) / len(words) if words and stopwords else 0.0
    low = text.lower().strip(" :.")
    if (_BYLINE.match(text) and block.words <= 12 and not _TERMINAL.search(text.rstrip("*"))) or (
        _AUTHOR_FIELD.match(text) and block.words <= 12
    ):
        block.kind = "byline"
    elif not text or (block.link_share >= 0.6 and not _looks_quoted_prose(text)):
        block.kind = "links"
    elif _SECTION_BREAK.match(text) and block.words <= 8:
        block.kind = "break"
    elif _is_date_line(text):
        block.kind = "date"
    elif block.words <= 12 and (_FURNITURE.match(text) or _is_crumb(text, low)):
        block.kind = "crumb" if _is_crumb(text, low) else "furniture"
    elif block.words <= 15 and (_CREDIT.match(text) or _CREDIT_TAIL.search(text)) and not _quote_heavy(text):
        block.kind = "credit"
    elif block.words <= 60 and _CAPTION.search(text) and not _quote_heavy(text):
        block.kind = "caption"
    elif block.words <= 150 and len(_BOILERPLATE_TERMS.findall(text)) >= 2:
        block.kind = "furniture"
    elif block.heading:
        block.kind = "heading"
    elif block.list_item and block.words < 8:
        block.kind = "links" if block.link_share > 0.3 else "short"
    elif _is_prose(block, stopwords):
        block.kind = "prose"
    else:
        block.kind = "short"


def _looks_quoted_prose(text: str) -> bool:
    return len(text) > 200 and bool(_TERMINAL.search(text))


def _quote_heavy(text: str) -> bool:
    return text.count("“") + text.count('"') >= 2 and len(text.split()) > 8


def _is_date_line(text: str) -> bool:
    if len(text) > 70 or len(text.split()) > 10:
        return False
    if _RELATIVE_TIME.match(text) or _TIME_ONLY.match(text):
        return True
    stripped = _DATE_LABEL.sub("", text)
    parsed = parse_date(stripped)
    if not parsed or parsed.startswith("--"):
        return False
    leftover = re.sub(
        r"\b(?:\d{1,4}|[ap]\.?m\.?|[A-Z]{2,4}|GMT|UTC|at|on|am|pm|st|nd|rd|th|"
        r"jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|nov\w*|dec\w*|"
        r"mon\w*|tue\w*|wed\w*|thu\w*|fri\w*|sat\w*|sun\w*)\b|[\W_]",
        " ",
        stripped,
        flags=re.IGNORECASE,
    )
    return len(leftover.split()) <= 1


def _is_crumb(text: str, low: str) -> bool:
    if low in _NAV_WORDS:
        return True
    if _CRUMB_SEPARATOR.search(text) and not _TERMINAL.search(text) and len(text.split()) <= 10:
        parts = [p.strip().lower() for p in _CRUMB_SEPARATOR.split(text)]
        return all(len(p.split()) <= 3 for p in parts)
    return False


def _is_prose(block: _Block, stopwords: frozenset[str]) -> bool:
    """jusText's test for a good paragraph, with thresholds for scrapes: long enough, few links,
    many stopwords (when the language has a list), and sentence punctuation."""
    if block.link_share > 0.35:
        return False
    if block.words < 8:
        return False
    if stopwords and block.stop_share < 0.2 and block.words < 40 and not _CJK.search(block.text):
        return False
    return bool(_TERMINAL.search(block.text)) or block.words >= 15


# ------------------------------------------------------------------------------------ body and header

# Weights of the maximum-sum body segment. Prose counts by its words; boilerplate blocks are
# penalised so that the segment does not cross them to pick up teasers; section breaks ("Related",
# "Comments") are near-barriers. Set on scrapes of the Article Extraction Benchmark pages
# (bench/extraction --scrapes); rerun it after changing them.
_SCORE = {
    "prose": None,
    "short": 0.0,
    "heading": -1.0,
    "furniture": -6.0,
    "credit": -2.0,
    "caption": -3.0,
    "links": -8.0,
    "crumb": -6.0,
    "break": -60.0,
    "date": -1.0,
    "byline": -1.0,
}


def _block_score(block: _Block) -> float:
    if block.kind == "prose":
        return float(block.words)
    if block.kind == "short":
        return 1.0 if _TERMINAL.search(block.text) else -1.5
    if block.kind == "links":
        return -max(8.0, block.words * 1.0)
    return float(_SCORE[block.kind] or 0.0)


_COMMENTS = re.compile(
    r"^\s*(?:\d+\s+)?(?:comments?|responses?|replies|reader comments|leave a (?:comment|reply)|post a comment|"
    r"add a comment|join the (?:conversation|discussion)|discussion|what do you think\??)(?:\s*\(\d+\))?\s*:?\s*$"
    r"|\bon \w+ \d{1,2},? \d{4},? at \d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:said|says|wrote)\s*:?\s*$",
    re.IGNORECASE,
)


def _body_span(blocks: list[_Block]) -> tuple[int, int]:
    """The maximum-sum contiguous segment of block scores (Kadane), trimmed to start on prose.

    Reader comments are never the report: once a comments heading or a "Name on <date> at <time> said:"
    line has been seen after some prose, later blocks count against the body.
    """
    best_sum, best = float("-inf"), (0, 0)
    current, start = 0.0, 0
    seen_prose = 0
    in_comments = False
    for i, block in enumerate(blocks):
        score = _block_score(block)
        if block.kind == "prose":
            seen_prose += block.words
        if seen_prose >= 150 and block.words <= 15 and _COMMENTS.search(block.text):
            in_comments = True
        if in_comments:
            score = min(score, -0.5)
        if current <= 0:
            current, start = score, i
        else:
            current += score
        if current > best_sum:
            best_sum, best = current, (start, i + 1)
    start, end = best
    if best_sum <= 0:
        return len(blocks), len(blocks)
    while start < end and blocks[start].kind not in ("prose", "short"):
        start += 1
    # A short lead-in sentence right before the segment (a one-line first paragraph) belongs to it.
    while start > 0 and blocks[start - 1].kind == "prose":
        start -= 1
    return start, end


def _read_header(header: list[_Block], result: ScrapeResult, title_hint: str | None) -> None:
    """Title, standfirst, byline and date from the blocks before the body."""
    candidates: list[_Block] = []
    for block in header:
        if block.kind == "byline" and not result.author:
            result.author = clean_author(_byline_name(block.text))
            result.byline = _byline_name(block.text)
        elif block.kind == "date" and not result.published:
            result.published = parse_date(_DATE_LABEL.sub("", block.text))
        elif block.kind in ("heading", "short", "prose") and not _FURNITURE.match(block.text):
            candidates.append(block)
        result.removed.append((block.kind, block.text))
    if title_hint:
        result.title = title_hint
    headings = [b for b in candidates if b.heading]
    if not result.title and headings:
        top = min(b.heading for b in headings)
        # The last top-level heading before the body: site names come first on whole-page dumps.
        result.title = [b for b in headings if b.heading == top][-1].text
    if not result.title:
        plain = [
            b
            for b in candidates
            if 2 <= b.words <= 30 and not _TERMINAL.search(b.text.rstrip('”"’')) and b.kind != "crumb"
        ]
        plain = plain or [b for b in candidates if 2 <= b.words <= 30]
        if plain:
            result.title = plain[0].text
    if result.title:
        after = False
        for block in candidates:
            if block.text == result.title:
                after = True
                continue
            if after and block.words >= 6 and not block.heading:
                result.description = block.text
                break
    if result.title:
        result.title = result.title.strip(" *#") or None  # a heading of marks only ("# # #") names nothing


def _byline_name(text: str) -> str:
    match = _BYLINE.match(text) or _AUTHOR_FIELD.match(text)
    return match["name"] if match else text


def _drop_repeats(body: list[_Block], result: ScrapeResult) -> list[_Block]:
    """Drop a block whose words are (almost) all in another, longer body block: a caption or standfirst
    repeating the lead, a pull quote repeating a paragraph."""
    keep = []
    word_sets = [set(_WORD.findall(b.text.lower())) for b in body]
    for i, block in enumerate(body):
        words = word_sets[i]
        repeated = len(words) >= 6 and any(
            j != i and len(word_sets[j]) > len(words) and len(words & word_sets[j]) >= 0.85 * len(words)
            for j in range(len(body))
        )
        if repeated:
            result.removed.append(("repeat", block.text))
        else:
            keep.append(block)
    # Exact repeats: keep the first.
    seen: set[str] = set()
    unique = []
    for block in keep:
        key = block.text.lower()
        if key in seen and block.words > 2:
            result.removed.append(("repeat", block.text))
            continue
        seen.add(key)
        unique.append(block)
    return unique


def _trim_edges(body: list[_Block], result: ScrapeResult) -> list[_Block]:
    """Headings and unpunctuated short lines at the very end of the body are section furniture."""
    while body and (body[-1].kind == "heading" or (body[-1].kind == "short" and not _TERMINAL.search(body[-1].text))):
        result.removed.append((body[-1].kind, body[-1].text))
        body = body[:-1]
    while body and body[0].kind == "heading":
        result.removed.append((body[0].kind, body[0].text))
        body = body[1:]
    return body


def _join_broken(body: list[_Block]) -> list[str]:
    """Rejoin paragraphs a scrape broke mid-sentence: no closing punctuation, next starts lowercase."""
    paragraphs: list[str] = []
    for block in body:
        text = block.text
        if paragraphs and not block.heading and text[:1].islower() and not _TERMINAL.search(paragraphs[-1]):
            paragraphs[-1] = paragraphs[-1] + " " + text
        else:
            paragraphs.append(text)
    return paragraphs


def _same(a: str, b: str) -> bool:
    return re.sub(r"\W+", "", a.lower()) == re.sub(r"\W+", "", b.lower())
