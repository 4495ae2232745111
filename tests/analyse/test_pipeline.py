"""The analyse stage in the pipeline: extracted articles analysed without a store, stored articles
analysed once and saved, ingest analysing what it stores."""

from __future__ import annotations

from pathlib import Path

from rashomon.analyse.nlp import load_model, model_name
from rashomon.pipeline import analyse_extracted, analyse_stored, extract_articles, ingest
from rashomon.records import Article
from rashomon.store import Store

MNA = "mna-lisk-flood.txt"


def test_pipeline_analyse_extracted(examples_dir: Path, store: Store) -> None:
    articles = [a for a in extract_articles([str(examples_dir / MNA)], store.settings) if isinstance(a, Article)]
    [item] = list(analyse_extracted(articles, store.settings))
    assert item.article == articles[0]
    quotes = item.analysis.quotes
    assert any(q.speaker == "Teodor Halvik" and q.kind == "direct" for q in quotes)
    assert any(q.speaker == "Lidia Sarkany" and q.speaker_as_written == "the spokeswoman" for q in quotes)
    assert store.count_articles() == 0  # nothing stored


def test_pipeline_ingest_without_analysis_then_analyse_stored(examples_dir: Path, store: Store) -> None:
    settings = store.settings.model_copy(update={"analyse_on_ingest": False})
    summary = ingest([str(examples_dir)], settings, store)
    assert summary.analysed == 0
    ids = sorted(a.id for a in store.iter_articles())
    assert store.unanalysed_ids() == ids

    done = list(analyse_stored(store, settings))
    assert sorted(item.article.id for item in done) == ids
    assert store.unanalysed_ids() == []
    for item in done:
        assert store.get_analysis(item.article.id) == item.analysis

    # Nothing left to do; asked for by id, the stored analysis comes back as it is.
    assert list(analyse_stored(store, settings)) == []
    again = list(analyse_stored(store, settings, ids=ids[:2]))
    assert {i.article.id: i.analysis for i in again} == {i: store.get_analysis(i) for i in ids[:2]}


def test_pipeline_analyse_stored_redo_with_same_model_is_nothing_new(examples_dir: Path, store: Store) -> None:
    ingest([str(examples_dir / MNA)], store.settings, store)
    model = model_name(load_model(store.settings.model))
    assert store.unanalysed_ids(model) == []
    [article] = store.iter_articles()
    redone = list(analyse_stored(store, store.settings, ids=[article.id], redo=True))
    assert [i.analysis for i in redone] == [store.get_analysis(article.id)]
    assert redone[0].analysis.model == model
