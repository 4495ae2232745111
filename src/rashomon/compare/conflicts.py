"""Conflicts: two statements about the same happening that disagree on one slot.

After de Marneffe, Rafferty and Manning (2008): first make sure two claims describe the same thing (the
pair scorer's link probability, or the same predicate with the same participants), then compare their
slots with type-aware rules:

- quantities: what is counted (the noun, or people and what happened to them), money by currency,
  percentages by points; approximators make intervals ("about 1,200" is 1,080-1,320, "more than 90" is
  90 and up, "nearly 2,000" is 1,700-2,000), and two counts conflict only when their intervals are apart
  and no other count in the other claim agrees ("20 people, including five children" and "five children
  among the 20" agree);
- dates (already resolved against each article's own publication date: "Friday" is 6 June when it is) and
  times of day;
- places, when neither report names the other's place anywhere (a town and the region that contains it
  are both named, so they do not conflict);
- the doer of the same action ("police arrested the driver" / "a passer-by caught the driver");
- negation of the same predicate ("sirens sounded" / "no siren sounded");
- descriptions of the same kind of thing ("a white panel van" / "a dark green pick-up truck").

Each conflict carries a confidence: how sure the slot rule is, scaled by how sure the link is. Below 0.5 it
is reported apart, as a possible conflict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rashomon.records import Claim, Quantity

if TYPE_CHECKING:
    from rashomon.compare.pairs import ClaimRef

POSSIBLE_BELOW = 0.5  # confidence under which a conflict is "possible", shown apart

_DEATH = {"dead", "death", "toll", "killed", "kill", "die", "life", "fatality", "victim"}
_PEOPLE = {
    "people", "person", "resident", "victim", "casualty", "protester", "soldier", "evacuee", "worker",
    "migrant", "refugee", "troop", "officer", "child", "family", "civilian", "passenger", "student",
    "patient", "firefighter", "villager", "inhabitant", "household", "other",
}  # fmt: skip
# People counted without saying who: two such counts are of the same people only for the same happening.
_GENERIC_PEOPLE = {"people", "person", "other", "resident", "inhabitant", "civilian"}
# Words for a change that a percentage measures: "a 3.5 percent rise" / "a 2.5% increase".
_CHANGE_GROUPS = [
    {"rise", "increase", "growth", "hike", "jump", "gain", "raise", "go"},
    {"fall", "drop", "decline", "cut", "decrease", "reduction", "slump"},
]
_VERB_GROUPS = [
    {"die", "kill", "lose", "drown", "perish", "dead", "claim"},
    {"evacuate", "displace", "drive", "flee", "relocate", "shelter", "rescue", "force", "leave", "move"},
    {"injure", "wound", "hurt", "treat", "hospitalize", "hospitalise"},
    {"arrest", "detain", "capture", "hold", "seize", "apprehend", "catch"},
    {"raise", "sound", "alert", "warn", "call"},
    {"reach", "arrive", "get"},
    {"find", "discover", "detect", "spot", "identify"},
    {"give", "fail", "breach", "burst", "collapse", "break", "crumble"},
    {"end", "close", "shut", "stop", "halt", "cease", "abandon", "collapse"},
    {"start", "begin", "erupt", "break", "spark"},
    {"inspect", "check", "examine", "test", "survey"},
    {"score", "net", "win"},
    {"land", "make", "come", "hit", "strike"},
    {"cost", "put", "estimate", "budget", "price"},
    {"order", "issue", "impose", "declare", "decree"},
    {"restrict", "close", "ban", "bar", "limit", "shut"},
    {"embezzle", "divert", "steal", "misappropriate", "siphon"},
    {"offer", "set", "earmark", "allocate", "pay"},
]
# Verbs that say nothing about an action: two claims sharing one are not about the same happening.
_LIGHT = {"be", "have", "do", "say", "tell", "add", "report", "due", "expect", "go", "get", "take", "make", "seem"}
# Nouns that name someone who can do something (the doer of an action), besides people's names.
_AGENTS = {
    "police", "officer", "guard", "driver", "passer", "passer-by", "firefighter", "worker", "farmer",
    "neighbour", "neighbor", "resident", "witness", "soldier", "nurse", "doctor", "rescuer", "volunteer",
    "union", "management", "negotiator", "company", "council", "government", "minister", "team", "player",
    "substitute", "captain", "referee", "judge", "court", "prosecutor", "coastguard", "crew", "army",
    "authority", "agency", "official", "employer", "manager", "director", "mayor", "engineer", "staff",
}  # fmt: skip
_VAGUE = re.compile(r"\b(?:hundreds|dozens|thousands|millions|several|scores|many|few|some \w+s\b)", re.IGNORECASE)
_PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "who", "which", "that", "this", "one"}
_CURRENCY = re.compile(r"(euro|€|dollar|\$|pound|£|crown|kron|franc|yen|rupee|yuan|rouble|ruble)", re.IGNORECASE)


@dataclass(frozen=True)
class SlotConflict:
    slot: str  # "death toll", "amount", "date", "place", "who", ...
    values: tuple[str, str]
    certainty: float  # how sure the slot rule is that these two values cannot both be true

    def note(self, a: ClaimRef, b: ClaimRef) -> str:
        who = f"{a.outlet or a.source} / {b.outlet or b.source}"
        if self.slot == "whether it happened":
            return f"one report denies what the other asserts — {who}"
        return f"{self.slot} differs: {self.values[0]} vs {self.values[1]} — {who}"


def same_action(a: str | None, b: str | None) -> bool:
    """The same kind of happening: one verb, or verbs of one group ("arrest" / "catch")."""
    if not a or not b or a in _LIGHT or b in _LIGHT:
        return False
    return a == b or any(a in group and b in group for group in _VERB_GROUPS)


# ------------------------------------------------------------------------------------------ quantities


def interval(q: Quantity) -> tuple[float, float] | None:
    """The values a number as written allows."""
    if q.value is None:
        return None
    text = q.text.lower()
    x = q.value
    vague = re.search(r"\b(dozens|scores|hundreds|thousands|millions|billions)\b(?! of (?:thousands|millions))", text)
    if vague and not re.search(r"\d", text):  # "hundreds of homes": 200 to 999, not 200
        low = {"dozens": 24.0, "scores": 40.0}.get(vague.group(1), x)
        return (low, low * 5 - 1 if vague.group(1) in ("hundreds", "thousands", "millions", "billions") else 143.0)
    if re.search(r"\b(?:more than|over|at least|upwards of|in excess of|above)\b", text):
        return (x, float("inf"))
    if re.search(r"\b(?:less than|fewer than|under|up to|at most|below)\b", text):
        return (0.0, x)
    if re.search(r"\b(?:nearly|almost|just under|close to)\b", text):
        return (0.85 * x, x)
    if re.search(r"\b(?:about|around|approximately|roughly|some|an estimated|estimated|circa)\b", text):
        return (0.9 * x, 1.1 * x)
    return (x, x)


def _percent_interval(q: Quantity) -> tuple[float, float] | None:
    span = interval(q)
    if span is None:
        return None
    low, high = span
    if low == high:  # an exact figure: as printed, to the rounding of its last digit
        decimals = len(q.text.split(".")[1].rstrip("% percnt")) if "." in q.text else 0
        half = 0.5 * 10**-decimals if decimals else 0.5
        return (low - half, high + half)
    return span


def _apart(x: tuple[float, float], y: tuple[float, float]) -> bool:
    return x[1] < y[0] * 0.999 or y[1] < x[0] * 0.999


def _kind(q: Quantity) -> str:
    if q.noun and q.noun.startswith("%"):
        return "percent"
    if q.noun in ("money", "euro", "dollar", "pound", "crown") or _CURRENCY.search(q.text):
        return "money"
    return "count"


def _comparable(qa: Quantity, qb: Quantity, linked: bool) -> bool:
    """Two numbers measure the same thing: percentages and money with each other; counts of the same noun
    (or both of people) for the same kind of happening. On a linked pair (the same fact) the verb may
    differ ("cost 12 million" / "put the cost at 9 million")."""
    kind = _kind(qa)
    if kind != _kind(qb):
        return False
    if kind == "money":
        ca, cb = _CURRENCY.search(qa.text), _CURRENCY.search(qb.text)
        same_currency = not (ca and cb) or ca.group(1).lower()[:3] == cb.group(1).lower()[:3]
        return same_currency and (linked or same_action(qa.verb, qb.verb))
    if kind == "percent":
        na, nb = (qa.noun or "%").removeprefix("%").strip(), (qb.noun or "%").removeprefix("%").strip()
        changes = [w for w in (na, nb, qa.verb, qb.verb) if w]
        if na and nb and na == nb:
            return linked or same_action(qa.verb, qb.verb)
        # "rise by 3.5 percent" / "a 2.5% increase": the same kind of change, on linked claims
        return linked and any(
            sum(1 for w in changes if w in group) >= 2 and (na or qa.verb) in group for group in _CHANGE_GROUPS
        )
    if qa.noun and qb.noun and (qa.noun == qb.noun or (qa.noun in _DEATH and qb.noun in _DEATH)):
        if qa.verb == qb.verb or same_action(qa.verb, qb.verb) or not (qa.verb and qb.verb):
            return True
        # A specific noun ("120 firefighters" / "60 firefighters") on linked claims counts the same thing
        # whatever the verbs; people in general only for the same happening.
        return linked and qa.noun not in _GENERIC_PEOPLE
    people = (qa.noun in _PEOPLE or qa.noun is None) and (qb.noun in _PEOPLE or qb.noun is None)
    return people and bool(qa.verb and qb.verb) and same_action(qa.verb, qb.verb)


def quantity_conflict(a: Claim, b: Claim, linked: bool) -> SlotConflict | None:
    for qa in a.quantities:
        if qa.value is None or qa.part or _VAGUE.search(qa.text):
            continue
        rivals = [
            qb
            for qb in b.quantities
            if qb.value is not None and not qb.part and not _VAGUE.search(qb.text) and _comparable(qa, qb, linked)
        ]
        if not rivals:
            continue
        measure = _percent_interval if _kind(qa) == "percent" else interval
        ia = measure(qa)
        spans = [(qb, measure(qb)) for qb in rivals]
        if ia is None or any(ib is not None and not _apart(ia, ib) for _, ib in spans):
            continue  # another figure of the other report agrees
        qb = spans[0][0]
        kind = _kind(qa)
        slot = {"money": "amount", "percent": "percentage"}.get(kind) or _count_slot(qa, qb)
        exact = interval(qa) == (qa.value, qa.value) and interval(qb) == (qb.value, qb.value)
        return SlotConflict(slot, (qa.text, qb.text), 0.9 if exact else 0.8)
    return None


def _count_slot(qa: Quantity, qb: Quantity) -> str:
    if {qa.noun, qb.noun} & _DEATH or {qa.verb, qb.verb} & {"die", "kill", "drown", "perish"}:
        return "death toll"
    noun = qa.noun or qb.noun
    return f"number of {noun}" if noun else "count"


# ----------------------------------------------------------------------------------- dates and times


def _days(claim: Claim) -> set[str]:
    return {d.value for d in claim.dates if d.value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", d.value)}


_SAID = {"say", "tell", "announce", "report", "confirm", "state", "add", "write", "declare"}


def _dated(claim: Claim) -> list[tuple[str, str | None]]:
    """(day, the verb it dates) of a claim's dates, leaving out when something was said."""
    verbs = claim.date_verbs or (None,) * len(claim.dates)
    return [
        (d.value, v)
        for d, v in zip(claim.dates, verbs, strict=False)
        if d.value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", d.value) and v not in _SAID
    ]


