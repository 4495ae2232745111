"""HTML fragments that are already the article (feed entry content): markup to paragraphs."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

_BLOCKS = {
    "p",
    "div",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "tr",
    "dd",
    "dt",
    "section",
    "article",
    "figcaption",
    "br",
    "ul",
    "ol",
    "table",
}
_DROP = {
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "object",
    "embed",
    "svg",
    "form",
    "button",
    "figure",
    "img",
    "video",
    "audio",
    "picture",
    "source",
    "nav",
    "aside",
}


def fragment_text(fragment: str) -> str:
    """Paragraph text of an HTML fragment: one paragraph per block element, blank lines between."""
    if not fragment or not fragment.strip():
        return ""
    if "<" not in fragment:
        return re.sub(r"[ \t]+", " ", fragment).strip()
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return re.sub(r"<[^>]+>", " ", fragment).strip()
    parts: list[str] = []
    _walk(root, parts)
    text = "".join(parts)
    paragraphs = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


def _walk(node: lxml.html.HtmlElement, parts: list[str]) -> None:
    tag = node.tag if isinstance(node.tag, str) else ""
    if tag in _DROP:
        if node.tail:
            parts.append(node.tail)
        return
    block = tag in _BLOCKS
    if block:
        parts.append("\n\n")
    if node.text:
        parts.append(node.text)
    for child in node:
        _walk(child, parts)
    if block:
        parts.append("\n\n")
    if node.tail:
        parts.append(node.tail)
