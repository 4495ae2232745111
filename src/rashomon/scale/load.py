"""``rashomon batch --db``: the run's articles, analyses and events loaded into the store by one writer.

Articles go in as ``rashomon ingest`` stores them: every extracted article in read order, in batches of
``batch_size``, through ``Store.add_articles`` (which merges copies into carriers itself and skips inputs
already ingested); then the analyses of the articles it added (``save_analyses``), then the batch's events
for the added articles that are in no stored event yet, in one clustering transaction
(``apply_event_changes``), with the features' document frequencies, so later incremental runs weigh terms
as if these articles had been clustered there.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from rashomon.records import Article, Event
from rashomon.settings import Settings


def load_store(
    store: Any,
    settings: Settings,
    out: str,
    extract_keys: list[str],
    named: list[Article],
    kept: list[Article],
    events: list[Event],
    features: dict[str, Any],
    where: dict[str, tuple[str, int, int]],
) -> dict[str, int]:
    """Load one batch run into the store; returns counts by outcome (added, republished, duplicate, ...)."""
    from rashomon.events.cluster import SIGNALS
    from rashomon.ingest.outlets import OutletNames
    from rashomon.scale.tasks import extracted_lines, read_analysed
    from rashomon.store.events_db import EventChanges

    learned = OutletNames.of(store).learn(named)
    if learned:
        store.save_outlet_names(learned)
    counts: Counter[str] = Counter()
    added: set[str] = set()
    pending: list[tuple[str, Article]] = []

    def flush() -> None:
        for outcome in store.add_articles(pending):
            counts[outcome.status] += 1
            if outcome.status in ("added", "version") and outcome.article_id:
                added.add(outcome.article_id)
        pending.clear()

    position = 0
    for key in extract_keys:
        for line in extracted_lines(out, key) if key else []:
            pending.append((line["input_key"], named[position].replace(text=line["text"])))
            position += 1
            if len(pending) >= settings.batch_size:
                flush()
    flush()
    by_file: dict[str, list[tuple[str, int, int]]] = {}
    for article in kept:
        if article.id in added and article.id in where:
            key, start, length = where[article.id]
            by_file.setdefault(key, []).append((article.id, start, length))
    for key, spans in sorted(by_file.items()):
        for first in range(0, len(spans), settings.batch_size):
            chunk = spans[first : first + settings.batch_size]
            store.save_analyses([item.analysis for item in read_analysed(out, key, [(s, n) for _, s, n in chunk])])
            counts["analyses"] += len(chunk)
    changes = EventChanges()
    members = [a.article_id for event in events for a in event.articles if a.article_id in added]
    already = store.clustered_article_ids(members)
    for number, event in enumerate(events, 1):
        joined = [a for a in event.articles if a.article_id in added and a.article_id not in already]
        if not joined:
            continue
        for member in joined:
            changes.memberships.append((member.article_id, -number, member.similarity))
            for signal in SIGNALS:
                changes.df.setdefault(signal, Counter()).update(features[member.article_id].vectors[signal].keys())
        changes.documents += len(joined)
        changes.summaries[-number] = {
            "title": event.title,
            "start": event.start,
            "end": event.end,
            "outlets": list(event.outlets),
            "size": len(joined),
        }
    if changes.memberships:
        store.apply_event_changes(changes)
    counts["events"] = len(changes.summaries)
    return dict(sorted(counts.items()))
