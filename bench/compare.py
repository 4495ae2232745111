"""Compare benchmark: claim alignment, conflicts and speed, against the incumbent aligner in the same run.

    python bench/compare.py [--folds 5] [--skip-cv]

* Alignment (bench/fit_pair_scorer.py's cross-validation, models fitted inside each fold, never on the
  held-out events): link precision, recall, F1, F0.5 and fact recall
  - on the ``news_ecb`` sentence links, ECB+ topics 1-35, folds across events (precision over pairs of
    annotated sentences, recall over all links), and
  - on the fully judged events of bench/gold/ecbplus_claims.json, leaving one event out,
  with and without sentence embeddings, against bench/aligner_v0.py (the incumbent) on the same events.
* Conflicts: bench/planted.py on the planted-conflict set (recall, share of reported conflicts that are
  planted, look-alikes reported), Rashomon's slot conflicts against the incumbent's.
* Speed: the seed pair (../shared/seeds) and a 20-article ECB+ event compared warm, in-process; the
  alignment step alone timed for the learned scorer and for the incumbent on the same claims.

MRPC and STS-B, named in the issue as second checks, are not on this machine (no network, not in
../shared/data): not measured. Results go to bench/results/compare.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
ECB = HERE.parents[1] / "shared" / "data" / "clustering" / "ecbplus"
SEEDS = HERE.parents[1] / "shared" / "seeds"
RESULTS = HERE / "results"


def alignment(folds: int) -> dict[str, object]:
    import fit_pair_scorer as fit
    from rashomon.compare.pairs import FEATURES, LEXICAL_FEATURES
    from rashomon.embeddings import available

    docs, links, annotated = fit.load()
    analysed = fit.analyse_all(docs)
    by_topic: dict[int, list] = defaultdict(list)
    for doc in sorted(analysed):
        by_topic[fit.topic_of(doc)].append(analysed[doc])
    out: dict[str, object] = {}
    modes = [("lexical", False, LEXICAL_FEATURES)]
    if available():
        modes.insert(0, ("embeddings", True, FEATURES))
    for label, embed, names in modes:
        topics = [fit.Topic(t, by_topic[t], docs, links, annotated, embed) for t in sorted(by_topic)]
        full = fit.gold_cross_validate(topics, fit.gold_events(embed), names, embed)
        news = fit.cross_validate(topics, names, folds, embed, label)
        out[label] = {"news_ecb": news, "fully_judged": full}
        for name, result in (("news_ecb", news), ("fully judged", full)):
            s, inc = result["scorer"], result["incumbent"]
            print(
                f"{label}, {name}: link F1 {s['f1']['mean']:.3f} ± {s['f1']['sd']:.3f} "
                f"(P {s['precision']['mean']:.3f}, R {s['recall']['mean']:.3f}, F0.5 {s['f05']['mean']:.3f}"
                + (f", facts found {s['fact_recall']['mean']:.3f}" if name == "news_ecb" else "")
                + f") vs incumbent {inc['f1']['mean']:.3f} ± {inc['f1']['sd']:.3f} "
                f"(P {inc['precision']['mean']:.3f}, R {inc['recall']['mean']:.3f}, F0.5 {inc['f05']['mean']:.3f})"
            )
    return out


def _ecb_articles(split: str, files: list[str]):  # type: ignore[no-untyped-def]
    from rashomon.records import Article

    out = []
    for name in files:
        lines = (ECB / split / name).read_text(encoding="utf-8").splitlines()
        text = "\n\n".join(line.replace("``", "“").replace("''", "”").strip() for line in lines if line.strip())
        out.append(Article(id=name, source=name, text=text, title=None, language="en"))
    return out


def speed() -> dict[str, float]:
    import aligner_v0
    from rashomon.analyse.core import analyse_articles
    from rashomon.compare.align import align_event
    from rashomon.compare.core import compare_event, event_refs
    from rashomon.events.build import make_event
    from rashomon.pipeline import cluster_sources
    from rashomon.settings import Settings

    settings = Settings()
    out: dict[str, float] = {}
    cases = []
    if SEEDS.exists():
        _events, analysed, _failures = cluster_sources([str(SEEDS)], settings)
        cases.append(("seed_pair", analysed))
    labels = json.loads((ECB / "train" / "labels.json").read_text())
    by_event: dict[str, list[str]] = defaultdict(list)
    for name, label in labels.items():
        by_event[label["event"]].append(name)
    biggest = sorted(max(by_event.values(), key=len))[:20]
    cases.append(("event_20_articles", list(analyse_articles(_ecb_articles("train", biggest), settings))))
    for name, items in cases:
        event = make_event("ev", [i.article for i in items], {})
        compare_event(event, items)  # warm: model and encoder loaded
        start = time.perf_counter()
        compare_event(event, items)
        out[f"{name}_compare_s"] = round(time.perf_counter() - start, 3)
        refs = event_refs(items)
        start = time.perf_counter()
        align_event(refs)
        out[f"{name}_align_s"] = round(time.perf_counter() - start, 3)
        start = time.perf_counter()
        aligner_v0.align(refs)
        out[f"{name}_align_incumbent_s"] = round(time.perf_counter() - start, 3)
        print(
            f"{name}: compare {out[f'{name}_compare_s']:.2f} s warm; alignment {out[f'{name}_align_s']:.2f} s vs "
            f"incumbent {out[f'{name}_align_incumbent_s']:.2f} s ({len(refs)} claims)"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--skip-cv", action="store_true", help="conflicts and speed only (the CV takes ~25 min)")
    args = parser.parse_args(argv)
    if not ECB.exists():
        print("no ECB+ data", file=sys.stderr)
        return 2
    import planted

    started = time.time()
    results: dict[str, object] = {}
    if not args.skip_cv:
        results["alignment"] = alignment(args.folds)
    results["conflicts"] = planted.run()
    for name in ("rashomon", "incumbent"):
        r = results["conflicts"][name]  # type: ignore[index]
        print(
            f"planted conflicts, {name}: recall {r['recall']:.3f} ({r['found']}/{r['planted']}), "
            f"{r['reported']} reported, {r['reported_real']} planted ones (precision {r['precision']:.3f}); "
            f"look-alikes reported {r['lookalikes_reported']}/{r['lookalikes']}"
        )
    results["speed"] = speed()
    results["seconds"] = round(time.time() - started, 1)
    RESULTS.mkdir(exist_ok=True)
    target = RESULTS / "compare.json"
    if args.skip_cv and target.exists():  # keep the last cross-validation
        previous = json.loads(target.read_text())
        if "alignment" in previous:
            results["alignment"] = previous["alignment"]
    target.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
