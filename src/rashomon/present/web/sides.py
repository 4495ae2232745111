"""The event page's side-by-side view: each outlet's claims in the order it states them, coloured by what
the comparison found (shared, conflict, unique), each linked to its counterparts in the other outlets."""

from __future__ import annotations

import re
from typing import Any

from rashomon.records import ComparedEvent

STATUS_ORDER = {"conflict": 0, "shared": 1, "unique": 2}


def _order(claim_id: str) -> tuple[int, str]:
    digits = re.findall(r"\d+", claim_id)
    return (int(digits[-1]) if digits else 0, claim_id)


def anchor(article_id: str, claim_id: str) -> str:
    """The element id of one statement (letters, digits and dashes only)."""
    return "s-" + re.sub(r"[^A-Za-z0-9-]", "-", f"{article_id}-{claim_id}")


def claim_columns(event: ComparedEvent) -> list[dict[str, Any]]:
    """One column per outlet (in the order of the event's articles): its statements in text order, each with
    its group, status and the anchors of the same claim in the other outlets."""
    label = {str(a["source"]): a.get("outlet") or str(a["source"]) for a in event.articles}
    titles = {str(a["source"]): a.get("title") for a in event.articles}
    columns: dict[str, list[dict[str, Any]]] = {str(a["source"]): [] for a in event.articles}
    for group in event.claims:
        for statement in group.statements:
            others = []
            for other in group.statements:
                if other.source == statement.source:
                    continue
                name = label.get(other.source, other.source)
                repeat = sum(1 for o in others if o["name"] == name)
                others.append(
                    {
                        "anchor": anchor(other.article_id, other.claim_id),
                        "name": name,
                        "outlet": f"{name} ({repeat + 1})" if repeat else name,  # two statements, one outlet
                    }
                )
            columns.setdefault(statement.source, []).append(
                {
                    "anchor": anchor(statement.article_id, statement.claim_id),
                    "group": group.id,
                    "status": group.status,
                    "text": statement.text,
                    "voice": statement.voice,
                    "counterparts": others,
                    "order": _order(statement.claim_id),
                }
            )
    out = []
    for source, items in columns.items():
        items.sort(key=lambda item: item["order"])
        counts = {s: sum(1 for i in items if i["status"] == s) for s in STATUS_ORDER}
        out.append(
            {
                "source": source,
                "outlet": label.get(source, source),
                "title": titles.get(source),
                "claims": items,
                "counts": counts,
            }
        )
    return out


def marked_paragraphs(text: str, quotes: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """An article's text in paragraphs of runs, each run plain or marked as a quotation ("quote", titled
    with its speaker), a speaker as written ("speaker") or a verb of speech ("cue"); offsets from the
    analysis. Speakers and cues win over the quotation they sit in."""
    roles: list[tuple[str, str] | None] = [None] * len(text)

    def paint(start: Any, end: Any, role: str, title: str) -> None:
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
            for at in range(start, end):
                roles[at] = (role, title)

    for quote in quotes:
        speaker = quote.get("speaker") or "unattributed"
        paint(quote.get("start"), quote.get("end"), "quote", f"{speaker} ({quote.get('kind')})")
    for quote in quotes:
        paint(quote.get("speaker_start"), quote.get("speaker_end"), "speaker", quote.get("speaker") or "")
        paint(quote.get("cue_start"), quote.get("cue_end"), "cue", quote.get("cue_lemma") or "")
    paragraphs: list[list[dict[str, Any]]] = [[]]
    at = 0
    while at < len(text):
        if text.startswith("\n\n", at):
            paragraphs.append([])
            at += 2
            while at < len(text) and text[at] == "\n":
                at += 1
            continue
        end = at + 1
        while end < len(text) and roles[end] == roles[at] and not text.startswith("\n\n", end):
            end += 1
        role = roles[at]
        paragraphs[-1].append(
            {"text": text[at:end], "role": role[0] if role else None, "title": role[1] if role else ""}
        )
        at = end
    return [p for p in paragraphs if p]
