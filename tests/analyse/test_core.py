"""The analyse stage as a whole: Article in, Analysis out, in batches, as JSON-ready records; paragraph
breaks are sentence breaks; the model is chosen in one place. Every text here is invented."""

from __future__ import annotations

import json

import pytest
from spacy.language import Language

from rashomon.analyse.core import PARAGRAPHS, analyse_articles
from rashomon.analyse.nlp import load_model, model_name
from rashomon.errors import ModelNotFound
from rashomon.records import Analysis, Article
from rashomon.settings import Settings
from tests.analyse.conftest import Analyse

FERRY = "\n\n".join(
    (
        "Transport Minister Jonas Brekke said on Monday that the ferries would sail twice as often while the "
        "Sarne bridge was closed.",
        "“Extra crews have already been hired,” Brekke said. “The last ferry will leave Caster at midnight.”",
    )
)
HARBOUR = "\n\n".join(
    (
        "The Coastal Fisheries Board (CFB) closed the harbour at Varna on Monday after a storm.",
        "Boats may sail again on Thursday, the CFB said.",
    )
)


def test_core_pipeline_has_paragraph_boundaries(nlp: Language) -> None:
    assert PARAGRAPHS in nlp.pipe_names
    assert nlp.pipe_names.index(PARAGRAPHS) < nlp.pipe_names.index("parser")


def test_core_sentences_never_cross_a_paragraph_break(nlp: Language) -> None:
    # No full stop at the end of the first paragraph: only the blank line separates the two.
    doc = nlp("The bridge reopened on Tuesday after two years\n\nthe mayor thanked the crews who rebuilt it.")
    sentences = [s.text.strip() for s in doc.sents]
    assert sentences == [
        "The bridge reopened on Tuesday after two years",
        "the mayor thanked the crews who rebuilt it.",
    ]


def test_core_analyse_articles_in_input_order(nlp: Language) -> None:
    articles = [
        Article(id="ferry", source="ferry.txt", text=FERRY, published="2024-03-05"),
        Article(id="harbour", source="harbour.txt", text=HARBOUR),
    ]
    results = list(analyse_articles(articles, Settings(), nlp=nlp, batch_size=1))
    assert [r.article for r in results] == articles
    assert [r.analysis.article_id for r in results] == ["ferry", "harbour"]
    ferry, harbour = (r.analysis for r in results)
    assert ferry.model == harbour.model == model_name(nlp)
    assert ferry.reference_date == "2024-03-05" and harbour.reference_date is None
    assert ferry.tokens > 30
    assert [q.speaker for q in ferry.quotes if q.kind == "direct"] == ["Jonas Brekke", "Jonas Brekke"]
    assert [e.name for e in harbour.entities if e.acronym == "CFB"] == ["Coastal Fisheries Board"]


def test_core_terms_are_content_lemmas_most_frequent_first(analyse: Analyse) -> None:
    analysis = analyse(FERRY, published="2024-03-05").analysis
    terms = dict(analysis.terms)
    assert terms["ferry"] == 2
    assert terms["brekke"] == 2
    assert "the" not in terms and "," not in terms
    counts = [count for _, count in analysis.terms]
    assert counts == sorted(counts, reverse=True)


def test_core_analysis_round_trips_through_json(analyse: Analyse) -> None:
    analysis = analyse(FERRY, published="2024-03-05").analysis
    assert analysis.quotes and analysis.entities and analysis.claims and analysis.dates
    again = Analysis.from_dict(json.loads(json.dumps(analysis.to_dict())))
    assert again == analysis


def test_core_same_text_same_analysis(nlp: Language) -> None:
    article = Article(id="ferry", source="ferry.txt", text=FERRY, published="2024-03-05")
    first, second = (r.analysis for r in analyse_articles([article, article], Settings(), nlp=nlp))
    assert first == second


def test_core_model_not_installed_is_a_clear_error() -> None:
    with pytest.raises(ModelNotFound, match="no spaCy model named 'en_core_web_nonexistent_xx'"):
        load_model("en_core_web_nonexistent_xx")


def test_core_load_model_is_cached_and_lean() -> None:
    nlp = load_model()
    assert load_model() is nlp
    assert {"parser", "ner", "lemmatizer"} <= set(nlp.pipe_names)
