"""Group articles into events: online, time-aware, blocked by an inverted index.

Same event is not same topic: two earthquakes share every word but the place, the date, the magnitude
and the names. So an article is compared with an event on four signals, each a cosine over TF-IDF
weights (log term frequency, smoothed IDF from everything seen so far):

* ``terms``: content lemmas (nouns, verbs, adjectives, numbers);
* ``actors``: canonical entity keys (people by surname, organisations by name and acronym);
* ``places``: places and the dateline;
* ``dates``: years and days the text mentions; disjoint year sets count against the match.

An article joins the most similar event above a threshold or opens a new one (Miranda et al., 2018).
Candidates come from an inverted index over entity keys and the article's strongest terms, within a
time window around each event's span, so the work per article is bounded and the whole run grows
near-linearly with the number of articles. A later article similar to two events above the merge
threshold bridges them: the events merge and the merge is reported.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from dataclasses import replace as dataclass_replace
from importlib import resources
from typing import Any

from rashomon.analyse.entities import person_name_parts
from rashomon.records import AnalysedArticle, published_instant

SIGNALS = ("terms", "actors", "places", "dates")
EVIDENCE = ("terms", "actors", "places", "years", "days", "place_clash", "people_clash")


@dataclass(frozen=True)
class ClusterParams:
    """Weights and thresholds of cluster.online_tfidf.v1.

    Weights set by hand (terms first, then actors, places and dates) and checked by grid search on
    ECB+ train (bench/events.py --tune), which found no clearly better setting. The threshold is chosen on
    ECB+ topics 1-35 and the invented 2-3-outlet events together (bench/events.py threshold sweep: ECB+ is
    flat from 0.18 to 0.24, B3 F1 0.893-0.903, while undated invented events split above 0.22); the
    leave-topics-out cross-validation on ECB+ alone chose 0.18-0.24. Clash penalties for places and people
    were measured and left at 0 (see docs/methods.md). Rerun bench/events.py after changing the features.
    """

    # Background statistics: the batch's (or store's) document frequencies are blended with English word
    # frequencies (data/models/events.background.v1.tsv.gz, from wordfreq, CC BY-SA 4.0) counted as this
    # many documents, so two or three articles get the IDF of a large news corpus and a large store its
    # own. 0: the batch alone (the earlier behaviour). Leave-topics-out B3 F1 on ECB+ (bench/events.py): 30,
    # 100, 300 and 1000 give 0.894, 0.894, 0.898, 0.893 (batch alone 0.906, all within one sd of 0.03-0.05).
    background_documents: float = 300.0
    words_per_article: float = 400.0  # turns a word's frequency into the share of articles that use it
    w_terms: float = 0.45
    w_actors: float = 0.35
    w_places: float = 0.10
    w_dates: float = 0.10
    w_years: float = 0.10  # years that agree (+) or clash (-)
    # Specifics that clash count against: the article names places and so does the event, and none is
    # shared (another town); it names people and so does the event, and none is shared (other victims).
    w_place_clash: float = 0.0
    w_people_clash: float = 0.0
    threshold: float = 0.20
    merge_threshold: float = 0.45
    window_days: float = 10.0
    max_terms: int = 60  # per article, by TF-IDF weight: the vector compared and indexed
    centroid_terms: int = 200
    candidate_terms: int = 12  # strongest terms used to find candidate events
    max_candidates: int = 40  # events scored per article: those sharing the most index keys
    # Sentence embeddings of each article's lead (optional, off by default: bench/events.py --embeddings
    # measures them; they did not pay on ECB+, see bench/results/events.json). The floor is the cosine of
    # unrelated news leads, so an unrelated event scores below zero on this signal.
    w_embedding: float = 0.0
    embedding_floor: float = 0.2
    refine_passes: int = 1


@dataclass
class ArticleFeatures:
    article_id: str
    date: dt.date | None
    vectors: dict[str, Counter[str]]
    years: frozenset[str]
    embedding: Any = None  # unit-length sentence embedding of the lead (numpy), when enabled


def features_to_dict(f: ArticleFeatures) -> dict[str, Any]:
    """Event features as JSON-ready data (counts keep their order: ties are broken by it)."""
    embedding = None if f.embedding is None else [float(v) for v in f.embedding]
    return {
        "article_id": f.article_id,
        "date": f.date.isoformat() if f.date else None,
        "vectors": {signal: list(counts.items()) for signal, counts in f.vectors.items()},
        "years": sorted(f.years),
        "embedding": embedding,
    }


def features_from_dict(data: dict[str, Any]) -> ArticleFeatures:
    import numpy as np

    embedding = data.get("embedding")
    return ArticleFeatures(
        article_id=data["article_id"],
        date=dt.date.fromisoformat(data["date"]) if data.get("date") else None,
        vectors={signal: Counter(dict(pairs)) for signal, pairs in data["vectors"].items()},
        years=frozenset(data["years"]),
        embedding=None if embedding is None else np.asarray(embedding, dtype=np.float32),
    )


@dataclass
class _Event:
    id: int
    members: list[str] = field(default_factory=list)
    sums: dict[str, Counter[str]] = field(default_factory=lambda: {s: Counter() for s in SIGNALS})
    years: Counter[str] = field(default_factory=Counter)
    start: dt.date | None = None
    end: dt.date | None = None
    merged_into: int | None = None
    embedding_sum: Any = None


_RARE_FREQUENCY = 1e-8  # a word missing from the background list (Zipf 1): a rare name or term


@functools.cache
def background_frequencies() -> dict[str, float]:
    """English word -> frequency per word (wordfreq's 'large' list, Zipf >= 1.5), packaged."""
    path = resources.files("rashomon.data") / "models" / "events.background.v1.tsv.gz"
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            word, _, zipf = line.partition("\t")
            out[word] = 10 ** (float(zipf) - 9)
    return out


@functools.lru_cache(maxsize=500_000)
def background_share(signal: str, key: str, words_per_article: float) -> float:
    """The share of news articles in general expected to carry a feature: from the frequency of its word
    (terms), of the rarest word of a name (actors, places; "p:varga", "o:keld bridge"), none for a day."""
    if signal == "dates":
        frequency = _RARE_FREQUENCY
    else:
        text = key.split(":", 1)[1] if signal != "terms" and ":" in key else key
        words = re.findall(r"[a-z][a-z'’.-]*", text.lower()) or [text.lower()]
        table = background_frequencies()
        frequency = min(table.get(w, _RARE_FREQUENCY) for w in words)
    return 1.0 - math.exp(-words_per_article * frequency)


def _date(value: str | None) -> dt.date | None:
    if value and re.match(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def entity_feature_keys(entity_type: str, name: str, key: str, acronym: str | None) -> list[str]:
    """Keys under which an entity is compared across articles (surname for people; name and acronym for
    organisations), so "Halvik" and "Teodor Halvik", "RWA" and its expansion meet."""
    if entity_type == "PERSON":
        return [f"p:{person_name_parts(name)[1]}"]
    keys = [key.split(":", 1)[-1] and f"{'a' if key.startswith('acr:') else 'o'}:{key.split(':', 1)[-1]}"]
    if acronym:
        keys.append(f"a:{acronym.lower()}")
    return keys


def _title_words(title: str | None) -> list[str]:
    if not title:
        return []
    from spacy.lang.en.stop_words import STOP_WORDS

    words = re.findall(r"[\w’'-]+", title.lower())
    return [w.strip("’'-") for w in words if w not in STOP_WORDS and len(w) > 2 and not w.isdigit()]


def features_of(item: AnalysedArticle) -> ArticleFeatures:
    article, analysis = item.article, item.analysis
    terms: Counter[str] = Counter(dict(analysis.terms))
    # The headline is not in the analysed body; its words say most about the event (and are all a
    # title-and-lead snippet has besides the lead), so they count twice.
    for word in _title_words(article.title):
        terms[word] += 2
    actors: Counter[str] = Counter()
    places: Counter[str] = Counter()
    for entity in analysis.entities:
        count = max(1, len(entity.mentions))
        keys = entity_feature_keys(entity.type, entity.name, entity.key, entity.acronym)
        target = places if entity.type in ("GPE", "LOC", "FAC") else actors
        for key in keys:
            target[key] += count
    if article.dateline and article.dateline.place:
        places[f"o:{article.dateline.place.split(',')[0].lower()}"] += 2
    dates: Counter[str] = Counter()
    years = set()
    for mention in analysis.dates:
        if not mention.value:
            continue
        value = mention.value.split("/")[0]
        if re.match(r"\d{4}", value):
            years.add(value[:4])
            dates[value[:10]] += 1
    instant = published_instant(article.published)  # time distances between articles are on the instant
    published = _date(instant)
    if published:
        years.add(str(published.year))
    return ArticleFeatures(
        article_id=article.id,
        date=published,
        vectors={"terms": terms, "actors": actors, "places": places, "dates": dates},
        years=frozenset(years),
    )


class Clusterer:
    """Online event clustering with an inverted index; ``add`` one article at a time."""

    def __init__(self, params: ClusterParams | None = None) -> None:
        self.params = params or ClusterParams()
        self.events: dict[int, _Event] = {}
        self.assignment: dict[str, int] = {}
        self.features: dict[str, ArticleFeatures] = {}
        self.df: dict[str, Counter[str]] = {s: Counter() for s in SIGNALS}
        self.documents = 0
        self._background: dict[tuple[str, str], float] = {}  # (signal, key) -> background share
        # Inverted index by (feature, week): a dated article only meets events active in its time window,
        # so the candidates per article stay bounded however large the corpus. Undated articles use the
        # index over all time.
        self.index: dict[tuple[str, int | None], set[int]] = defaultdict(set)
        self.index_all: dict[str, set[int]] = defaultdict(set)
        self._centroids: dict[tuple[int, str], dict[str, float]] = {}
        self.merges: list[tuple[int, int, str]] = []  # (merged, into, article that bridged them)
        self._next = 1

    # ---------------------------------------------------------------------------------- weighting

    def observe(self, features: Iterable[ArticleFeatures]) -> None:
        """Count document frequencies before clustering (batch mode: IDF from the whole input)."""
        for f in features:
            self._count(f)

    def _count(self, f: ArticleFeatures) -> None:
        self.documents += 1
        for signal in SIGNALS:
            self.df[signal].update(f.vectors[signal].keys())

    def _idf(self, signal: str, key: str) -> float:
        prior = self.params.background_documents
        if prior <= 0:
            return math.log((1 + self.documents) / (1 + self.df[signal][key])) + 1.0
        share = self._background.get((signal, key))
        if share is None:
            share = self._background[(signal, key)] = background_share(signal, key, self.params.words_per_article)
        blended = (self.df[signal][key] + prior * share) / (self.documents + prior)
        return -math.log(max(blended, 1e-9)) + 1.0

    def _weights(self, signal: str, counts: Counter[str], limit: int | None = None) -> dict[str, float]:
        weights = {k: (1.0 + math.log(v)) * self._idf(signal, k) for k, v in counts.items() if v > 0}
        if limit and len(weights) > limit:
            weights = dict(sorted(weights.items(), key=lambda kv: -kv[1])[:limit])
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {k: w / norm for k, w in weights.items()}

    def _centroid(self, event: _Event, signal: str) -> dict[str, float]:
        cached = self._centroids.get((event.id, signal))
        if cached is not None:
            return cached
        sums = event.sums[signal]
        if not sums:
            return {}
        top = sums.most_common(self.params.centroid_terms)
        weights = {k: v * self._idf(signal, k) for k, v in top}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        vector = {k: w / norm for k, w in weights.items()}
        self._centroids[(event.id, signal)] = vector
        return vector

    def _touch(self, event_id: int) -> None:
        for signal in SIGNALS:
            self._centroids.pop((event_id, signal), None)

    # ------------------------------------------------------------------------------------ scoring

    def _vectors(self, f: ArticleFeatures) -> dict[str, dict[str, float]]:
        return {s: self._weights(s, f.vectors[s], self.params.max_terms if s == "terms" else None) for s in SIGNALS}

    def evidence(
        self, vectors: dict[str, dict[str, float]], f: ArticleFeatures, event: _Event, *, clashes: bool = True
    ) -> list[float]:
        """What speaks for and against an article joining an event (EVIDENCE, in order): the cosines of its
        terms, actors, places and days with the event's, whether their years agree (1), clash (-1) or
        one side has none (0), and whether their places or their people are all different (1)."""
        cosines = []
        for signal in ("terms", "actors", "places"):
            a, b = vectors[signal], self._centroid(event, signal)
            cosines.append(sum(w * b.get(k, 0.0) for k, w in a.items()) if a and b else 0.0)
        years = days = 0.0
        if f.years and event.years:
            shared = sum(1 for y in f.years if event.years[y] >= max(1, len(event.members) // 3))
            years = 1.0 if shared else -1.0
            a, b = vectors["dates"], self._centroid(event, "dates")
            if a and b:
                days = sum(w * b.get(k, 0.0) for k, w in a.items())
        if not clashes:  # weighted 0: not worth computing on every candidate
            return [*cosines, years, days, 0.0, 0.0]
        a, b = vectors["places"], self._centroid(event, "places")
        place_clash = float(bool(a and b) and not any(k in b for k in a))
        people_a = {k for k in vectors["actors"] if k.startswith("p:")}
        people_b = {k for k in self._centroid(event, "actors") if k.startswith("p:")}
        people_clash = float(bool(people_a and people_b) and not people_a & people_b)
        return [*cosines, years, days, place_clash, people_clash]

    def similarity(self, vectors: dict[str, dict[str, float]], f: ArticleFeatures, event: _Event) -> float:
        p = self.params
        weights = (p.w_terms, p.w_actors, p.w_places, p.w_years, p.w_dates, -p.w_place_clash, -p.w_people_clash)
        evidence = self.evidence(vectors, f, event, clashes=bool(p.w_place_clash or p.w_people_clash))
        score = sum(w * x for w, x in zip(weights, evidence, strict=True))
        if p.w_embedding and f.embedding is not None and event.embedding_sum is not None:
            norm = float((event.embedding_sum @ event.embedding_sum) ** 0.5) or 1.0
            score += p.w_embedding * (float(f.embedding @ event.embedding_sum) / norm - p.embedding_floor)
        return score

    def _in_window(self, f: ArticleFeatures, event: _Event) -> bool:
        if f.date is None or event.start is None or event.end is None:
            return True
        window = dt.timedelta(days=self.params.window_days)
        return event.start - window <= f.date <= event.end + window

    def candidates(self, f: ArticleFeatures, vectors: dict[str, dict[str, float]]) -> set[int]:
        keys = [f"actors|{k}" for k in vectors["actors"]] + [f"places|{k}" for k in vectors["places"]]
        strongest = sorted(vectors["terms"].items(), key=lambda kv: -kv[1])[: self.params.candidate_terms]
        keys += [f"terms|{k}" for k, _ in strongest]
        found: Counter[int] = Counter()
        if f.date is None:
            for key in keys:
                found.update(self.index_all.get(key, ()))
        else:
            weeks = [*self._weeks(f.date), None]
            for key in keys:
                for week in weeks:
                    found.update(self.index.get((key, week), ()))
        # Only the events sharing the most index keys are scored: a bounded amount of work per article.
        return {
            e
            for e, _ in found.most_common(self.params.max_candidates)
            if self.events[e].merged_into is None and self._in_window(f, self.events[e])
        }

    def _weeks(self, date: dt.date) -> range:
        span = int(self.params.window_days // 7) + 1
        week = date.toordinal() // 7
        return range(week - span, week + span + 1)

    def _index(self, key: str, event_id: int, date: dt.date | None) -> None:
        self.index_all[key].add(event_id)
        self.index[(key, date.toordinal() // 7 if date else None)].add(event_id)

    # ----------------------------------------------------------------------------------- updating

    def add(self, f: ArticleFeatures, *, count: bool = True) -> tuple[int, float]:
        """Assign one article; returns (event id, similarity; 0 for a new event)."""
        if count:
            self._count(f)
        self.features[f.article_id] = f
        vectors = self._vectors(f)
        scored = sorted(
            ((self.similarity(vectors, f, self.events[e]), e) for e in self.candidates(f, vectors)), reverse=True
        )
        if scored and scored[0][0] >= self.params.threshold:
            score, event_id = scored[0]
            self._join(event_id, f, vectors)
            # A bridge: the article is very close to a second event as well.
            for other_score, other in scored[1:]:
                if other_score >= self.params.merge_threshold and score >= self.params.merge_threshold:
                    self._merge(other, event_id, f.article_id)
            return event_id, score
        event_id = self._next
        self._next += 1
        self.events[event_id] = _Event(id=event_id)
        self._join(event_id, f, vectors)
        return event_id, 0.0

    def _join(self, event_id: int, f: ArticleFeatures, vectors: dict[str, dict[str, float]]) -> None:
        event = self.events[event_id]
        event.members.append(f.article_id)
        self.assignment[f.article_id] = event_id
        for signal in SIGNALS:
            for key, weight in vectors[signal].items():
                event.sums[signal][key] += weight / max(1e-9, self._idf(signal, key))
        event.years.update(f.years)
        if f.embedding is not None:
            event.embedding_sum = f.embedding if event.embedding_sum is None else event.embedding_sum + f.embedding
        if f.date:
            event.start = min(event.start or f.date, f.date)
            event.end = max(event.end or f.date, f.date)
        for signal in ("actors", "places"):
            for key in vectors[signal]:
                self._index(f"{signal}|{key}", event_id, f.date)
        strongest = sorted(vectors["terms"].items(), key=lambda kv: -kv[1])[: self.params.candidate_terms]
        for key, _ in strongest:
            self._index(f"terms|{key}", event_id, f.date)
        self._touch(event_id)

    def _merge(self, source: int, target: int, bridge: str) -> None:
        a, b = self.events[source], self.events[target]
        if a.merged_into is not None or source == target:
            return
        for member in a.members:
            self.assignment[member] = target
        b.members.extend(a.members)
        for signal in SIGNALS:
            b.sums[signal].update(a.sums[signal])
        b.years.update(a.years)
        if a.embedding_sum is not None:
            b.embedding_sum = a.embedding_sum if b.embedding_sum is None else b.embedding_sum + a.embedding_sum
        for date in (a.start, a.end):
            if date:
                b.start = min(b.start or date, date)
                b.end = max(b.end or date, date)
        a.members = []
        a.merged_into = target
        for table in (self.index, self.index_all):
            for ids in table.values():
                if source in ids:
                    ids.discard(source)
                    ids.add(target)
        self._touch(source)
        self._touch(target)
        self.merges.append((source, target, bridge))

    def refine(self) -> None:
        """Batch mode: reassign every article to its best event once everything has been seen
        (online assignment depends on order; one reassignment pass removes most of that)."""
        for _ in range(self.params.refine_passes):
            moved = 0
            for article_id, f in list(self.features.items()):
                current = self.assignment[article_id]
                vectors = self._vectors(f)
                self._remove(article_id, vectors)
                scored = sorted(
                    ((self.similarity(vectors, f, self.events[e]), e) for e in self.candidates(f, vectors)),
                    reverse=True,
                )
                if scored and scored[0][0] >= self.params.threshold:
                    self._join(scored[0][1], f, vectors)
                    moved += scored[0][1] != current
                else:
                    event_id = self._next
                    self._next += 1
                    self.events[event_id] = _Event(id=event_id)
                    self._join(event_id, f, vectors)
                    moved += 1
            if not moved:
                break

    def _remove(self, article_id: str, vectors: dict[str, dict[str, float]]) -> None:
        event = self.events[self.assignment.pop(article_id)]
        event.members.remove(article_id)
        f = self.features[article_id]
        for signal in SIGNALS:
            for key, weight in vectors[signal].items():
                event.sums[signal][key] -= weight / max(1e-9, self._idf(signal, key))
                if event.sums[signal][key] <= 1e-9:
                    del event.sums[signal][key]
        event.years.subtract(f.years)
        event.years += Counter()
        if f.embedding is not None and event.embedding_sum is not None:
            event.embedding_sum = event.embedding_sum - f.embedding if event.members else None
        self._touch(event.id)

    def seed(self, event_id: int, members: list[ArticleFeatures]) -> None:
        """Load an existing event (incremental mode): its members join it as they did before."""
        self.events[event_id] = _Event(id=event_id)
        self._next = max(self._next, event_id + 1)
        for f in members:
            self.features[f.article_id] = f
            self._join(event_id, f, self._vectors(f))

    def centrality(self, article_id: str) -> float:
        """Similarity of a member to its own event: the most central member's headline names the event."""
        f = self.features[article_id]
        return self.similarity(self._vectors(f), f, self.events[self.assignment[article_id]])

    def groups(self) -> list[list[str]]:
        """Article ids per live event, in order of first appearance."""
        out: dict[int, list[str]] = {}
        for article_id in self.features:
            out.setdefault(self.assignment[article_id], []).append(article_id)
        return list(out.values())


def cluster_features(features: list[ArticleFeatures], params: ClusterParams | None = None) -> list[list[str]]:
    """Batch clustering: IDF from the whole input, online pass in time order, one refinement pass."""
    clusterer = Clusterer(params)
    clusterer.observe(features)
    ordered = sorted(features, key=lambda f: (f.date or dt.date.min, f.article_id))
    for f in ordered:
        clusterer.add(f, count=False)
    clusterer.refine()
    return clusterer.groups()


def lead_text(text: str, title: str | None = None, words: int = 120) -> str:
    """The part of an article its embedding is computed from: the headline and the first words."""
    body = " ".join(text.split()[:words])
    return f"{title}. {body}" if title else body


def attach_embeddings(features: list[ArticleFeatures], leads: list[str]) -> list[ArticleFeatures]:
    """Features with the sentence embedding of each article's lead (unchanged when embeddings are absent)."""
    from rashomon.embeddings import embed

    vectors = embed(leads)
    if vectors is None:
        return features
    return [dataclass_replace(f, embedding=v) for f, v in zip(features, vectors, strict=True)]
