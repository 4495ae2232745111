"""Compare benchmark: claim alignment against the ECB+ gold set, and speed.

    python bench/compare.py [--thresholds 0.2,0.25,0.3,0.35]

* Alignment: bench/gold/ecbplus_claims.json annotates, for four ECB+ dev events, which sentences (lines)
  of different articles state the same fact ("same") or the same fact incompatibly ("conflict"). Rashomon
  compares each event's articles; every pair of statements from different articles that it puts in one
  claim group is a predicted alignment. Precision and recall over sentence pairs, for the default
  alignment threshold and a sweep of others; conflict detection is scored on the "conflict" pairs.
* Speed: the seed pair (../shared/seeds) compared warm, in-process (model loaded, one warm-up run), and a
  20-article event (the largest ECB+ event, cut to 20 articles), analysis included.

Results go to bench/results/compare.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ECB = HERE.parents[1] / "shared" / "data" / "clustering" / "ecbplus"
SEEDS = HERE.parents[1] / "shared" / "seeds"
RESULTS = HERE / "results"


def _articles(split: str, files: list[str]):  # type: ignore[no-untyped-def]
    from rashomon.records import Article

    out = []
    for name in files:
        lines = (ECB / split / name).read_text(encoding="utf-8").splitlines()
        text = "\n\n".join(line.replace("``", "“").replace("''", "”").strip() for line in lines if line.strip())
        out.append(Article(id=name, source=name, text=text, title=None))
    return out


def _line_of(text: str, start: int) -> int:
    """Line number (0-based, in the original file) of a character offset in the re-joined text."""
    return text[:start].count("\n\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--thresholds", default="0.25,0.3,0.4,0.45,0.5")
    args = parser.parse_args(argv)
    gold_file = HERE / "gold" / "ecbplus_claims.json"
    if not ECB.exists() or not gold_file.exists():
        print("no ECB+ data or gold file", file=sys.stderr)
        return 2
    from rashomon.analyse.core import analyse_articles
    from rashomon.compare import align as align_module
    from rashomon.compare.core import compare_event
    from rashomon.embeddings import available as embed_available
    from rashomon.records import Event, EventArticle
    from rashomon.settings import Settings

    settings = Settings()
    gold = json.loads(gold_file.read_text())
    analysed_events = []
    for event in gold["events"]:
        articles = _articles(event["split"], event["files"])
        items = list(analyse_articles(articles, settings))
        same = {frozenset(((a["a"][0], a["a"][1]), (a["b"][0], a["b"][1]))) for a in event["alignments"]}
        conflicts = {
            frozenset(((a["a"][0], a["a"][1]), (a["b"][0], a["b"][1])))
            for a in event["alignments"]
            if a["relation"] == "conflict"
        }
        analysed_events.append((event, items, same, conflicts))

    def score(
        threshold: float, embeddings: bool = True, weight: float | None = None, issues: bool = True
    ) -> dict[str, object]:
        saved = (
            align_module.ALIGN_THRESHOLD,
            align_module.USE_EMBEDDINGS,
            align_module.EMBEDDING_WEIGHT,
            align_module.ISSUE_LINKS,
            align_module.LEXICAL_ALIGN_THRESHOLD,
        )
        align_module.ISSUE_LINKS = issues
        align_module.ALIGN_THRESHOLD = threshold
        align_module.LEXICAL_ALIGN_THRESHOLD = threshold
        align_module.USE_EMBEDDINGS = embeddings
        if weight is not None:
            align_module.EMBEDDING_WEIGHT = weight
        try:
            tp = fp = fn = ctp = cfp = cfn = 0
            for event, items, same, conflicts in analysed_events:
                texts = {i.article.id: i.article.text for i in items}
                record = Event(
                    id=event["event"],
                    title=None,
                    articles=tuple(EventArticle(article_id=i.article.id, source=i.article.source) for i in items),
                )
                compared = compare_event(record, items)
                predicted, predicted_conflicts = set(), set()
                claim_start = {
                    f"{i.article.id}:{c.id}": (i.article.id, c.start) for i in items for c in i.analysis.claims
                }
                for group in compared.claims:
                    for a, b in group.conflicts:
                        (aid, astart), (bid, bstart) = claim_start[a], claim_start[b]
                        predicted_conflicts.add(
                            frozenset(((aid, _line_of(texts[aid], astart)), (bid, _line_of(texts[bid], bstart))))
                        )
                    located = []
                    for statement in group.statements:
                        claim = next(
                            c
                            for i in items
                            if i.article.id == statement.article_id
                            for c in i.analysis.claims
                            if c.id == statement.claim_id
                        )
                        located.append((statement.source, _line_of(texts[statement.article_id], claim.start)))
                    for x in range(len(located)):
                        for y in range(x + 1, len(located)):
                            if located[x][0] != located[y][0]:
                                predicted.add(frozenset((located[x], located[y])))
                tp += len(predicted & same)
                fp += len(predicted - same)
                fn += len(same - predicted)
                ctp += len(predicted_conflicts & conflicts)
                cfp += len(predicted_conflicts - conflicts)
                cfn += len(conflicts - predicted_conflicts)
        finally:
            (
                align_module.ALIGN_THRESHOLD,
                align_module.USE_EMBEDDINGS,
                align_module.EMBEDDING_WEIGHT,
                align_module.ISSUE_LINKS,
                align_module.LEXICAL_ALIGN_THRESHOLD,
            ) = saved
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        cp = ctp / (ctp + cfp) if ctp + cfp else 0.0
        cr = ctp / (ctp + cfn) if ctp + cfn else 0.0
        return {
            "threshold": threshold,
            "embeddings": embeddings and embed_available(),
            "issue_links": issues,
            "embedding_weight": weight if weight is not None else align_module.EMBEDDING_WEIGHT,
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "conflict_precision": round(cp, 4),
            "conflict_recall": round(cr, 4),
            "pairs_gold": tp + fn,
            "pairs_predicted": tp + fp,
        }

    results: dict[str, object] = {"default": score(align_module.ALIGN_THRESHOLD)}
    sweep = []
    for t in args.thresholds.split(","):
        sweep.append(score(float(t), embeddings=False))
        if embed_available():
            for w in (0.6, 0.8):
                sweep.append(score(float(t), embeddings=True, weight=w))
                sweep.append(score(float(t), embeddings=True, weight=w, issues=False))
    results["sweep"] = sweep
    d = results["default"]
    print(
        f"alignment on ECB+ gold (default: threshold {d['threshold']}, embeddings {d['embeddings']}): "
        f"P {d['precision']:.3f} R {d['recall']:.3f} F1 {d['f1']:.3f}; "
        f"conflicts P {d['conflict_precision']:.3f} R {d['conflict_recall']:.3f}"
    )
    for row in sweep:
        mode = f"embeddings w={row['embedding_weight']}" if row["embeddings"] else "lexical+entities"
        mode += "" if row["issue_links"] else ", no issue links"
        print(
            f"  threshold {row['threshold']} {mode}: P {row['precision']:.3f} R {row['recall']:.3f} F1 {row['f1']:.3f}"
        )

    # ---- speed
    from rashomon.pipeline import compare_sources

    if SEEDS.exists():
        compare_sources([str(SEEDS)], settings)  # warm-up: model load
        start = time.perf_counter()
        compare_sources([str(SEEDS)], settings)
        results["seed_pair_seconds_warm"] = round(time.perf_counter() - start, 3)
        print(f"seed pair, warm, in-process: {results['seed_pair_seconds_warm']:.2f} s")
    labels = json.loads((ECB / "train" / "labels.json").read_text())
    by_event: dict[str, list[str]] = {}
    for name, label in labels.items():
        by_event.setdefault(label["event"], []).append(name)
    biggest = max(by_event.values(), key=len)[:20]
    articles = _articles("train", sorted(biggest))
    start = time.perf_counter()
    items = list(analyse_articles(articles, settings))
    record = Event(
        id="big",
        title=None,
        articles=tuple(EventArticle(article_id=i.article.id, source=i.article.source) for i in items),
    )
    compare_event(record, items)
    results["event_20_articles_seconds"] = round(time.perf_counter() - start, 3)
    results["event_20_articles"] = len(articles)
    print(f"{len(articles)}-article event, analysis and compare: {results['event_20_articles_seconds']:.2f} s")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "compare.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
