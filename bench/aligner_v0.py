"""The incumbent claim aligner (compare.lexical_entity.v1, as of commit bbde249), kept for benchmarks only:
bench/compare.py and bench/fit_pair_scorer.py measure the learned pair scorer and the slot conflicts
against it in the same run.

TF-IDF over lemmas, stems and canonical entities mixed with sentence embeddings (weight 0.6), mutual-best
links above 0.45 (0.40 lexical), same-issue links above 0.35 (0.22 lexical), union-find groups; conflicts on
numbers, dates, places and negation.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

from rashomon.compare.pairs import ClaimRef
from rashomon.records import Claim, ClaimGroup, Quantity, Statement

# Thresholds of compare.lexical_entity.v1, set on the ECB+ gold alignments (bench/compare.py) and the demo.
# With sentence embeddings (the default install); measured on the ECB+ gold: F1 0.41 against 0.37 for the
# best lexical-only setting.
ALIGN_THRESHOLD = 0.45
# The same issue in two framings ("election observation requires reform" / "observer missions show double
# standards") scores lower: such a pair is linked when each claim is the other's single best match in the
# other article and they share an entity or a word stem.
ISSUE_THRESHOLD = 0.35
CONFLICT_THRESHOLD = 0.22
BEST_MATCH_SLACK = 0.05  # a link may go to a partner within this much of the best one
CLOSE_MARGIN = 0.12  # near-paraphrases: this far above the alignment threshold
LEXICAL_CLOSE_MARGIN = 0.05
# Without the embedding extra, similarities are lexical and entity-based only and run lower; the best
# lexical thresholds on the same gold set.
LEXICAL_ALIGN_THRESHOLD = 0.40
LEXICAL_ISSUE_THRESHOLD = 0.22


def _features(ref: ClaimRef) -> Counter[str]:
    features: Counter[str] = Counter()
    for lemma in ref.claim.lemmas:
        lemma = lemma.strip(".,'’\"")
        if not lemma or lemma.isdigit():
            continue
        features[lemma] += 1
        if len(lemma) > 6 and lemma.isalpha():
            features["~" + lemma[:5]] += 1
    for entity in ref.entities:
        features["E:" + entity] += 2
    for q in ref.claim.quantities:
        if q.noun:
            features["N:" + q.noun] += 1
    return features


# How the alignment score mixes lexical-entity similarity and sentence embeddings (when installed).
EMBEDDING_WEIGHT = 0.6
USE_EMBEDDINGS = True
ISSUE_LINKS = True


class Aligner:
    """Pairwise claim similarity over one event."""

    def __init__(self, refs: list[ClaimRef], embeddings: bool = True) -> None:
        self.refs = refs
        self.embeddings = None
        if USE_EMBEDDINGS and embeddings:
            from rashomon.embeddings import embed

            self.embeddings = embed([r.claim.text for r in refs])
        self.raw = [_features(r) for r in refs]
        df: Counter[str] = Counter()
        for f in self.raw:
            df.update(f.keys())
        n = len(refs)
        self.idf = {k: math.log((1 + n) / (1 + v)) + 1 for k, v in df.items()}
        self.vectors = []
        for f in self.raw:
            weights = {k: (1 + math.log(v)) * self.idf[k] for k, v in f.items()}
            norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            self.vectors.append({k: w / norm for k, w in weights.items()})

    def similarity(self, i: int, j: int) -> float:
        a, b = self.vectors[i], self.vectors[j]
        if len(a) > len(b):
            a, b = b, a
        lexical = sum(w * b.get(k, 0.0) for k, w in a.items())
        if self.embeddings is None:
            return lexical
        semantic = float(self.embeddings[i] @ self.embeddings[j])
        return (1 - EMBEDDING_WEIGHT) * lexical + EMBEDDING_WEIGHT * semantic


def align(refs: list[ClaimRef], embeddings: bool = True) -> list[ClaimGroup]:
    """Group the claims of an event's articles; each group is shared, unique or a conflict."""
    if not refs:
        return []
    aligner = Aligner(refs, embeddings)
    n = len(refs)
    align_at, issue_at, close_margin = (
        (ALIGN_THRESHOLD, ISSUE_THRESHOLD, CLOSE_MARGIN)
        if aligner.embeddings is not None
        else (LEXICAL_ALIGN_THRESHOLD, LEXICAL_ISSUE_THRESHOLD, LEXICAL_CLOSE_MARGIN)
    )
    by_article: dict[str, list[int]] = defaultdict(list)
    for i, ref in enumerate(refs):
        by_article[ref.article_id].append(i)
    sims: dict[tuple[int, int], float] = {}
    best: dict[tuple[int, str], float] = defaultdict(float)
    for i in range(n):
        for j in range(i + 1, n):
            if refs[i].article_id == refs[j].article_id:
                continue
            s = aligner.similarity(i, j)
            if s >= CONFLICT_THRESHOLD:
                sims[(i, j)] = s
                best[(i, refs[j].article_id)] = max(best[(i, refs[j].article_id)], s)
                best[(j, refs[i].article_id)] = max(best[(j, refs[i].article_id)], s)
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    notes: dict[int, list[str]] = defaultdict(list)
    pair_notes: list[tuple[int, int]] = []
    conflict_members: set[int] = set()
    conflict_pairs: list[tuple[int, int]] = []
    link_scores: dict[int, list[float]] = defaultdict(list)
    for (i, j), s in sorted(sims.items(), key=lambda kv: -kv[1]):
        # Mutual best matches (within a small slack) only: one claim does not gather every loosely
        # related sentence of another article, and groups do not chain across topics.
        near_best = (
            s >= best[(i, refs[j].article_id)] - BEST_MATCH_SLACK
            and s >= best[(j, refs[i].article_id)] - BEST_MATCH_SLACK
        )
        note = None
        if near_best and _same_subject(refs[i], refs[j]):
            note = conflict_note(refs[i], refs[j], aligned=s >= align_at, close=s >= align_at + close_margin)
        if note and near_best:
            parent[find(i)] = find(j)
            notes[i].append(note)
            pair_notes.append((i, j))
            conflict_members.update((i, j))
            conflict_pairs.append((i, j))
            link_scores[i].append(s)
        elif (s >= align_at and near_best) or (
            ISSUE_LINKS
            and s >= issue_at
            and s >= best[(i, refs[j].article_id)]
            and s >= best[(j, refs[i].article_id)]
            and _shares_something(aligner, i, j)
        ):
            parent[find(i)] = find(j)
            link_scores[i].append(s)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        groups[find(i)].append(i)
    result = []
    for members in sorted(groups.values(), key=lambda m: (min(refs[i].claim.start for i in m), min(m))):
        sources = tuple(dict.fromkeys(refs[i].source for i in members))
        conflicts = [note for i in members for note in notes.get(i, [])]
        status = "conflict" if conflicts else "shared" if len(sources) > 1 else "unique"
        scores = [s for i in members for s in link_scores.get(i, [])]
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
                note="; ".join(dict.fromkeys(conflicts)) or None,
                conflicts=tuple(
                    (f"{refs[x].article_id}:{refs[x].claim.id}", f"{refs[y].article_id}:{refs[y].claim.id}")
                    for x, y in pair_notes
                    if x in members
                ),
                sources=sources,
                similarity=round(max(scores), 3) if scores else 0.0,
            )
        )
    order = {"conflict": 0, "shared": 1, "unique": 2}
    result.sort(key=lambda g: (order[g.status], -len(g.sources), -g.similarity))
    return [g.replace(id=f"k{i}") for i, g in enumerate(result, 1)]


