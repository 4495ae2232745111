"""Ties the compare stage breaks by stable keys, never by the iteration order of a set (which changes with
PYTHONHASHSEED): loaded words in the order the sentence has them, and the main date between two days as
many reports name. tests/present/test_determinism.py runs whole reports under two hash seeds."""

from __future__ import annotations

from rashomon.compare.core import compare_event
from rashomon.compare.framing import find_loaded
from rashomon.records import AnalysedArticle, Analysis, Article, Claim, DateMention, Event


def test_framing_loaded_terms_in_text_order() -> None:
    text = "Critics slammed the so-called plan as disastrous, and the minister admitted it was a tragedy."
    lemmas = ("critic", "slam", "plan", "disastrous", "minister", "admit", "tragedy")
    assert [e.term for e in find_loaded(text, lemmas)] == ["slam", "so-called", "disastrous", "admit", "tragedy"]
    assert [e.term for e in find_loaded(text, tuple(reversed(lemmas)))] == [
        "slam",
        "so-called",
        "disastrous",
        "admit",
        "tragedy",
    ]


def _dated(article_id: str, values: list[str]) -> AnalysedArticle:
    article = Article(id=article_id, source=f"{article_id}.txt", text="-", outlet=article_id, published="2025-03-15")
    dates = tuple(DateMention(text=v, start=n, end=n + 1, value=v) for n, v in enumerate(values))
    claims = tuple(
        Claim(id=f"c{n}", text="The river rose.", start=n, end=n + 1, dates=(d,)) for n, d in enumerate(dates)
    )
    return AnalysedArticle(
        article=article, analysis=Analysis(article_id=article_id, model="test", dates=dates, claims=claims)
    )


def test_core_main_date_tie_goes_to_the_day_named_more_often() -> None:
    # Both reports name both days; the 14th is named more often, whichever comes first.
    items = [_dated("a", ["2025-03-13", "2025-03-14", "2025-03-14"]), _dated("b", ["2025-03-13", "2025-03-14"])]
    event = Event(id="ev1", title=None)
    assert compare_event(event, items).main_date == "2025-03-14"
    assert compare_event(event, items[::-1]).main_date == "2025-03-14"


def test_core_main_date_full_tie_goes_to_the_earlier_day() -> None:
    items = [_dated("a", ["2025-03-14", "2025-03-13"]), _dated("b", ["2025-03-13/2025-03-14", "2025-03-14"])]
    assert compare_event(Event(id="ev1", title=None), items).main_date == "2025-03-13"


def test_issue9_main_date_is_what_happened_not_what_is_announced() -> None:
    """A report of a semi-final that announces the final: the main date is the match that took place."""
    article = Article(id="a", source="a.txt", text="-", outlet="a", published="2025-06-07")
    played = DateMention(text="on Friday", start=0, end=9, value="2025-06-06")
    final = DateMention(text="next Sunday", start=0, end=11, value="2025-06-15")
    claims = (
        Claim(id="c1", text="Lisk beat Avenby 2-1 on Friday.", start=0, end=30, dates=(played,)),
        Claim(id="c2", text="The final will be played next Sunday.", start=31, end=70, dates=(final,)),
        Claim(id="c3", text="Tickets for next Sunday sold out.", start=71, end=100, dates=(final,)),
    )
    item = AnalysedArticle(
        article=article, analysis=Analysis(article_id="a", model="test", dates=(played, final, final), claims=claims)
    )
    assert compare_event(Event(id="ev1", title=None), [item]).main_date == "2025-06-06"
