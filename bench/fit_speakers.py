"""Fit the weights of the pronoun-resolution evidence (analyse/speakers.py, PRONOUN_FEATURES).

    python bench/fit_speakers.py [--write] [--folds 5]

Data: PolNeAR train and dev articles (../shared/data/quotes/polnear; Newell, Margolin & Ruths, LREC 2018,
networkdynamics/PolNeAR) with Rashomon's own speaker annotations of their pronoun sources
(bench/gold/polnear_speakers_train.jsonl and polnear_speakers.jsonl: offsets and names only). Each
article is analysed as Rashomon does; every pronoun whose span overlaps an annotated source gives its
candidates (the people of the last paragraphs) with their evidence, a candidate being right when its name
matches the annotated speaker.
A pairwise logistic regression (right candidate's evidence minus each wrong one's) gives the weights; the
best-scoring candidate is the answer.

Cross-validation: folds across articles (every candidate of an article in one fold); accuracy where the
right person is among the candidates, against the hand-set weights of the earlier rule (the incumbent) on
the same rows, mean and spread over folds. Since the dev annotations are fitted on too, bench/quotes.py's
speaker figure on dev is in-sample for the pronoun weights: this cross-validation is the figure to trust.
``--write`` fits on all rows and writes
src/rashomon/data/models/speakers.pronoun.v1.json. Results go to bench/results/speakers.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
POLNEAR = HERE.parents[1] / "shared" / "data" / "quotes" / "polnear"
# (split, annotations): Rashomon's own speaker annotations of PolNeAR train and dev articles.
SETS = (("train", HERE / "gold" / "polnear_speakers_train.jsonl"), ("dev", HERE / "gold" / "polnear_speakers.jsonl"))
MODEL = HERE.parent / "src" / "rashomon" / "data" / "models" / "speakers.pronoun.v1.json"
RESULTS = HERE / "results"
OPTIONS = {"C": 1.0}  # the regression's inverse regularisation strength (0.1, 1, 10 give 0.920-0.924)
# The earlier rule's hand-set weights, in the order of PRONOUN_FEATURES: the incumbent.
HAND_SET = (6.0, 4.0, 2.0, 5.0, 3.0, 0.0, 1.5, 0.0, 0.0, 0.0, -1.0, 0.0, 0.0)


def collect() -> list[dict]:
    """One choice per annotated pronoun the analysis resolves: {article, candidates: [(features, right)]}."""
    from quotes import _names_match
    from rashomon.analyse.core import analyse_doc, prepare
    from rashomon.analyse.nlp import load_model, model_name
    from rashomon.records import Article

    nlp = prepare(load_model())
    name = model_name(nlp)
    choices = []
    for split, gold in SETS:
        rows = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
        rows = [r for r in rows if r["source_kind"] == "pronoun" and r.get("speaker")]
        by_file: dict[str, list[dict]] = defaultdict(list)
        for row in rows:
            by_file[row["file"]].append(row)
        for file in sorted(by_file):
            text = (POLNEAR / split / "text" / file).read_text(encoding="utf-8")
            trace: list[dict] = []
            analyse_doc(nlp(text), Article(id=file, source=file, text=text), name, speaker_trace=trace)
            for row in by_file[file]:
                span = (row["source_start"], row["source_end"])
                entry = next((t for t in trace if min(t["span"][1], span[1]) > max(t["span"][0], span[0])), None)
                if entry is None:
                    continue  # the analysis found no quotation at this source
                candidates = [
                    (features, _names_match(person, row["speaker"]))
                    for person, features in entry["candidates"].values()
                ]
                choices.append({"article": f"{split}/{file}", "gold": row["speaker"], "candidates": candidates})
    return choices


def fit(choices: list[dict]) -> list[float]:
    """Pairwise ranking: for every choice, the right candidate's evidence minus each wrong one's, labelled 1
    (and the reverse, labelled 0); a logistic regression without intercept on these differences gives
    weights under which the right candidate tends to score highest."""
    from sklearn.linear_model import LogisticRegression

    x, y = [], []
    for choice in choices:
        right = [f for f, ok in choice["candidates"] if ok]
        wrong = [f for f, ok in choice["candidates"] if not ok]
        for r in right[:1]:
            for w in wrong:
                diff = [a - b for a, b in zip(r, w, strict=True)]
                x += [diff, [-d for d in diff]]
                y += [1, 0]
    model = LogisticRegression(C=OPTIONS["C"], fit_intercept=False, max_iter=2000)
    model.fit(x, y)
    return [float(w) for w in model.coef_[0]]


def by_evidence(choices: list[dict], weights: list[float], names: tuple[str, ...]) -> dict[str, list[int]]:
    """Accuracy by the evidence that weighed most for the chosen person: [right, chosen]."""
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for choice in choices:
        if not any(r for _, r in choice["candidates"]):
            continue
        best = max(choice["candidates"], key=lambda c: sum(w * v for w, v in zip(weights, c[0], strict=True)))
        evidence = max(range(len(names)), key=lambda k: weights[k] * best[0][k])
        out[names[evidence]][0] += int(best[1])
        out[names[evidence]][1] += 1
    return out


def accuracy(choices: list[dict], weights: list[float]) -> tuple[int, int]:
    """(right, choices where the right person is a candidate)."""
    right = reachable = 0
    for choice in choices:
        if not any(r for _, r in choice["candidates"]):
            continue
        reachable += 1
        best = max(choice["candidates"], key=lambda c: sum(w * v for w, v in zip(weights, c[0], strict=True)))
        right += int(best[1])
    return right, reachable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="fit on every row and write the packaged model")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--C", type=float, default=OPTIONS["C"])
    args = parser.parse_args(argv)
    OPTIONS["C"] = args.C
    if not all(gold.exists() for _, gold in SETS) or not POLNEAR.exists():
        print(f"needs {POLNEAR} and {', '.join(str(g) for _, g in SETS)}", file=sys.stderr)
        return 2
    from rashomon.analyse.speakers import PRONOUN_FEATURES, PronounModel

    incumbent = list(HAND_SET)  # the packaged weights are what --write replaces
    choices = collect()
    articles = sorted({c["article"] for c in choices})
    folds = [set(articles[k :: args.folds]) for k in range(args.folds)]
    fitted_scores, incumbent_scores = [], []
    evidence_counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for k, held in enumerate(folds):
        train = [c for c in choices if c["article"] not in held]
        test = [c for c in choices if c["article"] in held]
        weights = fit(train)
        right, n = accuracy(test, weights)
        for evidence, (ok, total) in by_evidence(test, weights, PRONOUN_FEATURES).items():
            evidence_counts[evidence][0] += ok
            evidence_counts[evidence][1] += total
        right0, n0 = accuracy(test, incumbent)
        fitted_scores.append(right / n if n else 0.0)
        incumbent_scores.append(right0 / n0 if n0 else 0.0)
        print(f"  fold {k + 1}: fitted {right}/{n}, incumbent {right0}/{n0}", file=sys.stderr)
    reachable = sum(1 for c in choices if any(r for _, r in c["candidates"]))
    results: dict[str, object] = {
        "annotated_pronouns_resolved": len(choices),
        "right_person_among_candidates": reachable,
        "articles": len(articles),
        "folds": args.folds,
        "fitted": {"mean": round(statistics.mean(fitted_scores), 4), "sd": round(statistics.stdev(fitted_scores), 4)},
        "incumbent": {
            "mean": round(statistics.mean(incumbent_scores), 4),
            "sd": round(statistics.stdev(incumbent_scores), 4),
        },
    }
    results["by_evidence"] = {
        k: {"right": v[0], "chosen": v[1], "accuracy": round(v[0] / v[1], 4)}
        for k, v in sorted(evidence_counts.items(), key=lambda kv: -kv[1][1])
    }
    print(
        f"pronouns: {len(choices)} annotated pronouns resolved in {len(articles)} articles, right person among the "
        f"candidates for {reachable}; accuracy there, {args.folds} folds across articles: fitted "
        f"{results['fitted']['mean']:.3f} ± {results['fitted']['sd']:.3f} vs the earlier hand-set weights "
        f"{results['incumbent']['mean']:.3f} ± {results['incumbent']['sd']:.3f}"
    )
    print("accuracy by the evidence that weighed most for the chosen person (held-out folds):")
    for evidence, row in results["by_evidence"].items():  # type: ignore[union-attr]
        print(f"  {evidence:28} {row['right']:>4}/{row['chosen']:<4} {row['accuracy']:.3f}")
    if args.write:
        weights = fit(choices)
        right, n = accuracy(choices, weights)
        meta = {
            "fitted": dt.date.today().isoformat(),
            "script": "bench/fit_speakers.py --write",
            "training_data": "PolNeAR train and dev articles (Newell, Margolin & Ruths 2018, networkdynamics/PolNeAR) "
            "with Rashomon's own speaker annotations of their pronoun sources (bench/gold/polnear_speakers*.jsonl)",
            "choices": n,
            "cross_validation": {k: results[k] for k in ("fitted", "incumbent", "folds")},
        }
        model = PronounModel(PRONOUN_FEATURES, tuple(weights), meta)
        MODEL.write_text(json.dumps(model.to_json(), indent=2) + "\n", encoding="utf-8")
        print(f"wrote {MODEL}: " + ", ".join(f"{n} {w:+.2f}" for n, w in zip(PRONOUN_FEATURES, weights, strict=True)))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "speakers.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
