"""The article-to-event score is a weighted sum of named evidence (EVIDENCE): similarities of terms,
actors, places and days, agreement of years, and clashes of places and people, whose weights can be
fitted (bench/events.py fits them by logistic regression and measures them against the hand-set ones)."""

from __future__ import annotations

import dataclasses

from rashomon.events.cluster import EVIDENCE, Clusterer, ClusterParams, features_of
from rashomon.records import Article
from tests.events import texts
from tests.events.conftest import Analyse

HARWICK = Article(id="h", source="h.txt", text=texts.HARWICK_HERALD, title="Oster River floods Harwick")
HARWICK_2 = Article(id="h2", source="h2.txt", text=texts.HARWICK_POST, title="Harwick counts the cost")
MIREFIELD = Article(id="m", source="m.txt", text=texts.MIREFIELD_HERALD, title="Calne River floods Mirefield")


def _setup(analyse_all: Analyse, params: ClusterParams):  # type: ignore[no-untyped-def]
    feats = {a.article.id: features_of(a) for a in analyse_all([HARWICK, HARWICK_2, MIREFIELD])}
    clusterer = Clusterer(params)
    clusterer.observe(feats.values())
    clusterer.seed(1, [feats["h"]])
    clusterer.seed(2, [feats["m"]])
    return clusterer, feats


def test_evidence_names_and_weighted_sum(analyse_all: Analyse) -> None:
    params = dataclasses.replace(ClusterParams(), w_place_clash=0.2, w_people_clash=0.3)
    clusterer, feats = _setup(analyse_all, params)
    f = feats["h2"]
    vectors = clusterer._vectors(f)
    for event_id in (1, 2):
        evidence = clusterer.evidence(vectors, f, clusterer.events[event_id])
        assert len(evidence) == len(EVIDENCE)
        weights = (params.w_terms, params.w_actors, params.w_places, params.w_years, params.w_dates, -0.2, -0.3)
        expected = sum(w * x for w, x in zip(weights, evidence, strict=True))
        assert abs(clusterer.similarity(vectors, f, clusterer.events[event_id]) - expected) < 1e-12
    same = dict(zip(EVIDENCE, clusterer.evidence(vectors, f, clusterer.events[1]), strict=True))
    other = dict(zip(EVIDENCE, clusterer.evidence(vectors, f, clusterer.events[2]), strict=True))
    # The second Harwick report shares its places with the first; with the Mirefield flood they clash.
    assert same["place_clash"] == 0.0 and other["place_clash"] == 1.0
    assert same["terms"] > other["terms"] and same["places"] > other["places"]
