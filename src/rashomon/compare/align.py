"""Align claims across outlets: shared, unique, conflicting.

Every candidate pair of claims from two articles of an event is scored by a pair model (compare/pairs.py:
logistic regression over 21 features — sentence-embedding and TF-IDF similarity, shared entities, subject,
predicate and object, agreeing or clashing numbers, dates and places, negation, voice, and how each claim
ranks among the other's best matches), fitted on news sentence links and cross-validated across events
(bench/fit_pair_scorer.py). Claims are grouped by average linkage: two groups join while the mean link
probability between their claims reaches the model's threshold, chosen for the precision of "shared".

A pair that is likely enough to be about one happening (a share of that threshold) is compared slot by slot
(compare/conflicts.py: numbers, dates, times, places, negation, who did it, descriptions); a slot that
disagrees is a conflict, with a note that says what differs and a confidence; a weak one is only a possible
conflict. Framing differences are the framing step's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rashomon.compare.conflicts import POSSIBLE_BELOW, find_conflict
from rashomon.compare.pairs import (
    MODEL_LEXICAL,
    MODEL_WITH_EMBEDDINGS,
    ClaimRef,
    EventClaims,
    PairModel,
    feature_rows,
    load_model,
)
from rashomon.records import ClaimGroup, Conflict, Statement

# The link probabilities below are set as shares of the pair model's link threshold (its calibration moves
# with its training data; these ratios do not).
# A pair of claims below this share of the link threshold is never a conflict: two statements must be about
# the same happening before their numbers or places can contradict each other.
CONFLICT_FLOOR = 0.4
# Two claims this likely to state one fact (as a share of the link threshold) are compared slot by slot as
# one fact (dates, places, descriptions). Below the link threshold: a slot that disagrees is evidence of its
# own, and the conflict's confidence scales with the link. Hand-set (the planted-conflict set,
# bench/planted.py, is a check, not a fit: 0.3/0.55 and 0.4/0.6 found the same conflicts there, 0.5/0.75
# three fewer).
CONFLICT_LINK = 0.6
# A link this far from the threshold to certainty (0: the threshold, 1: certain) makes two claims near
# paraphrases: their dates, times and places are compared even when their verbs differ. Hand-set.
CLOSE_LINK = 0.5
# Only candidate pairs this close (TF-IDF and embeddings mixed) are scored; the others are not the same
# fact (a fact stated in two reports shares words or meaning) and scoring every pair of a 20-article event
# would cost seconds.
CANDIDATE_FLOOR = 0.12
# Links go only between claims that are each other's best partner (within this much probability).
BEST_SLACK = 0.1
# Whether a group may hold only one claim of each report. Off: reports restate a fact (headline, lead,
# body), and on the fully judged events (bench/fit_pair_scorer.py --skip-news-cv) allowing it gives link
# F1 0.545 against 0.419 with one claim per report.
ONE_PER_ARTICLE = False
CANDIDATES_PER_ARTICLE = 4
# In an event of more reports than this plus one, a report's claims are compared with those of its this many
# most similar reports (by the candidates' closeness over whole reports: TF-IDF of their claims, and their
# mean embedding), not with every report's. Scoring every claim against the best few of every other report
# grows with the square of the event's size: a 431-report event takes 164 s and 3.9 GB, one of 2,000 would
# take most of an hour and tens of GB. With 100 it takes 78 s and 1.9 GB; its claim groups agree with the
# every-pair alignment at B-cubed F1 0.68 (events of 172 and 122 reports: 0.86, 0.99), and its conflicts
# are a subset of the every-pair ones (56 %, 92 %, 97 % of them; bench/large_events.py). A compute bound,
# not a fit: events up to 101 reports, nearly all real ones, are compared report with report; a comparison
# made with the bound says so (``ComparedEvent.nearest_reports``).
NEIGHBOUR_ARTICLES = 100
# Rows of the article similarity computed at a time (memory: this many times the number of reports).
_SIMILARITY_BLOCK = 512


@dataclass(frozen=True)
class Alignment:
    """Settings of one alignment run: the pair model and whether to use sentence embeddings."""

    embeddings: bool = True
    model: PairModel | None = None  # None: the packaged model for the embeddings setting

    def resolved(self, have_embeddings: bool) -> PairModel:
        if self.model is not None:
            return self.model
        return load_model(MODEL_WITH_EMBEDDINGS if have_embeddings else MODEL_LEXICAL)


def link_probabilities(
    refs: list[ClaimRef], settings: Alignment | None = None
) -> tuple[dict[tuple[int, int], float], frozenset[tuple[str, str]] | None]:
    """The probability that each candidate pair of claims (from different articles) states the same fact,
    and the pairs of reports compared (None: every pair)."""
    settings = settings or Alignment()
    embeddings = None
    if settings.embeddings and (settings.model is None or "embedding_cosine" in settings.model.features):
        from rashomon.embeddings import embed

        embeddings = embed([r.claim.text for r in refs])
    model = settings.resolved(embeddings is not None)
    event = EventClaims(refs, embeddings)
    reports = article_pairs(event)
    compared = None if nearest_reports(len(event.by_article)) is None else frozenset(reports)
    pairs = _candidates(event, reports)
    if not pairs:
        return {}, compared
    probabilities = model.probability(feature_rows(event, pairs, model.features))
    return {pair: float(p) for pair, p in zip(pairs, probabilities, strict=True)}, compared


def _candidates(event: EventClaims, reports: list[tuple[str, str]] | None = None) -> list[tuple[int, int]]:
    """Pairs worth scoring: close enough, or among each claim's best few in the other article (``reports``:
    the pairs of reports compared, ``article_pairs`` when None)."""
    keep: set[tuple[int, int]] = set()
    for a, b in article_pairs(event) if reports is None else reports:
        for i in event.by_article[a]:
            for rank, j in enumerate(event.ranked(i, b)):
                if rank < CANDIDATES_PER_ARTICLE or event.closeness(i, j) >= CANDIDATE_FLOOR:
                    keep.add((i, j) if i < j else (j, i))
        for j in event.by_article[b]:
            for i in event.ranked(j, a)[:CANDIDATES_PER_ARTICLE]:
                keep.add((i, j) if i < j else (j, i))
    return sorted(keep)


def nearest_reports(reports: int) -> int | None:
    """With how many of its most similar reports each report of an event of ``reports`` reports is
    compared; None: with every other report."""
    return NEIGHBOUR_ARTICLES if reports > NEIGHBOUR_ARTICLES + 1 else None


def article_pairs(event: EventClaims) -> list[tuple[str, str]]:
    """The pairs of reports whose claims are compared: all of them, or in a large event (``nearest_reports``)
    each report with its most similar ones (either way round)."""
    import numpy as np

    articles = list(event.by_article)
    neighbours = nearest_reports(len(articles))
    if neighbours is None:
        return [(a, b) for n, a in enumerate(articles) for b in articles[n + 1 :]]
    keep: set[tuple[int, int]] = set()
    for start in range(0, len(articles), _SIMILARITY_BLOCK):
        rows = list(range(start, min(start + _SIMILARITY_BLOCK, len(articles))))
        similarity = event.article_similarity(rows)
        for offset, x in enumerate(rows):
            similarity[offset, x] = -np.inf  # never its own neighbour
            order = np.argsort(-similarity[offset], kind="stable")[:neighbours]
            keep.update((min(x, int(y)), max(x, int(y))) for y in order)
    return [(articles[x], articles[y]) for x, y in sorted(keep)]


def near_best(
    refs: list[ClaimRef], probability: dict[tuple[int, int], float], slack: float = BEST_SLACK
) -> dict[tuple[int, int], float]:
    """Only the pairs in which each claim is (within ``slack``) the other's most probable partner in the
    other's report: one claim does not gather every loosely related sentence of another report."""
    best: dict[tuple[int, str], float] = defaultdict(float)
    for (i, j), p in probability.items():
        best[(i, refs[j].article_id)] = max(best[(i, refs[j].article_id)], p)
        best[(j, refs[i].article_id)] = max(best[(j, refs[i].article_id)], p)
    return {
        (i, j): p
        for (i, j), p in probability.items()
        if p >= best[(i, refs[j].article_id)] - slack and p >= best[(j, refs[i].article_id)] - slack
    }


