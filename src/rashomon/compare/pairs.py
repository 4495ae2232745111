"""Claim pairs: do two statements of different reports state the same fact? A learned scorer.

Each pair of claims from two articles of one event is described by features (below): how alike the two
sentences are (sentence-embedding cosine when the embedding extra is installed; TF-IDF cosine over lemmas,
stems and canonical entities; overlaps), whether they share the predicate, the doer and the done-to,
whether their numbers, dates and places agree or clash, negation, voice, length, and how each claim ranks
the other among the other article's claims (a fact is usually stated once per report). A logistic
regression over these features gives the probability that the two state the same fact.

Two fitted models ship in the package (``data/models``): ``compare.pair_scorer.v1`` (with embeddings) and
``compare.pair_scorer_lexical.v1`` (without), fitted by ``bench/fit_pair_scorer.py`` on the ``news_ecb``
sentence links (ABCD-Link, CC BY 4.0, built from ECB+, CC BY 3.0; ECB+ topics 1-35 only), with the link
threshold chosen by cross-validation across events. Their metadata files name the features, the data and
its licence, and the cross-validated figures. Inference is a dot product: numpy only.
"""

from __future__ import annotations

import bisect
import functools
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

from rashomon.compare.conflicts import interval
from rashomon.records import Claim

MODEL_WITH_EMBEDDINGS = "compare.pair_scorer.v1"
MODEL_LEXICAL = "compare.pair_scorer_lexical.v1"

FEATURES = (
    "embedding_cosine",
    "tfidf_cosine",
    "lemma_jaccard",
    "entity_jaccard",
    "shared_entities",
    "same_predicate",
    "same_subject",
    "same_object",
    "numbers_agree",
    "numbers_clash",
    "dates_agree",
    "dates_clash",
    "places_agree",
    "places_clash",
    "negation_differs",
    "same_voice",
    "length_ratio",
    "rank_a",
    "rank_b",
    "margin_a",
    "margin_b",
)
LEXICAL_FEATURES = tuple(f for f in FEATURES if f != "embedding_cosine")


@dataclass
class ClaimRef:
    """A claim with its article and the canonical entity ids it names."""

    source: str
    outlet: str | None
    article_id: str
    claim: Claim
    entities: frozenset[str]


def _bag(ref: ClaimRef) -> Counter[str]:
    features: Counter[str] = Counter()
    for lemma in ref.claim.lemmas:
        lemma = lemma.strip(".,'’\"")
        if not lemma or lemma.isdigit():
            continue
        features[lemma] += 1
        if len(lemma) > 6 and lemma.isalpha():
            features["~" + lemma[:5]] += 1
    for entity in sorted(ref.entities):  # sorted: float sums over the features repeat exactly
        features["E:" + entity] += 2
    for q in ref.claim.quantities:
        if q.noun:
            features["N:" + q.noun] += 1
    return features


