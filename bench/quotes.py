"""Quote benchmark on PolNeAR (dev): source, cue and content F1, exact and overlap; speaker resolution.

    python bench/quotes.py [--split dev] [--limit N]

Gold: ../shared/data/quotes/polnear/<split>/attributions/*.ann (brat standoff; one annotator's file per
article, the first by name when an article was annotated several times). Every predicted quotation gives
one (source, cue, content) triple of character spans; gold and predicted spans are matched one-to-one
per article and role:

* exact: same offsets after trimming surrounding whitespace and quote marks;
* overlap: the shared characters are at least 30 % of both the gold and the predicted span.

Published anchors on PolNeAR's test part (exact): CofeNet source 83.2, cue 75.3, content 72.9.

Speaker resolution is scored on bench/gold/polnear_speakers.jsonl (named speakers annotated for sources
written as pronouns or descriptions): for each gold source span, the predicted quotation whose source
span overlaps it; correct when its resolved speaker matches the annotated name (case-insensitive, surname
and first-name compatible). Results go to bench/results/quotes.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1] / "shared" / "data" / "quotes" / "polnear"
RESULTS = HERE / "results"
_TRIM = " \t\n\"'“”‘’.,;:"


def load_gold(split_dir: Path) -> dict[str, list[dict[str, list[tuple[int, int]]]]]:
    """Article file name -> list of relations {role: [spans]}."""
    chosen: dict[str, Path] = {}
    for ann in sorted((split_dir / "attributions").glob("*.ann")):
        stem = ann.stem.rsplit("_", 1)[0]
        chosen.setdefault(stem, ann)
    gold: dict[str, list[dict[str, list[tuple[int, int]]]]] = {}
    for stem, ann in chosen.items():
        text_file = split_dir / "text" / f"{stem}.txt"
        if not text_file.exists():
            continue
        spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
        relations = []
        for line in ann.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if parts[0].startswith("T") and len(parts) >= 2:
                kind, _, offsets = parts[1].partition(" ")
                pieces = [tuple(int(x) for x in piece.split()) for piece in offsets.split(";")]
                spans[parts[0]] = (kind, [(p[0], p[1]) for p in pieces])
            elif parts[0].startswith("E") and len(parts) >= 2:
                args = dict(arg.split(":", 1) for arg in parts[1].split() if ":" in arg)
                relation = {}
                for role in ("Source", "Cue", "Content"):
                    if role in args and args[role] in spans:
                        found = spans[args[role]][1]
                        relation[role] = [(min(s for s, _ in found), max(e for _, e in found))]
                relations.append(relation)
        gold[text_file.name] = relations
    return gold


def _trim(text: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end


def _match(gold: list[tuple[int, int]], pred: list[tuple[int, int]], exact: bool) -> int:
    used = set()
    hits = 0
    for g in gold:
        for i, p in enumerate(pred):
            if i in used:
                continue
            if exact:
                ok = g == p
            else:
                shared = max(0, min(g[1], p[1]) - max(g[0], p[0]))
                ok = shared >= 0.3 * (g[1] - g[0]) and shared >= 0.3 * (p[1] - p[0]) and shared > 0
            if ok:
                used.add(i)
                hits += 1
                break
    return hits


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4)}


def _names_match(predicted: str | None, gold: str) -> bool:
    if not predicted:
        return False
    a = predicted.lower().replace(".", "").split()
    b = gold.lower().replace(".", "").split()
    if not a or not b:
        return False
    if a[-1] != b[-1]:
        return " ".join(a) == " ".join(b)
    return len(a) == 1 or len(b) == 1 or a[0] == b[0] or a[0][0] == b[0][0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--split", default="dev")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args(argv)
    split_dir = args.root / args.split
    if not split_dir.exists():
        print(f"no PolNeAR data under {split_dir}", file=sys.stderr)
        return 2
    from rashomon.analyse.core import analyse_articles
    from rashomon.records import Article
    from rashomon.settings import Settings

    gold = load_gold(split_dir)
    names = sorted(gold)[: args.limit]
    texts = {n: (split_dir / "text" / n).read_text(encoding="utf-8") for n in names}
    articles = [Article(id=n, source=n, text=texts[n]) for n in names]
    started = time.perf_counter()
    analyses = {a.article.id: a.analysis for a in analyse_articles(articles, Settings())}
    elapsed = time.perf_counter() - started

    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for name in names:
        text = texts[name]
        relations = gold[name]
        quotes = analyses[name].quotes
        predicted = {
            "Source": [_trim(text, (q.speaker_start, q.speaker_end)) for q in quotes if q.speaker_start is not None],
            "Cue": [_trim(text, (q.cue_start, q.cue_end)) for q in quotes if q.cue_start is not None],
            "Content": [_trim(text, (q.start, q.end)) for q in quotes],
        }
        for role in ("Source", "Cue", "Content"):
            gold_spans = [_trim(text, s) for r in relations for s in r.get(role, [])]
            for mode in ("exact", "overlap"):
                counts[f"{role}/{mode}"]["tp"] += _match(gold_spans, predicted[role], exact=mode == "exact")
                counts[f"{role}/{mode}"]["pred"] += len(predicted[role])
                counts[f"{role}/{mode}"]["gold"] += len(gold_spans)
    results: dict[str, object] = {"split": args.split, "articles": len(names), "seconds": round(elapsed, 2)}
    for key, c in sorted(counts.items()):
        results[key] = _prf(c["tp"], c["pred"], c["gold"])

    # Speaker resolution on the annotated pronoun/description sources.
    gold_file = HERE / "gold" / "polnear_speakers.jsonl"
    resolved = total = found = 0
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    if gold_file.exists():
        rows = [json.loads(line) for line in gold_file.read_text().splitlines() if line.strip()]
        rows = [r for r in rows if r["split"] == args.split and r["file"] in analyses and r.get("speaker")]
        for row in rows:
            total += 1
            quotes = analyses[row["file"]].quotes
            span = (row["source_start"], row["source_end"])
            hit = next(
                (
                    q
                    for q in quotes
                    if q.speaker_start is not None and min(q.speaker_end, span[1]) > max(q.speaker_start, span[0])
                ),
                None,
            )
            ok = hit is not None and _names_match(hit.speaker, row["speaker"])
            resolved += ok
            found += hit is not None
            kind = row.get("source_kind", "other")
            by_kind[kind][0] += ok
            by_kind[kind][1] += 1
        results["speaker_resolution"] = {
            "annotated": total,
            "correct": resolved,
            "accuracy": round(resolved / total, 4) if total else None,
            "quote_found": found,
            "accuracy_where_found": round(resolved / found, 4) if found else None,
            "by_source_kind": {k: {"correct": v[0], "total": v[1]} for k, v in by_kind.items()},
        }

    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "quotes.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"PolNeAR {args.split}: {len(names)} articles in {elapsed:.1f} s")
    print(f"{'':10} {'exact P/R/F1':>24} {'overlap P/R/F1':>24}")
    for role in ("Source", "Cue", "Content"):
        e, o = results[f"{role}/exact"], results[f"{role}/overlap"]
        print(
            f"{role:10} {e['precision']:>8.3f}{e['recall']:>8.3f}{e['f1']:>8.3f} "
            f"{o['precision']:>8.3f}{o['recall']:>8.3f}{o['f1']:>8.3f}"
        )
    if total:
        print(
            f"speaker resolution: {resolved}/{total} = {resolved / total:.3f} of annotated sources; "
            f"{resolved}/{found} = {resolved / max(1, found):.3f} where the quote was found ({dict(by_kind)})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
