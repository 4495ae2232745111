"""Baselines for cleaning whole-page scrapes, scored with the Article Extraction Benchmark metric.

Run ``python bench/baselines.py [--root DIR] [--limit N]`` to print the corpus scores of:

* trafilatura on the original HTML (the incumbent, what a clean-from-HTML pipeline gets);
* the raw Markdown and text dumps, unchanged (the floor: everything a scraper keeps);
* trafilatura on each dump, re-wrapped as trivial HTML (what you get by feeding scrapes to it).
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parent))

from metrics import Page, corpus_f1, load_scrapinghub
from scrapes import DEFAULT_ROOT, to_markdown, to_text

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def trafilatura_on_html(html_doc: str, url: str, *, include_comments: bool = True) -> str:
    """Bare ``trafilatura.extract`` on the page HTML, default options (comments kept, as by default)."""
    return trafilatura.extract(html_doc, url=url or None, include_comments=include_comments) or ""


def dump_to_html(dump: str) -> str:
    """Wrap a text or Markdown dump as trivial HTML, one ``<p>`` per blank-line-separated paragraph."""
    paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(dump) if p.strip()]
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f"<html><head><meta charset='utf-8'></head><body>\n{body}\n</body></html>"


def trafilatura_on_dump(dump: str) -> str:
    """``trafilatura.extract`` (default options) on the dump re-wrapped by :func:`dump_to_html`."""
    if not dump.strip():
        return ""
    return trafilatura.extract(dump_to_html(dump)) or ""


def raw_dump(dump: str) -> str:
    """The dump unchanged: the no-cleaning floor."""
    return dump


def _score(pages: list[Page], fn: Callable[[int], str]) -> dict[str, float]:
    """Score one system, given as a function of the page index, and time it."""
    start = time.perf_counter()
    preds = [fn(i) for i in range(len(pages))]
    elapsed = time.perf_counter() - start
    scores = corpus_f1([(pred, page.truth) for pred, page in zip(preds, pages, strict=True)])
    scores["ms_per_page"] = 1000 * elapsed / max(1, len(pages))
    scores["empty"] = sum(1 for p in preds if not p.strip())
    return scores


def main(argv: list[str] | None = None) -> int:
    """Print precision, recall and F1 of every baseline on the benchmark pages."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="benchmark data directory")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages (by id)")
    args = parser.parse_args(argv)
    if not (args.root / "ground-truth.json").exists():
        parser.error(f"no benchmark data under {args.root}")
    pages = load_scrapinghub(args.root)[: args.limit]
    dumps = {
        "md": [to_markdown(p.html, p.url) for p in pages],
        "txt": [to_text(p.html) for p in pages],
    }
    systems: list[tuple[str, Callable[[int], str]]] = [
        ("trafilatura on HTML", lambda i: trafilatura_on_html(pages[i].html, pages[i].url)),
        (
            "  same, include_comments=False",
            lambda i: trafilatura_on_html(pages[i].html, pages[i].url, include_comments=False),
        ),
        ("raw markdown dump", lambda i: raw_dump(dumps["md"][i])),
        ("raw text dump", lambda i: raw_dump(dumps["txt"][i])),
        ("trafilatura on markdown dump", lambda i: trafilatura_on_dump(dumps["md"][i])),
        ("trafilatura on text dump", lambda i: trafilatura_on_dump(dumps["txt"][i])),
    ]
    print(f"{len(pages)} pages from {args.root}")
    print(f"{'system':<30} {'precision':>9} {'recall':>7} {'F1':>6} {'empty':>5} {'ms/page':>8}")
    for name, fn in systems:
        s = _score(pages, fn)
        print(
            f"{name:<30} {s['precision']:>9.3f} {s['recall']:>7.3f} {s['f1']:>6.3f} "
            f"{s['empty']:>5} {s['ms_per_page']:>8.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
