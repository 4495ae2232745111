"""Two reports of one event meet whatever else is in the batch: term weights blend the batch's counts
with packaged background word frequencies, so two or three undated articles compared alone get the IDF of
a large corpus. And every input ends in exactly one event (a copy in its original's), or is a failure."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from typer.testing import CliRunner

from rashomon.events import cluster_events
from rashomon.events.cluster import ClusterParams, background_frequencies, background_share
from rashomon.present.cli import app
from rashomon.records import Article
from tests.events import texts
from tests.events.conftest import Analyse


def test_background_table_is_packaged_and_orders_words_by_use() -> None:
    table = background_frequencies()
    assert len(table) > 100_000
    assert table["the"] > table["flood"] > table["embankment"]
    # A name the table does not know is rare; a specific day always is.
    assert background_share("places", "o:harwick", 400.0) < background_share("terms", "flood", 400.0)
    assert background_share("dates", "2024-10-07", 400.0) < 1e-4
    assert background_share("terms", "the", 400.0) > 0.99


def _undated(article: Article) -> Article:
    return article.replace(published=None)


HERALD = Article(
    id="herald", source="herald.txt", text=texts.HARWICK_HERALD, title="Oster River floods Harwick", outlet="Herald"
)
POST = Article(
    id="post", source="post.txt", text=texts.HARWICK_POST, title="Harwick counts the cost of its flood", outlet="Post"
)


def test_background_two_undated_reports_compared_alone_are_one_event(analyse_all: Analyse) -> None:
    analysed = analyse_all([HERALD, POST])
    events = cluster_events(analysed)
    assert len(events) == 1 and {a.article_id for a in events[0].articles} == {"herald", "post"}


def test_background_a_look_alike_event_still_stays_apart(analyse_all: Analyse) -> None:
    mirefield = Article(
        id="mirefield", source="mirefield.txt", text=texts.MIREFIELD_HERALD, title="Calne River floods Mirefield"
    )
    events = cluster_events(analyse_all([HERALD, POST, mirefield]))
    assert sorted(sorted(a.article_id for a in e.articles) for e in events) == [["herald", "post"], ["mirefield"]]


def test_background_weights_do_not_depend_on_the_batch_alone(analyse_all: Analyse) -> None:
    from rashomon.events.cluster import Clusterer, features_of

    feats = [features_of(a) for a in analyse_all([HERALD, POST])]
    with_background = Clusterer(ClusterParams())
    with_background.observe(feats)
    batch_only = Clusterer(dataclasses.replace(ClusterParams(), background_documents=0.0))
    batch_only.observe(feats)
    # In a batch of two, a word both reports use gets the lowest weight from the batch alone, however
    # telling it is ("harwick"); the background knows it is rare in news.
    both = [k for k in feats[0].vectors["terms"] if k in feats[1].vectors["terms"]]
    assert "harwick" in both and "flood" in both
    assert batch_only._idf("terms", "harwick") == batch_only._idf("terms", "flood")
    assert with_background._idf("terms", "harwick") > with_background._idf("terms", "flood") + 0.5


def test_background_every_input_ends_in_one_event_copies_included(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(texts.HARWICK_HERALD, encoding="utf-8")
    (tmp_path / "b.txt").write_text(texts.HARWICK_HERALD, encoding="utf-8")  # the same text twice
    (tmp_path / "c.txt").write_text(texts.HARWICK_POST, encoding="utf-8")
    sources = [str(tmp_path / n) for n in ("a.txt", "b.txt", "c.txt")]
    result = CliRunner().invoke(app, ["cluster", *sources, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert sorted(data["assignments"]) == sorted(sources)
    assert len(set(data["assignments"].values())) == 1
    [event] = data["events"]
    copies = [c for a in event["articles"] for c in a["copies"]]
    assert len(copies) == 1 and data["failures"] == []
