"""Fixtures of the analyse tests: the real English model, loaded once per session, and a cached
``analyse(text, published=..., dateline=...)`` that parses each invented text once however many tests
read its analysis."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
from spacy.language import Language

from rashomon.analyse.core import analyse_article, analyse_articles, prepare
from rashomon.analyse.nlp import load_model
from rashomon.records import AnalysedArticle, Article, Dateline
from rashomon.settings import Settings

Analyse = Callable[..., AnalysedArticle]


@pytest.fixture(scope="session")
def nlp() -> Language:
    return prepare(load_model())


@pytest.fixture(scope="session")
def analyse(nlp: Language) -> Analyse:
    """``analyse(text, published=None, dateline=None)`` -> AnalysedArticle (article and analysis)."""
    cache: dict[tuple[str, str | None, Dateline | None], AnalysedArticle] = {}

    def run(text: str, *, published: str | None = None, dateline: Dateline | None = None) -> AnalysedArticle:
        key = (text, published, dateline)
        if key not in cache:
            article = Article(
                id=hashlib.sha1(repr(key).encode()).hexdigest()[:16],
                source="invented.txt",
                text=text,
                published=published,
                dateline=dateline,
            )
            cache[key] = AnalysedArticle(article=article, analysis=analyse_article(article, Settings(), nlp=nlp))
        return cache[key]

    return run


@pytest.fixture(scope="session")
def analyse_with(nlp: Language) -> Callable[..., AnalysedArticle]:
    """``analyse_with(text, **settings)`` -> AnalysedArticle analysed with those settings (not cached)."""

    def run(text: str, **settings: object) -> AnalysedArticle:
        article = Article(id="a1", source="invented.txt", text=text)
        return next(analyse_articles([article], Settings(**settings), nlp=nlp))  # type: ignore[arg-type]

    return run