class EventClaims:
    """The claims of one event, with what pair features need: TF-IDF vectors (IDF over the event's
    claims), embeddings (optional) and, per claim and other article, its best-matching claims."""

    def __init__(self, refs: list[ClaimRef], embeddings: Any | None) -> None:
        self.refs = refs
        self.embeddings = embeddings
        self.bags = [_bag(r) for r in refs]
        df: Counter[str] = Counter()
        for bag in self.bags:
            df.update(bag.keys())
        n = len(refs)
        self.idf = {k: math.log((1 + n) / (1 + v)) + 1 for k, v in df.items()}
        self.vectors: list[dict[str, float]] = []
        for bag in self.bags:
            weights = {k: (1 + math.log(v)) * self.idf[k] for k, v in bag.items()}
            norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            self.vectors.append({k: w / norm for k, w in weights.items()})
        self.by_article: dict[str, list[int]] = {}
        for i, ref in enumerate(refs):
            self.by_article.setdefault(ref.article_id, []).append(i)
        self._closeness: dict[tuple[int, int], float] = {}
        self._ranked: dict[tuple[int, str], tuple[list[int], list[float]]] = {}
        named: Counter[str] = Counter(p for r in refs for p in {p.lower() for p in r.claim.places})
        self.place_share = {p: count / len(refs) for p, count in named.items()}

    def article_similarity(self, rows: list[int] | None = None) -> np.ndarray:
        """Cosine similarity of the event's articles (in ``by_article`` order; ``rows``: only these
        articles' rows), by the same measure as ``closeness``: their claims' TF-IDF vectors summed (and
        their claims' embeddings averaged, mixed half and half)."""
        matrix, means = self._article_vectors
        picked = matrix if rows is None else matrix[rows]
        similarity = np.asarray((picked @ matrix.T).todense(), dtype=float)
        if means is None:
            return similarity
        chosen = means if rows is None else means[rows]
        # einsum, not a BLAS product: the same sums in the same order whatever the threads (a worker of a
        # cluster and a single process choose the same neighbours)
        return 0.5 * similarity + 0.5 * np.einsum("ij,kj->ik", chosen, means, optimize=False)

    @functools.cached_property
    def _article_vectors(self) -> tuple[Any, np.ndarray | None]:
        """Per article (``by_article`` order): its claims' TF-IDF vectors summed and normalised (a sparse
        matrix), and its claims' embeddings averaged and normalised (None without embeddings)."""
        from scipy.sparse import csr_matrix

        articles = list(self.by_article)
        vocabulary: dict[str, int] = {}
        data: list[float] = []
        columns: list[int] = []
        pointers = [0]
        for article in articles:
            summed: dict[str, float] = {}
            for i in self.by_article[article]:
                for k, w in self.vectors[i].items():
                    summed[k] = summed.get(k, 0.0) + w
            norm = math.sqrt(sum(w * w for w in summed.values())) or 1.0
            for k, w in summed.items():
                columns.append(vocabulary.setdefault(k, len(vocabulary)))
                data.append(w / norm)
            pointers.append(len(data))
        matrix = csr_matrix((data, columns, pointers), shape=(len(articles), max(len(vocabulary), 1)))
        if self.embeddings is None:
            return matrix, None
        means = np.vstack(
            [np.mean(np.asarray(self.embeddings[self.by_article[a]], dtype=float), axis=0) for a in articles]
        )
        means /= np.maximum(np.sqrt(np.einsum("ij,ij->i", means, means)), 1e-12)[:, None]
        return matrix, means

    def tfidf(self, i: int, j: int) -> float:
        a, b = self.vectors[i], self.vectors[j]
        if len(a) > len(b):
            a, b = b, a
        return sum(w * b.get(k, 0.0) for k, w in a.items())

    def embedding(self, i: int, j: int) -> float:
        return float(self.embeddings[i] @ self.embeddings[j]) if self.embeddings is not None else 0.0

    def closeness(self, i: int, j: int) -> float:
        """The similarity that ranks candidates: embeddings and TF-IDF mixed, or TF-IDF alone."""
        key = (i, j) if i < j else (j, i)
        if key not in self._closeness:
            lexical = self.tfidf(i, j)
            self._closeness[key] = lexical if self.embeddings is None else 0.5 * lexical + 0.5 * self.embedding(i, j)
        return self._closeness[key]

    def ranked(self, i: int, article_id: str) -> list[int]:
        """The claims of an article, closest to claim ``i`` first (ties in text order)."""
        return self._ranking(i, article_id)[0]

    def _ranking(self, i: int, article_id: str) -> tuple[list[int], list[float]]:
        """The article's claims closest to ``i`` first, and their closeness ascending (for counting)."""
        key = (i, article_id)
        found = self._ranked.get(key)
        if found is None:
            claims = self.by_article[article_id]
            order = sorted(claims, key=lambda k: -self.closeness(i, k))
            found = self._ranked[key] = (order, sorted(self.closeness(i, k) for k in claims))
        return found

    def rank(self, i: int, j: int) -> tuple[float, float]:
        """(j's closeness to i divided by j's rank among the claims of j's article for i, j's closeness minus
        the best other one's). Being the best match is evidence in proportion to how close the match is:
        every claim has a best match in every other report, also when that report does not state it."""
        mine = self.closeness(i, j)
        order, ascending = self._ranking(i, self.refs[j].article_id)
        better = len(ascending) - bisect.bisect_right(ascending, mine)  # j itself is never above itself
        best_other = 0.0 if len(order) == 1 else self.closeness(i, order[1] if order[0] == j else order[0])
        return mine / (1 + better), mine - best_other

    def place_agreement(self, a: Claim, b: Claim) -> tuple[float, float]:
        """(agree, clash) of the places two claims name. Agreement is worth as much as the shared place is
        rare in the event: a country every report of the event names says nothing about which fact a claim
        states; the street where something happened does."""
        pa, pb = {p.lower() for p in a.places}, {p.lower() for p in b.places}
        agree, clash = _agreement(pa, pb)
        if agree:
            agree = max(1.0 - self.place_share.get(p, 0.0) for p in pa & pb)
        return agree, clash

    def features(self, i: int, j: int) -> list[float]:
        a, b = self.refs[i].claim, self.refs[j].claim
        la, lb = set(a.lemmas), set(b.lemmas)
        ea, eb = self.refs[i].entities, self.refs[j].entities
        rank_a, margin_a = self.rank(i, j)
        rank_b, margin_b = self.rank(j, i)
        numbers = _number_agreement(a, b)
        dates = _agreement(_days(a), _days(b))
        places = self.place_agreement(a, b)
        length = (min(len(a.text), len(b.text)) / max(len(a.text), len(b.text), 1)) if a.text and b.text else 0.0
        return [
            self.embedding(i, j),
            self.tfidf(i, j),
            len(la & lb) / len(la | lb) if la | lb else 0.0,
            len(ea & eb) / len(ea | eb) if ea | eb else 0.0,
            min(len(ea & eb), 3) / 3,
            float(bool(a.predicate) and a.predicate == b.predicate),
            float(bool(a.subject) and a.subject == b.subject),
            float(bool(a.object) and a.object == b.object),
            numbers[0],
            numbers[1],
            dates[0],
            dates[1],
            places[0],
            places[1],
            float(a.negated != b.negated),
            float(a.voice == b.voice),
            length,
            rank_a,
            rank_b,
            margin_a,
            margin_b,
        ]


