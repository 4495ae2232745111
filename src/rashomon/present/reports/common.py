"""What the Markdown and HTML reports both show, computed once: a report a person reads in a minute.

Order: the conflicts (the values that differ highlighted), possible conflicts apart, the biggest omissions,
the facts several outlets share, then each outlet's own facts collapsed per outlet; quotations, voices,
framing and the timeline after. No table is wider than a page: claims are listed, not laid out in one
column per outlet. Republished copies (carriers) are named.
"""

from __future__ import annotations

from dataclasses import dataclass

from rashomon.records import ClaimGroup, ComparedEvent, Conflict

STATUS_LABEL = {"shared": "shared", "unique": "only here", "conflict": "conflict"}
MAX_UNIQUE_SHOWN = 3  # an outlet's own facts shown before "and N more"
MAX_OMISSIONS = 5
MAX_SHARED = 15


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


def scope_note(event: ComparedEvent) -> str | None:
    """What a reader must know about how far the comparison went: in a large event each report was
    compared with its most similar reports only."""
    if event.nearest_reports is None:
        return None
    return (
        f"A large event: each report's claims were compared with those of its {event.nearest_reports} most "
        "similar reports, not with every report's."
    )


def outlets_of(event: ComparedEvent, sources: list[str]) -> str:
    """Distinct outlet labels of some sources, in order."""
    return ", ".join(dict.fromkeys(outlet_label(event, s) for s in sources))


def columns(event: ComparedEvent) -> list[str]:
    """The sources, in publication order."""
    return [str(a["source"]) for a in event.articles]


def carriers(event: ComparedEvent) -> list[tuple[str, list[str]]]:
    """(outlet, the outlets that republished its report) for every article carried by others."""
    out = []
    for article in event.articles:
        copies = [str(c) for c in article.get("carriers") or []]
        if copies:
            out.append((outlet_label(event, str(article["source"])), list(dict.fromkeys(copies))))
    return out


def highlight(text: str, value: str) -> list[tuple[str, bool]]:
    """The text cut around the first occurrence of a value ("19" in "killed 19 people"): (piece, marked?)."""
    if value and value in text:
        at = text.index(value)
        return [(text[:at], False), (value, True), (text[at + len(value) :], False)]
    return [(text, False)]


@dataclass(frozen=True)
class ConflictView:
    conflict: Conflict
    sides: tuple[tuple[str, str, str], tuple[str, str, str]]  # (outlet label, statement text, value)


def conflicts(event: ComparedEvent, *, possible: bool) -> list[ConflictView]:
    """Every conflict (or possible conflict) once, most confident first, with both statements."""
    texts = {f"{s.article_id}:{s.claim_id}": (s.source, s.text) for g in event.claims for s in g.statements}
    seen: set[tuple[str, str]] = set()
    out = []
    for group in event.claims:
        for detail in group.conflict_details:
            if detail.possible != possible or detail.statements in seen:
                continue
            seen.add(detail.statements)
            sides = []
            for key, value in zip(detail.statements, detail.values, strict=True):
                source, text = texts.get(key, (detail.sources[len(sides)], ""))
                sides.append((outlet_label(event, source), text, value))
            out.append(ConflictView(detail, (sides[0], sides[1])))
    out.sort(key=lambda v: (-v.conflict.confidence, v.conflict.statements))
    return out


def shared(event: ComparedEvent) -> list[ClaimGroup]:
    """Facts two or more outlets report (conflicts aside), most outlets and most confident first."""
    groups = [g for g in event.claims if g.status == "shared"]
    groups.sort(key=lambda g: (-len(g.sources), -g.confidence, g.id))
    return groups[:MAX_SHARED]


def unique_by_source(event: ComparedEvent) -> list[tuple[str, list[ClaimGroup]]]:
    """Each outlet's own facts (one outlet reports them), longest first."""
    out = []
    for source in columns(event):
        groups = [
            g
            for g in event.claims
            if g.status == "unique" and g.sources == (source,) and len(g.statements[0].text.split()) >= 6
        ]
        groups.sort(key=lambda g: (-len(g.statements[0].text), g.id))
        if groups:
            out.append((source, groups))
    return out


def voiced(text: str, voice: str | None) -> str:
    return f"{text} [{voice}]" if voice and voice != "outlet" else text
