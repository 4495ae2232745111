"""Slot conflicts (compare/conflicts.py) on claims written here: what disagrees, and the look-alikes that do
not (approximations, parts of a whole, a town inside its region, different actions, different measures)."""

from __future__ import annotations

import pytest

from rashomon.compare.conflicts import find_conflict, interval, quantity_conflict
from rashomon.compare.pairs import ClaimRef
from rashomon.records import Claim, DateMention, Quantity


def _ref(article: str, **fields: object) -> ClaimRef:
    claim = Claim(id="c1", text=str(fields.pop("text", "x")), start=0, end=1, **fields)  # type: ignore[arg-type]
    return ClaimRef(source=f"{article}.txt", outlet=article, article_id=article, claim=claim, entities=frozenset())


def _q(text: str, value: float, noun: str | None, verb: str | None = None, part: bool = False) -> Quantity:
    return Quantity(text=text, value=value, noun=noun, verb=verb, part=part)


def _find(a: ClaimRef, b: ClaimRef, linked: bool = True, named: dict | None = None):  # type: ignore[no-untyped-def]
    return find_conflict(a, b, linked=linked, named=named or {}, names={}, doers=set())


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [("about 1,200", 1080, 1320), ("more than 90", 90, float("inf")), ("nearly 2,000", 1700, 2000), ("12", 12, 12)],
)
def test_conflicts_approximators_make_intervals(text: str, low: float, high: float) -> None:
    value = float(text.split()[-1].replace(",", ""))
    assert interval(_q(text, value, "people")) == pytest.approx((low, high))


@pytest.mark.parametrize(
    ("a", "b", "conflict"),
    [
        (("about 1,200", 1200), ("nearly 2,000", 2000), True),
        (("more than 90", 90), ("94", 94), False),
        (("about 1,200", 1200), ("1,180", 1180), False),
        (("12", 12), ("at least 19", 19), True),
    ],
)
def test_conflicts_counts_of_the_same_thing(a: tuple, b: tuple, conflict: bool) -> None:
    ca = Claim(id="a", text="", start=0, end=0, quantities=(_q(a[0], a[1], "people", "evacuate"),))
    cb = Claim(id="b", text="", start=0, end=0, quantities=(_q(b[0], b[1], "people", "flee"),))
    assert (quantity_conflict(ca, cb, linked=True) is not None) == conflict


def test_conflicts_part_of_a_whole_is_no_count() -> None:
    a = _ref("a", quantities=(_q("20", 20, "people", "injure"), _q("five", 5, "child", "injure", part=True)))
    b = _ref("b", quantities=(_q("five", 5, "child", "be", part=True), _q("20", 20, "people", "hurt")))
    assert _find(a, b) is None


def test_conflicts_different_happenings_are_not_compared() -> None:
    a = _ref("a", predicate="die", quantities=(_q("12", 12, "people", "die"),))
    b = _ref("b", predicate="evacuate", quantities=(_q("8,000", 8000, "people", "evacuate"),))
    assert _find(a, b, linked=False) is None


def test_conflicts_money_and_percentages() -> None:
    a = _ref("a", predicate="cost", quantities=(_q("12 million euros", 12e6, "money", "cost"),))
    b = _ref("b", predicate="put", quantities=(_q("9 million euros", 9e6, "money", "put"),))
    found = _find(a, b)
    assert found is not None and found.slot == "amount" and found.values == ("12 million euros", "9 million euros")
    dollars = _ref("b", predicate="put", quantities=(_q("9 million dollars", 9e6, "money", "put"),))
    assert _find(a, dollars) is None  # another currency: not comparable
    p = _ref("a", predicate="win", quantities=(_q("44.2 percent", 44.2, "% vote", "win"),))
    q = _ref("b", predicate="take", quantities=(_q("44.8%", 44.8, "% vote", "take"),))
    assert _find(p, q).slot == "percentage"  # type: ignore[union-attr]
    r = _ref("b", predicate="take", quantities=(_q("44%", 44, "% disapproval", "take"),))
    assert _find(p, r) is None  # a percentage of something else


def _dated(article: str, day: str, verb: str, predicate: str) -> ClaimRef:
    return _ref(
        article, predicate=predicate, dates=(DateMention(text=day, start=0, end=1, value=day),), date_verbs=(verb,)
    )


def test_conflicts_dates_of_one_happening() -> None:
    assert _find(_dated("a", "2025-06-06", "open", "open"), _dated("b", "2025-06-07", "open", "open")) is not None
    # "Friday" resolved against each report's own date to the same day: no conflict.
    assert _find(_dated("a", "2025-06-06", "open", "open"), _dated("b", "2025-06-06", "open", "open")) is None
    # When something was said is not when it happened.
    assert _find(_dated("a", "2025-06-06", "find", "find"), _dated("b", "2025-06-07", "say", "find")) is None


def test_conflicts_town_inside_its_region_is_no_place_conflict() -> None:
    a = _ref("a", predicate="break", places=("Lisk",))
    b = _ref("b", predicate="burst", places=("Tamsel valley",))
    named = {"a": {"lisk", "tamsel valley"}, "b": {"tamsel valley", "lisk"}}
    assert _find(a, b, named=named) is None
    apart = {"a": {"corran bridge"}, "b": {"mill lane"}}
    c = _ref("a", predicate="break", places=("Corran Bridge",))
    d = _ref("b", predicate="burst", places=("Mill Lane",))
    assert _find(c, d, named=apart).slot == "place"  # type: ignore[union-attr]


def test_conflicts_doer_negation_description() -> None:
    guard = _ref("a", predicate="raise", subject="guard", object="alarm")
    driver = _ref("b", predicate="sound", subject="driver", object="alarm")
    assert _find(guard, driver).slot == "who"  # type: ignore[union-attr]
    sounded = _ref("a", predicate="sound", subject="siren")
    silent = _ref("b", predicate="sound", subject="siren", predicate_negated=True)
    assert _find(sounded, silent).slot == "whether it happened"  # type: ignore[union-attr]
    van = _ref("a", predicate="see", items=("vehicle:van:white panel",))
    truck = _ref("b", predicate="see", items=("vehicle:truck:dark green",))
    assert _find(van, truck).slot == "description"  # type: ignore[union-attr]