def date_conflict(a: Claim, b: Claim) -> SlotConflict | None:
    """The same happening dated to different days: days of verbs of one kind, none of them agreeing."""
    da, db = _dated(a), _dated(b)
    pairs = [(x, y) for x, vx in da for y, vy in db if vx == vy or same_action(vx, vy)]
    if pairs and all(x != y for x, y in pairs):
        x, y = pairs[0]
        return SlotConflict("date", (x, y), 0.85)
    return None


def _minutes(value: str) -> tuple[int, bool]:
    hours, minutes = value.lstrip("~").split(":")
    return int(hours) * 60 + int(minutes), value.startswith("~")


def time_conflict(a: Claim, b: Claim) -> SlotConflict | None:
    """The same happening at times of day too far apart, even allowing for "about" and "shortly after"."""
    verbs_a = a.time_verbs or (None,) * len(a.times)
    verbs_b = b.time_verbs or (None,) * len(b.times)
    for ta, va in zip(a.times, verbs_a, strict=False):
        ma, approx_a = _minutes(ta)
        rivals = [(tb, vb) for tb, vb in zip(b.times, verbs_b, strict=False) if va == vb or same_action(va, vb)]
        if not rivals:
            continue
        gaps = []
        for tb, _ in rivals:
            mb, approx_b = _minutes(tb)
            gap = min(abs(ma - mb), 1440 - abs(ma - mb))
            gaps.append(gap - (45 if approx_a else 0) - (45 if approx_b else 0))
        if min(gaps) > 30:
            return SlotConflict("time", (ta.lstrip("~"), rivals[0][0].lstrip("~")), 0.75)
    return None


