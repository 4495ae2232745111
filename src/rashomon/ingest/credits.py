"""Credits: bylines taken apart, and wire boilerplate removed from bodies by its shape.

A byline is more than a name: "Reporting by Jane Roe in Bengaluru; Editing by Tom Poe" names the author,
where she filed from, and the editor. Wire copy also ends with lines that are not the report: the credit
line itself, the agency's standards notice, the credit line of an embedded post ("— Name (@handle)
February 28, 2024") with the post's text above it. Left in the body they become claims in the outlet's
voice; here they are recognised by shape (not by outlet) and taken out, and the credit line's names are
kept as metadata.
"""

from __future__ import annotations

import re

# "Reporting by", "Writing by", "Editing by", "Additional reporting by", "Compiled by"...
_ROLE = re.compile(
    r"^\s*\(?\s*(?P<role>(?:additional\s+)?(?:reporting|writing|written|editing|edited|compiled|produced|"
    r"graphics|photos?|video|research|fact-?checking)(?:\s+and\s+\w+)?)\s+by\s*:?\s*",
    re.IGNORECASE,
)
_EDITOR_ROLES = ("editing", "edited", "compiled", "produced", "fact")
_AUTHOR_ROLES = ("reporting", "writing", "written")
# "Jane Roe in Bengaluru", "Jane Roe and Tom Poe in New York": the place the author filed from.
_FILED_FROM = re.compile(r"^(?P<names>.+?)\s+in\s+(?P<place>(?:[A-Z][\w'’.-]*)(?:[ -][A-Z][\w'’.-]*){0,3})\s*$")


def split_byline(text: str | None) -> tuple[list[str], str | None, list[str]]:
    """(author parts, place, editor parts) of a raw byline, names not yet cleaned.

    >>> split_byline("Reporting by Ana Lind in Lisk; Editing by Tom Poe")
    (['Ana Lind'], 'Lisk', ['Tom Poe'])
    """
    if not text:
        return [], None, []
    authors: list[str] = []
    editors: list[str] = []
    place = None
    segments = [s for s in re.split(r"\s*[;|\n]\s*", text.strip()) if s.strip()]
    for segment in segments:
        segment = segment.strip(" ()")
        match = _ROLE.match(segment)
        role = match["role"].lower() if match else "by"
        rest = segment[match.end() :] if match else segment
        rest = rest.strip(" .()")
        if role.startswith("additional") or role.startswith(("graphics", "photo", "video", "research")):
            continue  # contributors, not the report's authors
        if role.startswith(_EDITOR_ROLES):
            editors.append(rest)
            continue
        filed = _FILED_FROM.match(rest)
        if filed:
            rest, place = filed["names"], place or filed["place"]
        authors.append(rest)
    return authors, place, editors


# --------------------------------------------------------------------------------------- body lines

_CREDIT_LINE = re.compile(
    r"^\s*\(?\s*(?:(?:additional\s+)?(?:reporting|writing|editing|compiled|produced)(?:\s+and\s+\w+)?\s+by\b)"
    r"[^\n]{0,300}$",
    re.IGNORECASE,
)
_STANDARDS = re.compile(r"^\s*Our Standards\s*:[^\n]{0,120}$", re.IGNORECASE)
# "— Ana Lind (@analind) February 28, 2024" closing an embedded post (alone, or after the post's text).
_POST_CREDIT = re.compile(r"[—–-]{1,2}\s*[^\n()]{1,80}\(@\w{1,30}\)\s+[A-Z][a-z]+\.? \d{1,2}, \d{4}\s*$")
# A promo or navigation line: an all-caps call to action and the headline it points to ("WATCH: ...",
# "READ MORE: ...", "RELATED: ..."). Not a transcript line: its label is no speaker.
PROMO_LABELS = (
    "WATCH",
    "WATCH LIVE",
    "READ MORE",
    "READ",
    "MORE",
    "RELATED",
    "PHOTOS",
    "PHOTO",
    "VIDEO",
    "VIDEOS",
    "LISTEN",
    "GALLERY",
    "PODCAST",
    "SEE ALSO",
    "ALSO READ",
    "SIGN UP",
    "SUBSCRIBE",
    "CLICK HERE",
    "MUST WATCH",
    "MUST READ",
    "RECOMMENDED",
    "TRENDING",
    "FOLLOW",
    "ADVERTISEMENT",
)
_PROMO_LINE = re.compile(
    r"^\s*(?:" + "|".join(re.escape(label) for label in PROMO_LABELS) + r")\s*[:|»›>–—-]\s*[^\n]{0,200}$"
)
_POST_LINK = re.compile(r"pic\.twitter\.com/|https?://t\.co/|https?://(?:twitter|x)\.com/\w+/status/", re.IGNORECASE)


def strip_wire_lines(text: str) -> tuple[str, str | None]:
    """The body without credit lines, standards notices, promo lines ("WATCH: ...") and embedded posts; and
    the credit line, if any.

    Paragraphs are separated by blank lines. Only whole paragraphs of these shapes are removed.
    """
    paragraphs = text.split("\n\n")
    keep: list[str] = []
    credit = None
    for paragraph in paragraphs:
        if "\n" in paragraph.strip():  # lines of one paragraph: a promo line among them goes alone
            lines = paragraph.split("\n")
            paragraph = "\n".join(x for x in lines if not (_PROMO_LINE.match(x) and len(x.split()) <= 30))
        stripped = paragraph.strip()
        if not stripped:
            continue
        if _CREDIT_LINE.match(stripped) and len(stripped.split()) <= 40:
            credit = credit or stripped
            continue
        if _STANDARDS.match(stripped) or (_PROMO_LINE.match(stripped) and len(stripped.split()) <= 30):
            continue
        credit_at = _POST_CREDIT.search(stripped)
        if credit_at:
            # An embedded post: its text and credit in one paragraph, or its text just above (with its link).
            if credit_at.start() == 0 and keep and _POST_LINK.search(keep[-1]):
                keep.pop()
            continue
        if _POST_LINK.search(stripped) and len(stripped.split()) <= 60 and re.search(r"pic\.twitter\.com/", stripped):
            continue
        keep.append(paragraph)
    return "\n\n".join(keep), credit


def credit_line(lines: list[str]) -> str | None:
    """The first wire credit line ("Reporting by ...; Editing by ...") among lines a cleaner removed."""
    for line in lines:
        stripped = line.strip()
        if _CREDIT_LINE.match(stripped) and len(stripped.split()) <= 40:
            return stripped
    return None