def group_claims(
    n: int,
    refs: list[ClaimRef],
    probability: dict[tuple[int, int], float],
    threshold: float,
    *,
    one_per_article: bool = ONE_PER_ARTICLE,
) -> list[list[int]]:
    """Average-linkage groups: two groups join while the mean link probability over their cross-article
    pairs (unscored pairs count 0) is at least ``threshold``, so one loose link never merges two facts.
    The best-scoring pair of groups joins first (ties by the lower claim indexes)."""
    import heapq
    from collections import Counter

    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    articles: dict[int, Counter[str]] = {i: Counter([refs[i].article_id]) for i in range(n)}
    sums: dict[int, dict[int, float]] = defaultdict(dict)
    for (i, j), p in probability.items():
        if p > 0 and refs[i].article_id != refs[j].article_id:
            sums[i][j] = sums[i].get(j, 0.0) + p
            sums[j][i] = sums[j].get(i, 0.0) + p

    def pairs_between(a: int, b: int) -> int:
        same = sum(count * articles[b].get(article, 0) for article, count in articles[a].items())
        return len(members[a]) * len(members[b]) - same

    def mean(a: int, b: int) -> float:
        if one_per_article and any(article in articles[b] for article in articles[a]):
            return 0.0  # a report states a fact once: two of its claims are two facts
        count = pairs_between(a, b)
        return sums[a].get(b, 0.0) / count if count else 0.0

    version = dict.fromkeys(range(n), 0)
    heap: list[tuple[float, int, int, int, int]] = []
    for a in range(n):
        for b, _ in sums[a].items():
            if a < b and (score := mean(a, b)) >= threshold:
                heap.append((-score, a, b, 0, 0))
    heapq.heapify(heap)
    while heap:
        _score, a, b, va, vb = heapq.heappop(heap)
        if a not in members or b not in members or version[a] != va or version[b] != vb:
            continue
        # Join b into a.
        members[a] = sorted(members[a] + members.pop(b))
        articles[a] += articles.pop(b)
        for c, value in sums.pop(b).items():
            sums[c].pop(b, None)
            if c != a:
                sums[a][c] = sums[a].get(c, 0.0) + value
                sums[c][a] = sums[c].get(a, 0.0) + value
        sums[a].pop(a, None)
        version[a] += 1
        version.pop(b)
        for c in sums[a]:
            if (score := mean(a, c)) >= threshold:
                x, y = (a, c) if a < c else (c, a)
                heapq.heappush(heap, (-score, x, y, version[x], version[y]))
    return [members[k] for k in sorted(members)]