def _number_agreement(a: Claim, b: Claim) -> tuple[float, float]:
    """(agree, clash): both give numbers, and some pair of them can be one figure as written ("more than
    300" and "hundreds", "about 1,200" and "1,150") / none can."""
    spans_a = [s for q in a.quantities if (s := interval(q)) is not None]
    spans_b = [s for q in b.quantities if (s := interval(q)) is not None]
    if not spans_a or not spans_b:
        return 0.0, 0.0
    overlap = any(x[0] <= y[1] * 1.001 and y[0] <= x[1] * 1.001 for x in spans_a for y in spans_b)
    return (1.0, 0.0) if overlap else (0.0, 1.0)


def _days(claim: Claim) -> set[str]:
    return {d.value[:10] for d in claim.dates if d.value and re.match(r"\d{4}-\d{2}-\d{2}", d.value)}


def _agreement(a: set[Any], b: set[Any]) -> tuple[float, float]:
    """(agree, clash): both name some, and share one / share none."""
    if not a or not b:
        return 0.0, 0.0
    return (1.0, 0.0) if a & b else (0.0, 1.0)


# ------------------------------------------------------------------------------------------- models


@dataclass(frozen=True)
class PairModel:
    """A fitted logistic regression over standardised features, with its link threshold."""

    name: str
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float
    meta: dict[str, Any]

    def probability(self, rows: np.ndarray) -> np.ndarray:
        z = ((rows - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "features": list(self.features),
            "mean": [round(float(x), 8) for x in self.mean],
            "scale": [round(float(x), 8) for x in self.scale],
            "coef": [round(float(x), 8) for x in self.coef],
            "intercept": round(float(self.intercept), 8),
            "threshold": round(float(self.threshold), 4),
            "meta": self.meta,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PairModel:
        return cls(
            name=data["name"],
            features=tuple(data["features"]),
            mean=np.asarray(data["mean"], dtype=float),
            scale=np.asarray(data["scale"], dtype=float),
            coef=np.asarray(data["coef"], dtype=float),
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
            meta=data.get("meta", {}),
        )


@functools.cache
def load_model(name: str) -> PairModel:
    """A packaged pair model by its versioned name."""
    path = resources.files("rashomon.data") / "models" / f"{name}.json"
    return PairModel.from_json(json.loads(path.read_text(encoding="utf-8")))


def feature_rows(event: EventClaims, pairs: list[tuple[int, int]], names: tuple[str, ...]) -> np.ndarray:
    """The feature matrix of these pairs, with the columns a model was fitted on."""
    index = [FEATURES.index(n) for n in names]
    rows = np.empty((len(pairs), len(names)), dtype=float)  # filled row by row: no list of lists held
    for n, (i, j) in enumerate(pairs):
        row = event.features(i, j)
        rows[n] = [row[k] for k in index]
    return rows