# ---------------------------------------------------------------------------------------- conflicts

_COUNT_NOUNS = {
    "people",
    "person",
    "dead",
    "death",
    "toll",
    "victim",
    "resident",
    "casualty",
    "injured",
    "wounded",
    "protester",
    "soldier",
    "evacuee",
    "family",
    "home",
    "house",
    "child",
    "worker",
    "migrant",
    "refugee",
    "troop",
    "officer",
    "vote",
    "member",
    "observer",
    "%",
    "money",
    "killed",
    "life",
}
_DEATH = {"dead", "death", "toll", "killed", "kill", "die", "life", "fatality", "victim"}


def _shares_something(aligner: Aligner, i: int, j: int) -> bool:
    """An entity or a word stem in common (beyond the event's ubiquitous ones)."""
    a, b = aligner.raw[i], aligner.raw[j]
    shared = [k for k in a if k in b and (k.startswith(("E:", "~")) or len(k) > 3)]
    return any(aligner.idf[k] > 1.5 for k in shared)


def _same_subject(a: ClaimRef, b: ClaimRef) -> bool:
    """Two claims are about the same thing when they share an entity, a counted noun, or two lemmas."""
    if a.entities & b.entities:
        return True
    nouns_a = {q.noun for q in a.claim.quantities if q.noun}
    if nouns_a & {q.noun for q in b.claim.quantities if q.noun}:
        return True
    shared = set(a.claim.lemmas) & set(b.claim.lemmas)
    return len(shared) >= 2


_LIGHT_VERBS = {"be", "have", "say", "do", "make", "get", "tell", "add", "report"}


def _same_count(a: Claim, b: Claim) -> bool:
    """Two loosely similar claims count the same thing when a number counts the same noun and the claims
    share a content word besides it ("12 people died" / "19 people died"; not "12 people died" /
    "8,000 people were evacuated")."""
    nouns = {q.noun for q in a.quantities if q.noun} & {q.noun for q in b.quantities if q.noun}
    shared = (set(a.lemmas) & set(b.lemmas)) - nouns - _LIGHT_VERBS
    shared = {w for w in shared if not any(ch.isdigit() for ch in w)}
    return bool(nouns) and bool(shared & (_DEATH | {w for w in shared if len(w) > 3}))


