"""Events: articles grouped by the real-world event they report (time-aware, incremental)."""

from rashomon.events.cluster import ArticleFeatures, Clusterer, ClusterParams, cluster_features, features_of


def features_or_failure(item):  # type: ignore[no-untyped-def]
    """The event features of one article inside the events stage's failure boundary."""
    from rashomon.boundary import failure_of

    try:
        return features_of(item)
    except Exception as exc:  # the events stage's boundary: this article fails alone
        return failure_of(exc, item.article.source, "events")


__all__ = [
    "ArticleFeatures",
    "ClusterParams",
    "Clusterer",
    "cluster_events",
    "cluster_features",
    "features_of",
    "group_events",
]


def cluster_events(items, params=None, on_failure=None):  # type: ignore[no-untyped-def]
    """Batch: AnalysedArticle records -> Event records (``rashomon cluster``).

    With ``on_failure``, an article whose features cannot be computed is handed to it as a Failure of
    stage "events" and left out; without it, the exception propagates.
    """
    items = list(items)
    if on_failure is None:
        features = [features_of(item) for item in items]
    else:
        features, kept = [], []
        for item in items:
            result = features_or_failure(item)
            if isinstance(result, ArticleFeatures):
                features.append(result)
                kept.append(item)
            else:
                on_failure(result)
        items = kept
    return group_events(features, [item.article for item in items], params)


def group_events(features, articles, params=None):  # type: ignore[no-untyped-def]
    """Event records from the event features of analysed articles and the articles themselves (their texts
    are not read: ``rashomon batch`` passes them without). IDF comes from the features given."""
    import datetime as dt

    from rashomon.events.build import make_event

    clusterer = Clusterer(params)
    clusterer.observe(features)
    for f in sorted(features, key=lambda f: (f.date or dt.date.min, f.article_id)):
        clusterer.add(f, count=False)
    clusterer.refine()
    by_id = {article.id: article for article in articles}
    events = []
    for number, group in enumerate(clusterer.groups(), 1):
        centrality = {a: clusterer.centrality(a) for a in group}
        events.append(make_event(f"ev{number}", [by_id[a] for a in group], centrality))
    events.sort(key=lambda e: (-len(e.articles), e.start or "", e.id))
    return [e.replace(id=f"ev{i}") for i, e in enumerate(events, 1)]
