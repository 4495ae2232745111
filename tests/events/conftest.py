"""Fixtures of the event tests: invented articles analysed with the real English model (loaded once)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rashomon.analyse.core import analyse_articles, prepare
from rashomon.analyse.nlp import load_model
from rashomon.records import AnalysedArticle, Article
from rashomon.settings import Settings

Analyse = Callable[[list[Article]], list[AnalysedArticle]]


@pytest.fixture(scope="session")
def analyse_all() -> Analyse:
    """``analyse_all(articles)`` -> the articles analysed, in order."""
    nlp = prepare(load_model())

    def run(articles: list[Article]) -> list[AnalysedArticle]:
        return list(analyse_articles(articles, Settings(), nlp=nlp))

    return run
