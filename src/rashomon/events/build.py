"""Event records from clusters: headline, time span, outlets."""

from __future__ import annotations

from rashomon.records import Article, Event, EventArticle, published_instant


def make_event(event_id: str, members: list[Article], centrality: dict[str, float], merged_from=()) -> Event:  # type: ignore[no-untyped-def]
    """An Event from its member articles, ordered by publication time.

    The title is the headline of the most central member (the one most similar to the event as a
    whole), so a one-off angle does not name the event.
    """
    ordered = sorted(members, key=lambda a: (published_instant(a.published) or "9999", a.id))
    titled = [a for a in ordered if a.title]
    title = max(titled, key=lambda a: centrality.get(a.id, 0.0)).title if titled else None
    dates = [a.published[:10] for a in ordered if a.published and not a.published.startswith("--")]
    outlets: list[str] = []
    for article in ordered:
        for name in [article.outlet, *(c.outlet for c in article.carriers)]:
            if name and name not in outlets:
                outlets.append(name)
    return Event(
        id=event_id,
        title=title,
        start=min(dates) if dates else None,
        end=max(dates) if dates else None,
        outlets=tuple(outlets),
        articles=tuple(
            EventArticle(
                article_id=a.id,
                source=a.source,
                title=a.title,
                outlet=a.outlet,
                published=a.published,
                url=a.url,
                similarity=round(centrality.get(a.id, 0.0), 4),
                copies=tuple(dict.fromkeys(c.source for c in a.carriers if c.source and c.source != a.source)),
            )
            for a in ordered
        ),
        merged_from=tuple(merged_from),
    )
