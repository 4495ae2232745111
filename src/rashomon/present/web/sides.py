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
            others = [
                {"anchor": anchor(o.article_id, o.claim_id), "outlet": label.get(o.source, o.source)}
                for o in group.statements
                if o.source != statement.source
            ]
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
