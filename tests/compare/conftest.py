"""Fixtures of the compare tests: invented articles analysed with the real English model (loaded once) and
compared as one event."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rashomon.analyse.core import analyse_articles, prepare
from rashomon.analyse.nlp import load_model
from rashomon.compare.align import Alignment
from rashomon.compare.core import compare_event
from rashomon.events.build import make_event
from rashomon.records import Article, ComparedEvent
from rashomon.settings import Settings

Compare = Callable[..., ComparedEvent]


@pytest.fixture(scope="session")
def compare_articles() -> Compare:
    """``compare_articles(articles, alignment=None)`` -> the articles analysed and compared as one event."""
    nlp = prepare(load_model())

    def run(articles: list[Article], alignment: Alignment | None = None) -> ComparedEvent:
        items = list(analyse_articles(articles, Settings(), nlp=nlp))
        return compare_event(make_event("ev1", articles, {}), items, alignment)

    return run
