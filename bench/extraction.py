"""Extraction benchmark: Rashomon's ingest against bare trafilatura, in one run.

    python bench/extraction.py [--limit N] [--repeat 3]

On the Article Extraction Benchmark pages (../shared/data/extraction/scrapinghub) it prints and writes to
bench/results/extraction.json:

* body F1 (the benchmark's 4-word-shingle metric) of Rashomon's HTML extraction and of bare
  ``trafilatura.extract`` on the same pages, and pages/s of each (best of --repeat interleaved runs,
  whole pipeline: Rashomon's time includes metadata, dateline and language detection);
* body F1 on text and Markdown *scrapes* rendered from the same pages (bench/scrapes.py), Rashomon's
  scrape cleaner against trafilatura run on the dump re-wrapped as HTML, and the raw dump;
* metadata exactness where the page declares it (JSON-LD / OpenGraph title, author, date, publisher or
  site name, language), for Rashomon and for trafilatura's own metadata;
* publication dates side by side with htmldate (``find_date``, extensive search, original date): the
  reference is the day the page itself declares (JSON-LD / OpenGraph / meta, in the page's own time
  zone); Rashomon's day as reported (the page's local day) and, to show what converting to UTC costs,
  the UTC day of the same instant.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import time
from pathlib import Path

import trafilatura
from htmldate import find_date

sys.path.insert(0, str(Path(__file__).resolve().parent))

from baselines import raw_dump, trafilatura_on_dump
from metrics import corpus_f1, load_scrapinghub
from rashomon.ingest import extract_document
from rashomon.ingest.html import parse_html, read_page_metadata
from rashomon.ingest.metadata import clean_author, clean_title, normalise_language, parse_date
from rashomon.records import RawDocument, published_instant
from rashomon.settings import Settings
from scrapes import DEFAULT_ROOT, to_markdown, to_text

RESULTS = Path(__file__).resolve().parent / "results"


def _ours(settings: Settings, kind: str, content: str, url: str | None) -> str:
    try:
        return extract_document(RawDocument(source="bench", kind=kind, content=content, url=url), settings).text
    except Exception:
        return ""


def _timed(fn, items) -> tuple[list[str], float]:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    out = [fn(item) for item in items]
    return out, time.perf_counter() - start


def _norm(value: str | None) -> str:
    return " ".join((value or "").lower().split())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if not (args.root / "ground-truth.json").exists():
        print(f"no benchmark data under {args.root}", file=sys.stderr)
        return 2
    pages = load_scrapinghub(args.root)[: args.limit]
    settings = Settings(min_text_chars=1)
    truths = [p.truth for p in pages]
    results: dict[str, object] = {"pages": len(pages)}

    # ---- HTML: ours vs bare trafilatura, interleaved timing
    best = {"rashomon": float("inf"), "trafilatura": float("inf")}
    outputs: dict[str, list[str]] = {}
    for _ in range(args.repeat):
        outputs["trafilatura"], t = _timed(lambda p: trafilatura.extract(p.html, url=p.url or None) or "", pages)
        best["trafilatura"] = min(best["trafilatura"], t)
        outputs["rashomon"], t = _timed(lambda p: _ours(settings, "html", p.html, p.url or None), pages)
        best["rashomon"] = min(best["rashomon"], t)
    html_scores = {}
    for name in ("rashomon", "trafilatura"):
        scores = corpus_f1(list(zip(outputs[name], truths, strict=True)))
        scores["pages_per_s"] = len(pages) / best[name]
        html_scores[name] = scores
    html_scores["speed_ratio"] = html_scores["rashomon"]["pages_per_s"] / html_scores["trafilatura"]["pages_per_s"]
    results["html"] = html_scores

    # ---- scrapes
    scrape_scores: dict[str, dict[str, object]] = {}
    for kind, render in (("markdown", to_markdown), ("text", to_text)):
        dumps = [render(p.html, p.url) if kind == "markdown" else render(p.html) for p in pages]
        ours = [_ours(settings, kind, d, None) for d in dumps]
        baseline = [trafilatura_on_dump(d) for d in dumps]
        scrape_scores[kind] = {
            "rashomon": corpus_f1(list(zip(ours, truths, strict=True))),
            "trafilatura_on_dump": corpus_f1(list(zip(baseline, truths, strict=True))),
            "raw_dump": corpus_f1(list(zip([raw_dump(d) for d in dumps], truths, strict=True))),
        }
    results["scrapes"] = scrape_scores

    # ---- metadata where declared
    fields = ("title", "author", "date", "outlet", "language")
    meta_counts = {f: {"declared": 0, "rashomon": 0, "trafilatura": 0} for f in fields}
    date_counts = {"pages": 0, "rashomon_local_day": 0, "rashomon_utc_day": 0, "htmldate": 0, "offset_stated": 0}
    for page in pages:
        try:
            declared = read_page_metadata(parse_html(page.html, "bench"))
            ours_article = extract_document(
                RawDocument(source="b", kind="html", content=page.html, url=page.url or None), settings
            )
        except Exception:
            continue
        bare = trafilatura.bare_extraction(page.html, url=page.url or None, with_metadata=True)
        # Bylines are compared as the people they name (roles, desks and "By" removed by the same
        # clean_author for the reference and both systems), so the figure measures which source each
        # system reads, not how it spells the byline.
        truth = {
            "title": _norm(clean_title(declared.title, (declared.site_name,))),
            "author": _norm(clean_author(declared.author)),
            "date": (declared.published or "")[:10],
            "outlet": _norm(html.unescape(declared.site_name or "")),
            "language": declared.language or "",
        }
        mine = {
            "title": _norm(ours_article.title),
            "author": _norm(ours_article.author),
            "date": (ours_article.published or "")[:10],
            "outlet": _norm(ours_article.outlet),
            "language": ours_article.language or "",
        }
        theirs = {
            "title": _norm(bare.title if bare else None),
            "author": _norm(clean_author(bare.author) if bare else None),
            "date": (parse_date(bare.date) or "")[:10] if bare and bare.date else "",
            "outlet": _norm(html.unescape(bare.sitename or "")) if bare else "",
            "language": normalise_language(bare.language) or "" if bare else "",
        }
        if truth["date"]:
            found = find_date(page.html, url=page.url or None, original_date=True, extensive_search=True)
            instant = published_instant(ours_article.published) or ""
            date_counts["pages"] += 1
            date_counts["offset_stated"] += int(bool(re.search(r"[+-]\d\d:\d\d$", declared.published or "")))
            date_counts["rashomon_local_day"] += int(mine["date"] == truth["date"])
            date_counts["rashomon_utc_day"] += int(instant[:10] == truth["date"])
            date_counts["htmldate"] += int((found or "")[:10] == truth["date"])
        for field_name, value in truth.items():
            if not value:
                continue
            meta_counts[field_name]["declared"] += 1
            meta_counts[field_name]["rashomon"] += int(mine[field_name] == value)
            meta_counts[field_name]["trafilatura"] += int(theirs[field_name] == value)
    results["metadata_exact"] = meta_counts
    results["dates"] = date_counts

    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "extraction.json").write_text(json.dumps(results, indent=2) + "\n")
    h = html_scores
    print(
        f"HTML body F1 on {len(pages)} pages: rashomon {h['rashomon']['f1']:.3f} "
        f"(P {h['rashomon']['precision']:.3f} R {h['rashomon']['recall']:.3f}) vs trafilatura "
        f"{h['trafilatura']['f1']:.3f} (P {h['trafilatura']['precision']:.3f} R {h['trafilatura']['recall']:.3f})"
    )
    print(
        f"speed: rashomon {h['rashomon']['pages_per_s']:.1f} pages/s vs trafilatura "
        f"{h['trafilatura']['pages_per_s']:.1f} pages/s (ratio {h['speed_ratio']:.2f}; overhead "
        f"{(1 / h['speed_ratio'] - 1) * 100:.0f} %)"
    )
    for kind, s in scrape_scores.items():
        print(
            f"{kind} scrapes F1: rashomon {s['rashomon']['f1']:.3f} | trafilatura on dump "
            f"{s['trafilatura_on_dump']['f1']:.3f} | raw dump {s['raw_dump']['f1']:.3f}"
        )
    for field_name, c in meta_counts.items():
        if c["declared"]:
            print(
                f"{field_name} exact where declared ({c['declared']} pages): rashomon "
                f"{c['rashomon'] / c['declared']:.3f} vs trafilatura {c['trafilatura'] / c['declared']:.3f}"
            )
    n = date_counts["pages"]
    if n:
        print(
            f"date (day the page declares, {n} pages, {date_counts['offset_stated']} with a UTC offset): "
            f"rashomon {date_counts['rashomon_local_day'] / n:.3f} (the same instants as UTC days "
            f"{date_counts['rashomon_utc_day'] / n:.3f}) vs htmldate {date_counts['htmldate'] / n:.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