# ---------------------------------------------------------------------------------- places, doers, ...


def place_conflict(a: Claim, b: Claim, named_a: set[str], named_b: set[str]) -> SlotConflict | None:
    """Places of the two claims that the other report never names at all (a town and its region, named
    by both reports, do not conflict)."""
    pa = {p for p in a.places if not _named(p, named_b)}
    pb = {p for p in b.places if not _named(p, named_a)}
    if pa and pb and len(pa) == len(set(a.places)) and len(pb) == len(set(b.places)):
        return SlotConflict("place", (", ".join(sorted(pa)), ", ".join(sorted(pb))), 0.7)
    return None


def _named(place: str, named: set[str]) -> bool:
    """Whether a report names this place, or a place sharing a word with it ("Tamsel" / "River Tamsel")."""
    words = {w for w in re.findall(r"\w+", place.lower()) if len(w) > 2 and w not in ("river", "the", "lake")}
    return place.lower() in named or any(words & set(re.findall(r"\w+", other)) for other in named)


def agent_conflict(a: Claim, b: Claim, names: dict[str, str], doers: set[str]) -> SlotConflict | None:
    """The same action done to the same thing by different doers (people, organisations, or nouns that name
    someone who acts: "a security guard" / "a passing taxi driver" raised the alarm)."""
    if not same_action(a.predicate, b.predicate) or not a.subject or not b.subject or a.subject == b.subject:
        return None
    if not (a.object and b.object and a.object == b.object):
        return None
    if not all(s in doers or s in _AGENTS for s in (a.subject, b.subject)):
        return None
    return SlotConflict("who", (names.get(a.subject, a.subject), names.get(b.subject, b.subject)), 0.65)


