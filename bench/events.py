"""Event clustering benchmark on ECB+, with a TF-IDF + average-link baseline in the same run.

    python bench/events.py [--tune] [--scale 1000,10000,100000]

* analyses ECB+ train and dev once (cached under bench/results/.cache, outside git);
* with --tune: grid search of the clusterer's weights and threshold on train (B-cubed F1), and of the
  baseline's threshold on train;
* reports B-cubed P/R/F1 and ARI on dev for Rashomon (cluster.online_tfidf.v1) and the baseline, the
  topic-level B-cubed F1, articles/s of clustering (analysis excluded: it is the analyse stage's cost), and
* with --scale: the scaling curve (seconds and peak memory) on ECB+ features replicated with shifted dates.

Results go to bench/results/events.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import gzip
import itertools
import json
import math
import sys
import time
import tracemalloc
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1] / "shared" / "data" / "clustering" / "ecbplus"
RESULTS = HERE / "results"
CACHE = RESULTS / ".cache"


def load_split(split: str) -> tuple[list[tuple[str, str]], dict[str, dict[str, object]]]:
    folder = ROOT / split
    labels = json.loads((folder / "labels.json").read_text())
    docs = []
    for name in sorted(labels):
        lines = (folder / name).read_text(encoding="utf-8").splitlines()
        text = "\n\n".join(line.replace("``", "“").replace("''", "”").strip() for line in lines if line.strip())
        docs.append((name, text))
    return docs, labels


def analyse_split(split: str):  # type: ignore[no-untyped-def]
    """AnalysedArticle records of a split (cached)."""
    from rashomon.analyse.core import analyse_articles
    from rashomon.records import AnalysedArticle, Article
    from rashomon.settings import Settings

    CACHE.mkdir(parents=True, exist_ok=True)
    from rashomon.store.db import ANALYSIS_VERSION

    cache = CACHE / f"ecbplus-{split}-v{ANALYSIS_VERSION}.json.gz"  # redone when the analysis changes
    if cache.exists():
        return [AnalysedArticle.from_dict(d) for d in json.loads(gzip.decompress(cache.read_bytes()))]
    docs, _ = load_split(split)
    articles = [Article(id=name, source=name, text=text) for name, text in docs]
    analysed = list(analyse_articles(articles, Settings(), n_process=2, batch_size=32))
    cache.write_bytes(gzip.compress(json.dumps([a.to_dict() for a in analysed]).encode()))
    return analysed


# ------------------------------------------------------------------------------------------- metrics


def bcubed(pred: list[list[str]], gold: dict[str, str]) -> dict[str, float]:
    cluster_of = {doc: i for i, group in enumerate(pred) for doc in group}
    members: dict[int, set[str]] = defaultdict(set)
    for doc, c in cluster_of.items():
        members[c].add(doc)
    gold_members: dict[str, set[str]] = defaultdict(set)
    for doc, g in gold.items():
        gold_members[g].add(doc)
    p = r = 0.0
    docs = list(gold)
    for doc in docs:
        predicted = members[cluster_of[doc]]
        actual = gold_members[gold[doc]]
        shared = len(predicted & actual)
        p += shared / len(predicted)
        r += shared / len(actual)
    p, r = p / len(docs), r / len(docs)
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r), 4)}


def ari(pred: list[list[str]], gold: dict[str, str]) -> float:
    cluster_of = {doc: i for i, group in enumerate(pred) for doc in group}
    docs = list(gold)
    table = Counter((cluster_of[d], gold[d]) for d in docs)
    a = Counter(cluster_of[d] for d in docs)
    b = Counter(gold[d] for d in docs)

    def comb(n: int) -> float:
        return n * (n - 1) / 2

    index = sum(comb(n) for n in table.values())
    sum_a = sum(comb(n) for n in a.values())
    sum_b = sum(comb(n) for n in b.values())
    expected = sum_a * sum_b / comb(len(docs))
    maximum = (sum_a + sum_b) / 2
    return round((index - expected) / (maximum - expected), 4) if maximum != expected else 1.0


# ------------------------------------------------------------------------------------------- baseline


def baseline_clusters(docs: list[tuple[str, str]], threshold: float) -> list[list[str]]:
    """TF-IDF (word unigrams, log tf, smoothed idf) + average-link agglomerative clustering, stopped at a
    cosine threshold: the data README's baseline."""
    import re

    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import pdist

    tokens = [Counter(re.findall(r"[a-z0-9]+", text.lower())) for _, text in docs]
    df = Counter(t for counts in tokens for t in counts)
    vocab = {t: i for i, t in enumerate(df)}
    n = len(docs)
    matrix = np.zeros((n, len(vocab)))
    for row, counts in enumerate(tokens):
        for t, c in counts.items():
            matrix[row, vocab[t]] = (1 + math.log(c)) * (math.log((1 + n) / (1 + df[t])) + 1)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-12
    distances = pdist(matrix, metric="cosine")
    tree = linkage(distances, method="average")
    labels = fcluster(tree, t=1 - threshold, criterion="distance")
    groups: dict[int, list[str]] = defaultdict(list)
    for (name, _), label in zip(docs, labels, strict=True):
        groups[label].append(name)
    return list(groups.values())


