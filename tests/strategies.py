"""Hypothesis strategies for the property tests: arbitrary text, and text built from the pieces news
reports are made of (datelines, bylines, dates, quote marks, Markdown), which reaches the rules far more
often than random characters do.

``RASHOMON_TEST_FUZZ=N`` multiplies every property test's example count by N for a local shake-out
(read once at import: the autouse fixture that clears RASHOMON_* variables runs later). The committed
counts keep the suite fast.
"""

from __future__ import annotations

import os

from hypothesis import strategies as st

FUZZ = max(1, int(os.environ.get("RASHOMON_TEST_FUZZ", "1") or "1"))

QUOTE_MARKS = "“”‘’\"'«»„‟"
# Punctuation, dashes, quote marks and the whitespace and control characters scrapes carry.
SPECIALS = QUOTE_MARKS + "—–-―:;,.!?…()[]{}/|#*_>@©\n\n\n \t\r\x00\x0b\x0c\x1c\x85\u2028\u00a0\u200b\ufeff"

FRAGMENTS = (
    # datelines
    "LISK, March 14 (MNA) — ",
    "WASHINGTON (Reuters) - ",
    "MOSCOW, December 6. /TASS/. ",
    "KYIV, Ukraine (AP) — ",
    "PARIS — ",
    "DUBLIN, Dec. 6, 2012 (Itar-Tass) -- ",
    "NEW YORK: ",
    # bylines
    "By A B and C D",
    "By TOM ROE and Jane Doe, AP Writer",
    "Reporting by X; Editing by Y",
    "Author: Jane Doe | Staff",
    "by ",
    # dates
    "2020-05-01T21:54:00-04:00",
    "2020-05-01",
    "Fri, 01 May 2020 21:54:00 -0400",
    "December 6, 2012",
    "6 Dec",
    "06.12.2012",
    "12/31/2019",
    "Published: ",
    "Updated 3 hours ago",
    " on Thursday",
    " last Sunday",
    " tomorrow",
    " in July",
    " in 2010",
    " December 6-7",
    # words around quotations
    " he said",
    " she told reporters",
    ", according to the ministry",
    " said: ",
    "Halvik said that ",
    " who said",
    " was quoted as saying ",
    "The minister ",
    "Teodor Halvik",
    " the spokeswoman",
    "PETROV: ",
    " ― Ana Petrov",
    # Markdown and page furniture
    "# Heading\n",
    "## Sub\n=====\n",
    "[link](http://example.com/2012/12/06/a)",
    "![img](x.png)",
    "**bold**",
    "- item\n",
    "1. item\n",
    "> quoted\n",
    "Title: Headline\n",
    "URL Source: https://example.com/a\n",
    "Original url: https://example.com/2020/05/01/story\n",
    "Photo: Reuters",
    "Share this article\n",
    "Related articles\n",
    "Home > World > Europe\n",
    "https://example.com/x",
    # separators
    " | Outlet",
    " - ",
    "\n\n",
    "\n",
    ". ",
    ", ",
    ": ",
    " ",
)

_PIECE = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.text(alphabet=SPECIALS, max_size=3),
    st.text(max_size=8),
    st.sampled_from(("The dam held.", "Ministers met", "Sarkany", "it", "we", "NRAWE", "the Authority")),
)

news_like = st.lists(_PIECE, max_size=40).map("".join)
"""Text assembled from news fragments, quote marks, punctuation and arbitrary snippets."""

any_text = st.one_of(st.text(), st.text(alphabet=SPECIALS), news_like)
"""Arbitrary unicode (control characters included), runs of marks and whitespace, or news-like text."""
