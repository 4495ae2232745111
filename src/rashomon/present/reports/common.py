"""What the Markdown and HTML reports both show, computed once."""

from __future__ import annotations

from rashomon.records import ClaimGroup, ComparedEvent

STATUS_LABEL = {"shared": "shared", "unique": "only here", "conflict": "conflict"}
MAX_UNIQUE_PER_SOURCE = 12
MAX_OMISSIONS = 6


def outlet_label(event: ComparedEvent, source: str) -> str:
    """The outlet's name; with a few words of the headline when the outlet has several articles here."""
    for article in event.articles:
        if article["source"] == source:
            outlet = str(article.get("outlet") or source)
            twins = sum(1 for a in event.articles if (a.get("outlet") or a["source"]) == outlet)
            title = str(article.get("title") or "")
            if twins > 1 and title:
                short = " ".join(title.split()[:5])
                return f"{outlet} ({short}…)"
            return outlet
    return source


def outlets_of(event: ComparedEvent, sources: list[str]) -> str:
    """Distinct outlet labels of some sources, in order."""
    return ", ".join(dict.fromkeys(outlet_label(event, s) for s in sources))


def columns(event: ComparedEvent) -> list[str]:
    """The sources, in publication order: one column each."""
    return [str(a["source"]) for a in event.articles]


def cells(group: ClaimGroup, sources: list[str]) -> list[list[str]]:
    """Each source's statements of a claim group."""
    out: list[list[str]] = [[] for _ in sources]
    for statement in group.statements:
        if statement.source in sources:
            text = statement.text
            if statement.voice and statement.voice != "outlet":
                text = f"{text} [{statement.voice}]"
            out[sources.index(statement.source)].append(text)
    return out


def selected_groups(event: ComparedEvent) -> list[ClaimGroup]:
    """Conflicts and shared claims in full; unique claims capped per source, longest first."""
    groups = [g for g in event.claims if g.status != "unique"]
    per_source: dict[str, int] = {}
    uniques = sorted((g for g in event.claims if g.status == "unique"), key=lambda g: -len(g.statements[0].text))
    for group in uniques:
        source = group.sources[0]
        if per_source.get(source, 0) < MAX_UNIQUE_PER_SOURCE and len(group.statements[0].text.split()) >= 6:
            per_source[source] = per_source.get(source, 0) + 1
            groups.append(group)
    return groups