# -------------------------------------------------------------------------------------------- tuning


def run_rashomon(features, params):  # type: ignore[no-untyped-def]
    from rashomon.events.cluster import cluster_features

    return cluster_features(features, params)


def tune(features, gold, base):  # type: ignore[no-untyped-def]
    grid = {
        "w_terms": [0.4, 0.5],
        "w_actors": [0.25, 0.35, 0.45],
        "w_places": [0.1, 0.2],
        "w_dates": [0.1, 0.2],
        "threshold": [0.16, 0.2, 0.24, 0.28],
    }
    best = (-1.0, base)
    for values in itertools.product(*grid.values()):
        params = dataclasses.replace(base, **dict(zip(grid, values, strict=True)))
        score = bcubed(run_rashomon(features, params), gold)["f1"]
        if score > best[0]:
            best = (score, params)
    return best


def measure_embeddings(splits, params):  # type: ignore[no-untyped-def]
    """Clustering with and without a sentence-embedding signal: weight and threshold picked on train,
    both reported on dev, with the time the embeddings cost."""
    from rashomon.embeddings import available
    from rashomon.events.cluster import attach_embeddings, lead_text

    if not available():
        print("embeddings not installed: skipped")
        return {"available": False}
    out: dict[str, object] = {"available": True}
    embedded = {}
    for split in ("train", "dev"):
        docs, _, features = splits[split]
        texts = dict(docs)
        start = time.perf_counter()
        embedded[split] = attach_embeddings(features, [lead_text(texts[f.article_id]) for f in features])
        out[f"{split}_embedding_seconds"] = round(time.perf_counter() - start, 2)
    train_gold = {k: v["event"] for k, v in splits["train"][1].items()}
    best = (-1.0, params)
    for weight in (0.1, 0.2, 0.3, 0.4):
        for threshold in (0.18, 0.2, 0.22, 0.25, 0.28, 0.32):
            candidate = dataclasses.replace(params, w_embedding=weight, threshold=threshold)
            f1 = bcubed(run_rashomon(embedded["train"], candidate), train_gold)["f1"]
            if f1 > best[0]:
                best = (f1, candidate)
    chosen = best[1]
    dev_gold = {k: v["event"] for k, v in splits["dev"][1].items()}
    with_emb = bcubed(run_rashomon(embedded["dev"], chosen), dev_gold)
    without = bcubed(run_rashomon(splits["dev"][2], params), dev_gold)
    out.update(
        {
            "w_embedding": chosen.w_embedding,
            "threshold": chosen.threshold,
            "train_b3_f1": best[0],
            "dev_with": with_emb,
            "dev_without": without,
        }
    )
    print(
        f"embeddings (w {chosen.w_embedding}, threshold {chosen.threshold}, picked on train F1 {best[0]:.3f}): "
        f"dev B3 F1 {with_emb['f1']:.3f} with vs {without['f1']:.3f} without; embedding time "
        f"{out['dev_embedding_seconds']} s for {len(splits['dev'][2])} articles"
    )
    return out


# ------------------------------------------------------------------------ cross-validation and checks

GRID = [round(0.10 + 0.02 * k, 2) for k in range(16)]  # 0.10 ... 0.40
BASE_GRID = [x / 100 for x in range(5, 60, 3)]