def negation_conflict(a: Claim, b: Claim) -> SlotConflict | None:
    """One denies the very action the other asserts ("no siren sounded" / "sirens sounded")."""
    if a.predicate_negated == b.predicate_negated or not same_action(a.predicate, b.predicate):
        return None
    said, _denied = (a, b) if b.negated else (b, a)
    return SlotConflict("whether it happened", ("yes", "no") if said is a else ("no", "yes"), 0.7)


def description_conflict(a: Claim, b: Claim) -> SlotConflict | None:
    """The same kind of thing described differently: another noun of the kind, or other modifiers."""
    kinds_a = {item.split(":")[0]: item for item in a.items}
    for item_b in b.items:
        kind, noun_b, mods_b = item_b.split(":", 2)
        item_a = kinds_a.get(kind)
        if item_a is None:
            continue
        _, noun_a, mods_a = item_a.split(":", 2)
        if noun_a != noun_b or (mods_a and mods_b and not set(mods_a.split()) & set(mods_b.split())):
            return SlotConflict("description", (f"{mods_a} {noun_a}".strip(), f"{mods_b} {noun_b}".strip()), 0.7)
    return None


def _same_happening(a: Claim, b: Claim) -> bool:
    """Two linked claims are about one happening: the same action, or the same doer or thing done to."""
    if same_action(a.predicate, b.predicate):
        return True
    shared = {x for x in (a.subject, a.object) if x} & {x for x in (b.subject, b.object) if x}
    return bool(shared - _PRONOUNS) and bool(a.predicate) and bool(b.predicate) and a.predicate not in _LIGHT


def find_conflict(
    a: ClaimRef,
    b: ClaimRef,
    *,
    linked: bool,
    close: bool = False,
    named: dict[str, set[str]],
    names: dict[str, str],
    doers: set[str] | None = None,
) -> SlotConflict | None:
    """The first slot on which two claims about one happening disagree.

    ``linked``: the pair scorer holds them to state the same fact; otherwise only counts of the same
    thing for the same kind of happening, and the doer or the negation of the same action, are compared.
    ``close``: the link is strong (near paraphrases): their dates, times and places are compared even when
    their verbs differ ("tore roofs ... at 5pm on Tuesday" / "came ashore at 3am on Wednesday").
    ``named``: per article, every place it names (lowercase). ``names``: actor id -> name.
    """
    ca, cb = a.claim, b.claim
    found = quantity_conflict(ca, cb, linked)
    if found or not ca.predicate or not cb.predicate:
        return found
    same = _same_happening(ca, cb) or close
    checks = [
        lambda: agent_conflict(ca, cb, names, doers or set()),
        lambda: negation_conflict(ca, cb),
    ]
    if linked:
        checks.append(lambda: description_conflict(ca, cb))
    if linked and same:
        checks += [
            lambda: date_conflict(ca, cb),
            lambda: time_conflict(ca, cb),
            lambda: place_conflict(ca, cb, named.get(a.article_id, set()), named.get(b.article_id, set())),
        ]
    for check in checks:
        found = check()
        if found:
            return found
    return None