def align_event(
    refs: list[ClaimRef],
    settings: Alignment | None = None,
    names: dict[str, str] | None = None,
    doers: set[str] | None = None,
    mentioned: dict[str, set[str]] | None = None,
) -> tuple[list[ClaimGroup], frozenset[tuple[str, str]] | None]:
    """Group the claims of an event's articles; each group is shared, unique or a conflict, with the link
    probability that holds it together as its confidence. Also returns the pairs of reports (article ids)
    whose claims were compared: None when every pair was (an event of up to ``NEIGHBOUR_ARTICLES + 1``
    reports)."""
    if not refs:
        return [], None
    settings = settings or Alignment()
    probability, compared = link_probabilities(refs, settings)
    model = settings.resolved(settings.embeddings and _embeddings_available())
    members_of = group_claims(len(refs), refs, probability, model.threshold)
    named: dict[str, set[str]] = defaultdict(set)
    for ref in refs:
        named[ref.article_id].update(p.lower() for p in ref.claim.places)
    for article_id, words in (mentioned or {}).items():
        named[article_id].update(words)
    details: dict[int, list[Conflict]] = defaultdict(list)
    home = {i: k for k, members in enumerate(members_of) for i in members}
    for (i, j), p in sorted(probability.items(), key=lambda kv: (-kv[1], kv[0])):
        if p < CONFLICT_FLOOR * model.threshold:
            continue
        linked = p >= CONFLICT_LINK * model.threshold
        found = find_conflict(
            refs[i],
            refs[j],
            linked=linked,
            close=p >= model.threshold + CLOSE_LINK * (1 - model.threshold),
            named=named,
            names=names or {},
            doers=doers or set(),
        )
        if found is None:
            continue
        confidence = round(found.certainty * min(1.0, p / (CONFLICT_LINK * model.threshold)), 3)
        conflict = Conflict(
            statements=(_key(refs[i]), _key(refs[j])),
            sources=(refs[i].source, refs[j].source),
            slot=found.slot,
            values=found.values,
            note=found.note(refs[i], refs[j]),
            confidence=confidence,
            possible=confidence < POSSIBLE_BELOW,
        )
        details[i].append(conflict)
        a, b = home[i], home[j]
        if conflict.possible or a == b:
            continue
        # The two claims report one happening two ways: shown side by side. A claim alone in its group
        # joins the other's; two groups of several claims each stay apart (each shows the conflict), so
        # that one conflict never chains two facts together.
        if len(members_of[b]) == 1 or len(members_of[a]) == 1:
            keep, move = (a, b) if len(members_of[b]) == 1 else (b, a)
            members_of[keep] = sorted(members_of[keep] + members_of[move])
            members_of[move] = []
            for k in members_of[keep]:
                home[k] = keep
        else:
            details[j].append(conflict)
    partners: dict[int, list[tuple[int, float]]] = defaultdict(list)  # each claim's scored pairs
    for (i, j), p in probability.items():
        partners[i].append((j, p))
        partners[j].append((i, p))
    result = []
    for members in sorted((m for m in members_of if m), key=lambda m: (min(refs[i].claim.start for i in m), min(m))):
        sources = tuple(dict.fromkeys(refs[i].source for i in members))
        found = [c for i in members for c in details.get(i, [])]
        confirmed = [c for c in found if not c.possible]
        status = "conflict" if confirmed else "shared" if len(sources) > 1 else "unique"
        links = [
            probability.get((i, j) if i < j else (j, i), 0.0)
            for i in members
            for j in members
            if i < j and refs[i].article_id != refs[j].article_id
        ]
        confidence = sum(links) / len(links) if links else 0.0
        closest: dict[str, float] = {}
        inside = {refs[i].article_id for i in members}
        for i in members:
            for k, p in partners.get(i, ()):
                other = refs[k]
                if other.article_id not in inside:
                    closest[other.source] = max(closest.get(other.source, 0.0), round(p, 3))
        result.append(
            ClaimGroup(
                id="",
                status=status,
                statements=tuple(
                    Statement(
                        source=refs[i].source,
                        text=refs[i].claim.text,
                        voice=refs[i].claim.voice,
                        outlet=refs[i].outlet,
                        article_id=refs[i].article_id,
                        claim_id=refs[i].claim.id,
                    )
                    for i in sorted(members, key=lambda i: (sources.index(refs[i].source), refs[i].claim.start))
                ),
                note="; ".join(dict.fromkeys(c.note for c in confirmed)) or None,
                sources=sources,
                similarity=round(max(links), 3) if links else 0.0,
                confidence=round(confidence, 3),
                conflicts=tuple(c.statements for c in confirmed),
                conflict_details=tuple(found),
                closest=dict(sorted(closest.items())),
            )
        )
    order = {"conflict": 0, "shared": 1, "unique": 2}
    result.sort(key=lambda g: (order[g.status], -len(g.sources), -g.similarity))
    return [g.replace(id=f"k{i}") for i, g in enumerate(result, 1)], compared


def _key(ref: ClaimRef) -> str:
    return f"{ref.article_id}:{ref.claim.id}"


def _embeddings_available() -> bool:
    from rashomon.embeddings import available

    return available()