def evidence_rows(features, gold: dict[str, str], params):  # type: ignore[no-untyped-def]
    """Training rows for the article-to-event scorer: every article against its own gold event (itself left
    out; label 1) and against the other gold events the index offers as candidates (label 0: look-alike
    events of its topic among them)."""
    from rashomon.events.cluster import Clusterer

    clusterer = Clusterer(params)
    clusterer.observe(features)
    by_event: dict[str, list] = defaultdict(list)
    for f in features:
        by_event[gold[f.article_id]].append(f)
    ids = {}
    for number, (event, members) in enumerate(sorted(by_event.items()), 1):
        clusterer.seed(number, members)
        ids[number] = event
    rows, labels = [], []
    for f in features:
        vectors = clusterer._vectors(f)
        own = clusterer.assignment[f.article_id]
        clusterer._remove(f.article_id, vectors)
        for event_id in {own, *clusterer.candidates(f, vectors)}:
            event = clusterer.events[event_id]
            if not event.members:
                continue
            rows.append(clusterer.evidence(vectors, f, event))
            labels.append(int(event_id == own))
        clusterer._join(own, f, vectors)
    return rows, labels


def fit_weights(features, gold: dict[str, str], params):  # type: ignore[no-untyped-def]
    """Weights of the evidence (EVIDENCE) by logistic regression, scaled so that the four similarity
    weights (terms, actors, places, days) sum to 1 like the hand-set ones: the threshold keeps its scale
    and is chosen by clustering, as for the hand-set weights."""
    from sklearn.linear_model import LogisticRegression

    rows, labels = evidence_rows(features, gold, params)
    model = LogisticRegression(C=1.0, max_iter=2000).fit(rows, labels)
    c = [float(x) for x in model.coef_[0]]
    scale = (c[0] + c[1] + c[2] + c[4]) or 1.0
    w = [x / scale for x in c]
    return dataclasses.replace(
        params,
        w_terms=round(w[0], 4),
        w_actors=round(w[1], 4),
        w_places=round(w[2], 4),
        w_years=round(w[3], 4),
        w_dates=round(w[4], 4),
        w_place_clash=round(-w[5], 4),
        w_people_clash=round(-w[6], 4),
    )