# Verbs that say the same thing happened to what is counted.
_VERB_GROUPS = [
    {"die", "kill", "lose", "drown", "perish", "dead", "claim", "leave"},
    {"evacuate", "displace", "drive", "flee", "relocate", "shelter", "rescue", "force"},
    {"injure", "wound", "hurt", "treat", "hospitalize", "hospitalise"},
    {"arrest", "detain", "capture", "hold", "seize", "apprehend"},
]


def _same_event_verb(a: str | None, b: str | None) -> bool:
    if not a or not b or a == b:
        return True
    return any(a in group and b in group for group in _VERB_GROUPS)


def _quantity_conflict(a: Claim, b: Claim) -> str | None:
    """Two counts of the same thing that disagree (and no other count in the other claim agrees)."""
    for qa in a.quantities:
        if qa.value is None or not (qa.noun or qa.verb) or _VAGUE.search(qa.text):
            continue
        rivals = [
            qb for qb in b.quantities if qb.value is not None and not _VAGUE.search(qb.text) and _same_count_of(qa, qb)
        ]
        if not rivals or any(_close(qa.value, qb.value) for qb in rivals):
            continue
        qb = rivals[0]
        return f"numbers differ: {qa.text} vs {qb.text} ({qa.noun or qb.noun or qa.verb})"
    return None


_PEOPLE = {
    "people",
    "person",
    "resident",
    "victim",
    "casualty",
    "protester",
    "soldier",
    "evacuee",
    "worker",
    "migrant",
    "refugee",
    "troop",
    "officer",
    "child",
    "family",
    "civilian",
    "passenger",
    "student",
}
_VAGUE = re.compile(r"\b(?:hundreds|dozens|thousands|millions|several|scores|many|few|some)\b", re.IGNORECASE)


def _same_count_of(qa: Quantity, qb: Quantity) -> bool:
    """Whether two numbers count the same thing: the same noun and the same kind of happening, or people
    named or implied ("600 were evacuated" / "1,000 people were forced to flee") with the same kind of
    happening."""
    if qa.noun and qb.noun and (qa.noun == qb.noun or (qa.noun in _DEATH and qb.noun in _DEATH)):
        return _same_event_verb(qa.verb, qb.verb)
    if (qa.noun in _PEOPLE or qa.noun is None) and (qb.noun in _PEOPLE or qb.noun is None):
        return bool(qa.verb and qb.verb) and _same_event_verb(qa.verb, qb.verb)
    return False


def _close(x: float | None, y: float | None) -> bool:
    if x is None or y is None:
        return False
    high = max(abs(x), abs(y))
    return not high or abs(x - y) / high <= 0.05


def _date_conflict(a: Claim, b: Claim) -> str | None:
    da = {d.value for d in a.dates if d.value and re.match(r"\d{4}-\d{2}-\d{2}$", d.value)}
    db = {d.value for d in b.dates if d.value and re.match(r"\d{4}-\d{2}-\d{2}$", d.value)}
    if da and db and not da & db:
        shared = set(a.lemmas) & set(b.lemmas)
        if len(shared) >= 2:
            return f"dates differ: {', '.join(sorted(da))} vs {', '.join(sorted(db))}"
    return None


def _place_conflict(a: Claim, b: Claim) -> str | None:
    # A place the other claim also names in passing (inside an organisation's name, say) is no conflict.
    pa = {p for p in a.places if p.lower() not in b.text.lower()}
    pb = {p for p in b.places if p.lower() not in a.text.lower()}
    if pa and pb and len(pa) == len(set(a.places)) and len(pb) == len(set(b.places)):
        shared = (set(a.lemmas) & set(b.lemmas)) - {p.lower() for p in pa | pb}
        if len(shared) >= 3:
            return f"places differ: {', '.join(sorted(pa))} vs {', '.join(sorted(pb))}"
    return None


def _negation_conflict(a: Claim, b: Claim) -> str | None:
    if a.negated == b.negated:
        return None
    la, lb = set(a.lemmas), set(b.lemmas)
    shared = la & lb
    # Only near-paraphrases: "no siren sounded" / "sirens sounded"; a negation elsewhere in a long
    # sentence says nothing about the shared fact.
    if len(shared) >= 2 and len(shared) >= 0.6 * min(len(la), len(lb)):
        return "one report denies what the other asserts"
    return None


def conflict_note(a: ClaimRef, b: ClaimRef, *, aligned: bool = True, close: bool = True) -> str | None:
    """What makes two claims about the same thing incompatible, if anything.

    Claims only loosely alike (``aligned`` False) conflict only on a count of the same thing; dates and
    times are checked on claims aligned as the same fact; places and negation, which differ for many
    reasons between two sentences on one topic, only on near-paraphrases (``close``).
    """
    checks = [_quantity_conflict] if aligned or _same_count(a.claim, b.claim) else []
    if aligned:
        checks += [_date_conflict]
    if aligned and close:
        checks += [_place_conflict, _negation_conflict]
    for check in checks:
        note = check(a.claim, b.claim)
        if note:
            return f"{note} — {a.outlet or a.source} / {b.outlet or b.source}"
    return None
