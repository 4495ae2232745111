"""Incremental clustering on the store: new articles join existing events or open new ones.

Nothing is recomputed from scratch: only the events whose time span meets the new articles' window
(± window_days) are loaded, with their members' features, and IDF comes from the document frequencies
the store keeps. A new article similar to two loaded events above the merge threshold merges them; the
merge is recorded (``event_merges``) and the absorbed event points to the one that absorbed it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable

from rashomon.events import features_or_failure
from rashomon.events.build import make_event
from rashomon.events.cluster import SIGNALS, Clusterer, ClusterParams, features_of
from rashomon.records import AnalysedArticle, Article, Failure
from rashomon.settings import Settings
from rashomon.store import Store
from rashomon.store.events_db import EventChanges

logger = logging.getLogger(__name__)


def params_for(settings: Settings) -> ClusterParams:
    return dataclasses.replace(ClusterParams(), window_days=settings.event_window_days)


def assign_events(
    store: Store, settings: Settings, article_ids: list[str], on_failure: Callable[[Failure], None] | None = None
) -> dict[str, int]:
    """Cluster stored, analysed articles into the store's events. Returns article id -> event id.

    With ``on_failure``, an article whose features cannot be computed is reported there and stays out
    of every event (a later run tries again); without it, the exception propagates."""
    params = params_for(settings)
    todo = [i for i in dict.fromkeys(article_ids) if i not in store.clustered_article_ids(list(article_ids))]
    analyses = store.get_analyses(todo)
    articles = {a.id: a for a in store.iter_articles(ids=[i for i in todo if i in analyses])}
    if not articles:
        return {}
    new_features = []
    for i in articles:
        item = AnalysedArticle(article=articles[i], analysis=analyses[i])
        if on_failure is None:
            new_features.append(features_of(item))
            continue
        result = features_or_failure(item)
        if isinstance(result, Failure):
            on_failure(result)
        else:
            new_features.append(result)
    if not new_features:
        return {}
    dates = [f.date for f in new_features if f.date]
    window = dt.timedelta(days=params.window_days)
    lo = (min(dates) - window).isoformat() if dates else None
    hi = (max(dates) + window).isoformat() if dates else None
    existing = store.event_members_in_window(lo, hi, include_undated=any(f.date is None for f in new_features))
    member_ids = [m for members in existing.values() for m in members]
    member_analyses = store.get_analyses(member_ids)
    member_articles = {a.id: a for a in store.iter_articles(ids=member_ids)}
    member_features = {
        i: features_of(AnalysedArticle(article=member_articles[i], analysis=member_analyses[i]))
        for i in member_ids
        if i in member_analyses and i in member_articles
    }
    wanted: dict[str, set[str]] = {s: set() for s in SIGNALS}
    for f in [*new_features, *member_features.values()]:
        for signal in SIGNALS:
            wanted[signal].update(f.vectors[signal])
    df, documents = store.feature_frequencies(wanted)

    clusterer = Clusterer(params)
    clusterer.df = {s: Counter(df.get(s, {})) for s in SIGNALS}
    clusterer.documents = documents
    for event_id, members in existing.items():
        clusterer.seed(event_id, [member_features[m] for m in members if m in member_features])
    first_new = clusterer._next = max([0, *existing]) + 1
    changes = EventChanges()
    for f in sorted(new_features, key=lambda f: (f.date or dt.date.min, f.article_id)):
        event_id, similarity = clusterer.add(f, count=True)
        changes.memberships.append((f.article_id, event_id, similarity))
        changes.df.setdefault("terms", Counter())
        for signal in SIGNALS:
            changes.df.setdefault(signal, Counter()).update(f.vectors[signal].keys())
    changes.documents = len(new_features)

    def temp(event_id: int) -> int:
        return -event_id if event_id >= first_new else event_id

    changes.memberships = [(a, temp(e), s) for a, e, s in changes.memberships]
    changes.merges = [(temp(a), temp(b), bridge) for a, b, bridge in clusterer.merges]
    everything: dict[str, Article] = {**member_articles, **articles}
    touched = {clusterer.assignment[a] for a, _, _ in changes.memberships}
    touched |= {b for _, b, _ in clusterer.merges}
    for event_id in touched:
        members = [m for m, e in clusterer.assignment.items() if e == event_id and m in everything]
        centrality = {m: clusterer.centrality(m) for m in members}
        event = make_event(str(event_id), [everything[m] for m in members], centrality)
        changes.summaries[temp(event_id)] = {
            "title": event.title,
            "start": event.start,
            "end": event.end,
            "outlets": list(event.outlets),
            "size": len(members),
        }
    ids = store.apply_event_changes(changes)
    result = {}
    for article_id, event_id, _ in changes.memberships:
        result[article_id] = ids.get(event_id, event_id)
    if clusterer.merges:
        logger.info("merged %d events", len(clusterer.merges))
    return result


def cluster_pending(
    store: Store, settings: Settings, on_failure: Callable[[Failure], None] | None = None
) -> dict[str, int]:
    """Cluster every analysed article that is in no event yet."""
    return assign_events(store, settings, store.unclustered_analysed_ids(), on_failure)