def cross_validate(splits, folds: int, systems=None, baseline: bool = True, learned: bool = True) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Leave topics out on ECB+ topics 1-35 (train and dev together): each fold's threshold is the best on the
    other folds; B-cubed on the held-out topics. Rashomon with background statistics (the shipped setting),
    without them (the batch's own IDF, as before), and the TF-IDF + average-link baseline, in the same run."""
    import statistics

    from rashomon.events.cluster import ClusterParams

    docs = {name: text for split in splits.values() for name, text in split[0]}
    labels = {k: v for split in splits.values() for k, v in split[1].items()}
    features = {f.article_id: f for split in splits.values() for f in split[2]}
    topics = sorted({int(v["topic"]) for v in labels.values()})
    fold_of = {t: i % folds for i, t in enumerate(topics)}
    systems = systems or {
        "rashomon": ClusterParams(),
        "rashomon_batch_idf": dataclasses.replace(ClusterParams(), background_documents=0.0),
    }
    out: dict[str, object] = {"folds": folds, "topics": len(topics)}
    per_fold: dict[str, list[dict[str, float]]] = defaultdict(list)
    chosen: dict[str, list[float]] = defaultdict(list)
    learned_weights: list[dict] = []

    def members(k: int, held: bool) -> list[str]:
        return sorted(a for a, v in labels.items() if (fold_of[int(v["topic"])] == k) == held)

    def by_topic(names: list[str]) -> list[list[str]]:
        groups: dict[str, list[str]] = defaultdict(list)
        for name in names:
            groups[str(labels[name]["topic"])].append(name)
        return list(groups.values())

    for k in range(folds):
        train, test = members(k, False), members(k, True)
        gold = {a: labels[a]["event"] for a in labels}
        fold_systems = dict(systems)
        if learned:
            fold_systems["rashomon_learned"] = fit_weights(
                [features[a] for a in train], {a: gold[a] for a in train}, ClusterParams()
            )
            learned_weights.append(dataclasses.asdict(fold_systems["rashomon_learned"]))
        for name, base in fold_systems.items():

            def run(names: list[str], threshold: float, base=base) -> list[list[str]]:  # type: ignore[no-untyped-def]
                params = dataclasses.replace(base, threshold=threshold)
                return run_rashomon([features[a] for a in names], params)

            best = max(GRID, key=lambda t: bcubed(run(train, t), {a: gold[a] for a in train})["f1"])
            chosen[name].append(best)
            per_fold[name].append(bcubed(run(test, best), {a: gold[a] for a in test}))
        if not baseline:
            continue
        # The baseline clusters each topic's articles with all the others of the fold, like the others.
        best_base = max(
            BASE_GRID,
            key=lambda t: bcubed(baseline_clusters([(a, docs[a]) for a in train], t), {a: gold[a] for a in train})[
                "f1"
            ],
        )
        chosen["baseline_tfidf_average_link"].append(best_base)
        per_fold["baseline_tfidf_average_link"].append(
            bcubed(baseline_clusters([(a, docs[a]) for a in test], best_base), {a: gold[a] for a in test})
        )
        print(
            f"  fold {k + 1}: "
            + ", ".join(f"{n} F1 {per_fold[n][-1]['f1']:.3f} (threshold {chosen[n][-1]})" for n in per_fold),
            file=sys.stderr,
        )
    if learned_weights:
        out["learned_weights"] = [
            {
                k: w[k]
                for k in ("w_terms", "w_actors", "w_places", "w_years", "w_dates", "w_place_clash", "w_people_clash")
            }
            for w in learned_weights
        ]
    for name, scores in per_fold.items():
        out[name] = {
            metric: {
                "mean": round(statistics.mean(s[metric] for s in scores), 4),
                "sd": round(statistics.stdev(s[metric] for s in scores), 4),
            }
            for metric in ("precision", "recall", "f1")
        } | {"thresholds": chosen[name]}
    return out


def threshold_sweep(splits, params) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The shipped threshold is chosen on both kinds of data the issue names: ECB+ topics 1-35 (every topic,
    B-cubed F1) and the invented 2-3-outlet events (undated, all together, B-cubed F1, and each alone in
    one event); the threshold with the best mean of the two F1s wins."""
    from rashomon.events.cluster import cluster_features

    features = [f for split in splits.values() for f in split[2]]
    gold = {k: v["event"] for split in splits.values() for k, v in split[1].items()}
    invented, invented_gold, data = _invented_features(dated=False)
    rows = []
    for threshold in (0.16, 0.18, 0.2, 0.22, 0.24, 0.26):
        p = dataclasses.replace(params, threshold=threshold)
        ecb = bcubed(run_rashomon(features, p), gold)["f1"]
        alone = sum(len(cluster_features([invented[a["id"]] for a in e["articles"]], p)) == 1 for e in data["events"])
        together = bcubed(cluster_features(list(invented.values()), p), invented_gold)["f1"]
        rows.append(
            {
                "threshold": threshold,
                "ecb_f1": round(ecb, 4),
                "invented_alone": alone,
                "invented_f1": round(together, 4),
            }
        )
        print(
            f"threshold {threshold}: ECB+ 1-35 B3 F1 {ecb:.3f}; invented undated: alone one event {alone}/"
            f"{len(data['events'])}, together F1 {together:.3f}"
        )
    return {"rows": rows, "best": max(rows, key=lambda r: (r["ecb_f1"] + r["invented_f1"]) / 2)["threshold"]}


def _invented_features(dated: bool):  # type: ignore[no-untyped-def]
    from planted import PLANTED, articles_of
    from rashomon.analyse.core import analyse_articles
    from rashomon.events.cluster import features_of
    from rashomon.settings import Settings

    data = json.loads(PLANTED.read_text(encoding="utf-8"))
    articles = [article for event in data["events"] for article in articles_of(event, dated=dated)]
    gold = {a["id"]: event["id"] for event in data["events"] for a in event["articles"]}
    return {i.article.id: features_of(i) for i in analyse_articles(articles, Settings())}, gold, data


def invented_events(params) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The invented multi-outlet events of bench/gold/planted_conflicts.json (12 events, 2-3 outlets each,
    written for this project): each event's files alone must make one event, and all of them together the
    gold events; dated as written and with every date removed; with and without background statistics."""
    from rashomon.events.cluster import cluster_features

    out: dict[str, object] = {}
    for dated in (True, False):
        features, gold, data = _invented_features(dated)
        out["events"] = len(data["events"])
        batch_idf = dataclasses.replace(params, background_documents=0.0)
        for name, system in (("rashomon", params), ("rashomon_batch_idf", batch_idf)):
            alone = sum(
                len(cluster_features([features[a["id"]] for a in e["articles"]], system)) == 1 for e in data["events"]
            )
            together = cluster_features(list(features.values()), system)
            key = f"{name}/{'dated' if dated else 'undated'}"
            out[key] = {"alone_one_event": alone, **bcubed(together, gold), "events_found": len(together)}
            print(
                f"invented events ({'dated' if dated else 'undated'}), {name}: each alone one event {alone}/"
                f"{len(data['events'])}; all together B3 F1 {out[key]['f1']:.3f} ({len(together)} events)"
            )
    return out


def incremental_agreement(split_items, params) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The same articles (ECB+ dev) clustered in one batch and, through a store as `rashomon ingest` does,
    added one at a time in input order and in reverse: B-cubed of each incremental result against the batch
    result (1.0: the same events)."""
    import tempfile

    from rashomon.events import cluster_events
    from rashomon.events.incremental import assign_events
    from rashomon.ingest.extract import content_hash
    from rashomon.settings import Settings
    from rashomon.store import Store

    batch = cluster_events(split_items, params)
    batch_of = {a.article_id: e.id for e in batch for a in e.articles}
    out: dict[str, object] = {"articles": len(split_items), "batch_events": len(batch)}
    for order in ("input order", "reversed"):
        items = split_items if order == "input order" else list(reversed(split_items))
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(db=str(Path(tmp) / "incremental.db"), analyse_on_ingest=False)
            store = Store.open(settings)
            try:
                stored_id = {}
                for item in items:
                    article = item.article.replace(content_hash=content_hash(item.article.text))
                    [outcome] = store.add_articles([(article.source, article)])
                    stored_id[item.article.id] = outcome.article_id
                    store.save_analyses([item.analysis.replace(article_id=outcome.article_id)])
                    assign_events(store, settings, [outcome.article_id])
                incremental = {a: str(store.event_of_article(stored_id[a])) for a in batch_of}
            finally:
                store.close()
        groups: dict[str, list[str]] = defaultdict(list)
        for article, event in incremental.items():
            groups[event].append(article)
        score = bcubed(list(groups.values()), batch_of)
        out[order] = {**score, "events": len(groups)}
        print(
            f"incremental ({order}) against batch, ECB+ dev: B3 F1 {score['f1']:.3f} "
            f"(P {score['precision']:.3f}, R {score['recall']:.3f}); {len(groups)} events vs {len(batch)}"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tune", action="store_true", help="grid-search the parameters on train")
    parser.add_argument("--scale", default="", help="comma-separated article counts for the scaling curve")
    parser.add_argument("--folds", type=int, default=5, help="leave-topics-out folds over ECB+ topics 1-35")
    parser.add_argument("--scale-only", action="store_true", help="only the scaling curve (with --scale)")
    parser.add_argument(
        "--embeddings", action="store_true", help="also measure sentence embeddings of the leads as a clustering signal"
    )
    args = parser.parse_args(argv)
    if not ROOT.exists():
        print(f"no ECB+ data under {ROOT}", file=sys.stderr)
        return 2
    from rashomon.events.cluster import ClusterParams, features_of

    results: dict[str, object] = {}
    splits = {}
    for split in ("train", "dev"):
        docs, labels = load_split(split)
        analysed = analyse_split(split)
        splits[split] = (docs, labels, [features_of(a) for a in analysed])
    params = ClusterParams()
    if args.tune:
        _, labels, features = splits["train"]
        gold = {k: v["event"] for k, v in labels.items()}
        score, params = tune(features, gold, params)
        results["tuned"] = {"train_b3_f1": score, "params": dataclasses.asdict(params)}
        print(f"tuned on train: B3 F1 {score:.4f} with {dataclasses.asdict(params)}")
    # Baseline threshold tuned on train (and dev, as the README's baseline was).
    train_gold = {k: v["event"] for k, v in splits["train"][1].items()}
    thresholds = [x / 100 for x in range(5, 60, 3)]
    base_threshold = max((bcubed(baseline_clusters(splits["train"][0], t), train_gold)["f1"], t) for t in thresholds)[1]
    for split in ("train", "dev"):
        docs, labels, features = splits[split]
        gold = {k: v["event"] for k, v in labels.items()}
        topics = {k: str(v["topic"]) for k, v in labels.items()}
        start = time.perf_counter()
        groups = run_rashomon(features, params)
        seconds = time.perf_counter() - start
        base = baseline_clusters(docs, base_threshold)
        results[split] = {
            "rashomon": {
                **bcubed(groups, gold),
                "ari": ari(groups, gold),
                "topic_b3": bcubed(groups, topics),
                "events": len(groups),
                "articles_per_s": round(len(features) / seconds, 1),
            },
            "baseline_tfidf_average_link": {
                **bcubed(base, gold),
                "ari": ari(base, gold),
                "threshold": base_threshold,
                "events": len(base),
            },
            "gold_events": len(set(gold.values())),
        }
        r, b = results[split]["rashomon"], results[split]["baseline_tfidf_average_link"]
        print(
            f"{split}: rashomon B3 P {r['precision']:.3f} R {r['recall']:.3f} F1 {r['f1']:.3f} ARI {r['ari']:.3f} "
            f"({r['events']} events, {r['articles_per_s']:.0f} articles/s) | baseline F1 {b['f1']:.3f} "
            f"ARI {b['ari']:.3f}"
        )
    if not args.scale_only:
        results["cross_validation"] = cv = cross_validate(splits, args.folds)
        for name in ("rashomon", "rashomon_learned", "rashomon_batch_idf", "baseline_tfidf_average_link"):
            row = cv[name]
            print(
                f"leave topics out ({args.folds} folds), {name}: B3 F1 {row['f1']['mean']:.3f} ± {row['f1']['sd']:.3f} "
                f"(P {row['precision']['mean']:.3f}, R {row['recall']['mean']:.3f}); thresholds {row['thresholds']}"
            )
        results["threshold_sweep"] = threshold_sweep(splits, params)
        results["invented_events"] = invented_events(params)
        results["incremental_vs_batch"] = incremental_agreement(analyse_split("dev"), params)
    if args.embeddings:
        results["embeddings"] = measure_embeddings(splits, params)
    if args.scale:
        curve = []
        base_features = splits["train"][2] + splits["dev"][2]
        for size in [int(x) for x in args.scale.split(",")]:
            replicated = []
            day0 = dt.date(2020, 1, 1)
            for i in range(size):
                f = base_features[i % len(base_features)]
                copy = i // len(base_features)
                # Each replica is a different period: dates shifted by a month per copy, terms kept.
                replicated.append(
                    dataclasses.replace(
                        f,
                        article_id=f"{f.article_id}#{copy}",
                        date=day0 + dt.timedelta(days=30 * copy + (hash(f.article_id) % 5)),
                    )
                )
            start = time.perf_counter()
            run_rashomon(replicated, dataclasses.replace(params, background_documents=0.0))
            batch_idf_seconds = time.perf_counter() - start
            start = time.perf_counter()
            run_rashomon(replicated, params)
            seconds = time.perf_counter() - start
            tracemalloc.start()  # peak memory in a separate run: tracing slows Python allocations down
            run_rashomon(replicated, params)
            peak = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
            curve.append(
                {
                    "articles": size,
                    "seconds": round(seconds, 2),
                    "peak_mb": round(peak, 1),
                    "us_per_article": round(1e6 * seconds / size, 1),
                    "batch_idf_seconds": round(batch_idf_seconds, 2),
                    "ratio_to_batch_idf": round(seconds / batch_idf_seconds, 3),
                }
            )
            print(
                f"scale {size}: {seconds:.2f} s ({1e6 * seconds / size:.0f} us/article; batch IDF alone "
                f"{batch_idf_seconds:.2f} s, ratio {seconds / batch_idf_seconds:.2f}), peak {peak:.0f} MB"
            )
        results["scaling"] = curve
    RESULTS.mkdir(exist_ok=True)
    # Sections not measured in this run (the scaling curve, say) keep their last figures.
    target = RESULTS / "events.json"
    previous = json.loads(target.read_text()) if target.exists() else {}
    previous.update(results)
    target.write_text(json.dumps(previous, indent=2, default=str) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
