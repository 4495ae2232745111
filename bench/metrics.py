"""The Article Extraction Benchmark's body metric, and a loader for its pages.

Replicates ``evaluate.py`` of scrapinghub/article-extraction-benchmark (MIT):

* tokens are ``\\w+`` runs (Unicode); the benchmark does **not** lowercase them (its regex carries
  ``re.IGNORECASE``, which changes nothing for ``\\w+``), so neither does this module;
* shingles are 4-token windows, counted as a multiset; a text of 1-3 tokens gives one short shingle,
  an empty text none;
* per page, TP/FP/FN are the multiset overlaps, normalised by their sum; precision is averaged only
  over pages whose prediction has shingles (``tp + fp > 0``), recall only over pages whose truth has
  shingles (``tp + fn > 0``); F1 is the harmonic mean of the two averages.

The benchmark's bootstrap confidence intervals are not reproduced. The third-party pages are read at
run time from the shared data directory and never copied into the repository.
"""

from __future__ import annotations

import gzip
import json
import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

NGRAM_N = 4
_TOKEN_RE = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True, slots=True)
class Page:
    """One benchmark page: raw HTML, the annotated article body and the page URL."""

    id: str
    html: str
    truth: str
    url: str


def tokenize(text: str) -> list[str]:
    """Split text into ``\\w+`` tokens, case kept, as the benchmark does."""
    return _TOKEN_RE.findall(text or "")


def shingles(text: str, n: int = NGRAM_N) -> Counter[tuple[str, ...]]:
    """Multiset of n-token shingles; a short non-empty text yields one shorter shingle."""
    tokens = tokenize(text)
    grams = (tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))
    return Counter(g for g in grams if g)


def shingle_counts(pred: str, truth: str, n: int = NGRAM_N) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) of the prediction's shingles against the truth's."""
    true_sh, pred_sh = shingles(truth, n), shingles(pred, n)
    tp = float(sum((true_sh & pred_sh).values()))
    fp = float(sum((pred_sh - true_sh).values()))
    fn = float(sum((true_sh - pred_sh).values()))
    total = tp + fp + fn
    if total > 0:
        return tp / total, fp / total, fn / total
    return tp, fp, fn


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def shingle_prf(pred: str, truth: str) -> tuple[float, float]:
    """Per-page (precision, recall) over 4-word shingles.

    A side the benchmark leaves out of its average is ``nan``: precision when the prediction has no
    shingles (empty extraction), recall when the truth has none.
    """
    tp, fp, fn = shingle_counts(pred, truth)
    precision = _precision(tp, fp, fn) if tp + fp > 0 else math.nan
    recall = _recall(tp, fp, fn) if tp + fn > 0 else math.nan
    return precision, recall


def corpus_f1(pairs: list[tuple[str, str]]) -> dict[str, float]:
    """Benchmark scores of ``(pred, truth)`` pairs: mean precision, mean recall, F1 of the means, pages."""
    scores = [shingle_prf(pred, truth) for pred, truth in pairs]
    precisions = [p for p, _ in scores if not math.isnan(p)]
    recalls = [r for _, r in scores if not math.isnan(r)]
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "pages": len(pairs)}


def load_scrapinghub(root: Path) -> list[Page]:
    """Read ``ground-truth.json`` and ``html/<id>.html.gz`` under *root*, sorted by page id."""
    root = Path(root)
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        with gzip.open(root / "html" / f"{page_id}.html.gz", "rt", encoding="utf-8") as fh:
            html = fh.read()
        entry = truth[page_id]
        pages.append(Page(page_id, html, entry.get("articleBody") or "", entry.get("url") or ""))
    return pages
