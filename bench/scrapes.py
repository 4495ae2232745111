"""Render whole HTML pages into the text and Markdown dumps that scrapers produce.

Scrapers and crawlers turn the *whole* page into text: menus, breadcrumbs, share lines, captions,
related links, cookie notices and footers stay mixed with the article. These renderers reproduce that,
deterministically, so Rashomon's scrape cleaner can be measured on real pages:

* :func:`to_markdown` — like html2text / Jina Reader / Firecrawl dumps, built with **html2text**
  (PyPI ``html2text``, the ``bench`` extra), unwrapped lines, ``#`` headings, ``[text](url)`` links,
  ``![alt](src)`` images, ``- `` bullets;
* :func:`to_text` — like ``lynx -dump`` / BeautifulSoup ``get_text("\\n")`` / newspaper-style dumps:
  one block element per paragraph, blank lines between blocks, no markup, link texts kept.

Both first drop what a reader of the rendered page never sees (scripts, styles, ``noscript``,
templates, SVG, iframes, comments, elements marked ``hidden`` or ``display:none``).

CLI: ``python bench/scrapes.py OUTDIR [--limit N] [--root DIR]`` writes ``<id>.md``, ``<id>.txt`` and
``<id>.truth.txt`` for each benchmark page into OUTDIR; keep OUTDIR outside the repository (e.g. /tmp),
the pages belong to their publishers.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import html2text
import lxml.html
from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent))

from metrics import load_scrapinghub

DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "shared" / "data" / "extraction" / "scrapinghub"

_INVISIBLE_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "canvas")
_DISPLAY_NONE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)

_BLOCK_TAGS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details"),
        *("dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "legend", "li", "main", "menu"),
        *("nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul"),
    }
)
_SKIP_TEXT_TAGS = frozenset({"select", "option", "textarea", "input", "img", "picture", "video", "audio"})
_CELL_TAGS = frozenset({"td", "th"})
_WS = re.compile(r"\s+")


def _clean_tree(html: str) -> etree._Element | None:
    """Parse *html* and drop the parts a browser does not show."""
    if not html or not html.strip():
        return None
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    for node in root.xpath("//comment() | //processing-instruction()"):
        _drop(node)
    doomed = list(root.iter(*_INVISIBLE_TAGS))
    doomed += [
        el
        for el in root.iter()
        if isinstance(el.tag, str)
        and el.tag not in ("html", "body")
        and (el.get("hidden") is not None or _DISPLAY_NONE.search(el.get("style") or ""))
    ]
    for node in doomed:
        _drop(node)
    return root


def _drop(node: etree._Element) -> None:
    """Remove *node* and its subtree but keep its tail text."""
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail
    if tail:
        prev = node.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(node)


def _tidy(text: str) -> str:
    """Strip trailing spaces and squeeze runs of blank lines to one."""
    lines = [line.rstrip() for line in text.splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def to_markdown(html: str, url: str = "") -> str:
    """Whole-page Markdown dump, as html2text / Jina Reader / Firecrawl produce it."""
    root = _clean_tree(html)
    if root is None:
        return ""
    converter = html2text.HTML2Text(baseurl=url)
    converter.body_width = 0  # reader services do not hard-wrap
    converter.unicode_snob = True
    converter.ul_item_mark = "-"
    converter.skip_internal_links = True
    converter.single_line_break = False
    cleaned = lxml.html.tostring(root, encoding="unicode", method="html")
    return _tidy(converter.handle(cleaned))


class _TextDumper:
    """Walk a cleaned tree and emit blocks of text, one block element per paragraph."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.buffer: list[str] = []

    def flush(self) -> None:
        """Close the current block."""
        lines = [_WS.sub(" ", line).strip() for line in "".join(self.buffer).split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            self.blocks.append(text)
        self.buffer = []

    def walk(self, el: etree._Element) -> None:
        """Emit *el*'s text, children and tail."""
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _SKIP_TEXT_TAGS:
            return
        block = tag in _BLOCK_TAGS
        if block:
            self.flush()
        elif tag == "br":
            self.buffer.append("\n")
        elif tag in _CELL_TAGS:
            self.buffer.append(" ")
        if el.text and tag:
            self.buffer.append(el.text)
        for child in el:
            self.walk(child)
            if child.tail:
                self.buffer.append(child.tail)
        if block:
            self.flush()
        elif tag in _CELL_TAGS:
            self.buffer.append(" ")


def to_text(html: str) -> str:
    """Whole-page plain-text dump, as lynx -dump / get_text / newspaper-style scrapers produce it."""
    root = _clean_tree(html)
    if root is None:
        return ""
    dumper = _TextDumper()
    title = root.findtext(".//title")
    if title and title.strip():
        dumper.blocks.append(_WS.sub(" ", title).strip())
    body = root.find("body")
    dumper.walk(body if body is not None else root)
    dumper.flush()
    return _tidy("\n\n".join(dumper.blocks))


def main(argv: list[str] | None = None) -> int:
    """Write Markdown and text dumps of the benchmark pages into OUTDIR."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path, help="where to write the dumps (outside the repository)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages (by id)")
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="benchmark data directory")
    args = parser.parse_args(argv)
    if not (args.root / "ground-truth.json").exists():
        parser.error(f"no benchmark data under {args.root}")
    args.outdir.mkdir(parents=True, exist_ok=True)
    pages = load_scrapinghub(args.root)[: args.limit]
    for page in pages:
        (args.outdir / f"{page.id}.md").write_text(to_markdown(page.html, page.url), encoding="utf-8")
        (args.outdir / f"{page.id}.txt").write_text(to_text(page.html), encoding="utf-8")
        (args.outdir / f"{page.id}.truth.txt").write_text(page.truth, encoding="utf-8")
    print(f"wrote {len(pages)} pages x 3 files to {args.outdir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
