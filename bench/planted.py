"""Conflict detection on the planted-conflict set (bench/gold/planted_conflicts.json): recall of the 34
planted conflicts, the share of reported conflicts that are planted ones, and how many of the 25 look-alike
pairs are wrongly reported, for Rashomon's slot conflicts and for the incumbent aligner in the same run.

    python bench/planted.py        (bench/compare.py runs it too)

Each event's articles are analysed and compared as one event (no clustering). A planted conflict is found
when a reported conflict joins a statement containing one span with a statement containing the other.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
PLANTED = HERE / "gold" / "planted_conflicts.json"


def articles_of(event: dict, *, dated: bool = True) -> list:  # type: ignore[type-arg]
    """The Article records of one planted event (``dated=False``: with no publication date)."""
    from rashomon.records import Article

    return [
        Article(
            id=a["id"],
            source=a["id"],
            text=a["text"],
            title=a["title"],
            outlet=a["outlet"],
            published=a["published"] if dated else None,
            language="en",
        )
        for a in event["articles"]
    ]


def _events():  # type: ignore[no-untyped-def]
    from rashomon.analyse.core import analyse_articles
    from rashomon.records import Event, EventArticle
    from rashomon.settings import Settings

    data = json.loads(PLANTED.read_text(encoding="utf-8"))
    for event in data["events"]:
        articles = articles_of(event)
        items = list(analyse_articles(articles, Settings()))
        record = Event(
            id=event["id"],
            title=event["topic"],
            articles=tuple(EventArticle(article_id=i.article.id, source=i.article.source) for i in items),
        )
        yield event, items, record


def _texts(items) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {f"{i.article.id}:{c.id}": c.text for i in items for c in i.analysis.claims}


def _matches(pair: tuple[str, str], texts: dict[str, str], planted: dict) -> bool:
    a, b = (texts.get(k, "") for k in pair)
    return (planted["a_span"] in a and planted["b_span"] in b) or (planted["a_span"] in b and planted["b_span"] in a)


def score(report: list[tuple[tuple[str, str], bool, str]], texts: dict[str, str], event: dict) -> dict[str, int]:
    """report: (statement pair, possible?, slot) of every conflict a system reported for the event."""
    confirmed = [(pair, slot) for pair, possible, slot in report if not possible]
    possible = [(pair, slot) for pair, flag, slot in report if flag]
    found = sum(1 for c in event["conflicts"] if any(_matches(p, texts, c) for p, _ in confirmed))
    found_possible = sum(
        1
        for c in event["conflicts"]
        if not any(_matches(p, texts, c) for p, _ in confirmed) and any(_matches(p, texts, c) for p, _ in possible)
    )
    real = sum(1 for p, _ in confirmed if any(_matches(p, texts, c) for c in event["conflicts"]))
    lookalikes = sum(1 for n in event["not_conflicts"] if any(_matches(p, texts, n) for p, _ in confirmed))
    return {
        "planted": len(event["conflicts"]),
        "found": found,
        "found_possible_only": found_possible,
        "reported": len(confirmed),
        "reported_real": real,
        "lookalikes": len(event["not_conflicts"]),
        "lookalikes_reported": lookalikes,
    }


def run() -> dict[str, object]:
    import aligner_v0
    from rashomon.compare.core import compare_event, event_refs

    totals: dict[str, Counter[str]] = {"rashomon": Counter(), "incumbent": Counter()}
    by_type: dict[str, Counter[str]] = {"rashomon": Counter(), "incumbent": Counter()}
    planted_by_type: Counter[str] = Counter()
    for event, items, record in _events():
        texts = _texts(items)
        compared = compare_event(record, items)
        ours = [(c.statements, c.possible, c.slot) for g in compared.claims for c in g.conflict_details]
        theirs = [(pair, False, "") for g in aligner_v0.align(event_refs(items)) for pair in g.conflicts]
        for name, report in (("rashomon", ours), ("incumbent", theirs)):
            totals[name].update(score(report, texts, event))
            confirmed = [pair for pair, possible, _ in report if not possible]
            for c in event["conflicts"]:
                by_type[name][c["type"]] += int(any(_matches(p, texts, c) for p in confirmed))
        planted_by_type.update(c["type"] for c in event["conflicts"])
    results: dict[str, object] = {"planted_by_type": dict(planted_by_type)}
    for name, t in totals.items():
        results[name] = {
            **dict(t),
            "recall": round(t["found"] / t["planted"], 4) if t["planted"] else 0.0,
            "precision": round(t["reported_real"] / t["reported"], 4) if t["reported"] else 0.0,
            "found_by_type": dict(by_type[name]),
        }
    return results


def main() -> int:
    if not PLANTED.exists():
        print("no planted-conflict set", file=sys.stderr)
        return 2
    results = run()
    for name in ("rashomon", "incumbent"):
        r = results[name]
        print(
            f"planted conflicts, {name}: recall {r['recall']:.3f} ({r['found']}/{r['planted']}; "  # type: ignore[index]
            f"{r.get('found_possible_only', 0)} more as possible), reported {r['reported']} of which real "  # type: ignore[union-attr]
            f"{r['reported_real']} (precision {r['precision']:.3f}); look-alikes reported "  # type: ignore[index]
            f"{r['lookalikes_reported']}/{r['lookalikes']}"  # type: ignore[index]
        )
        print(f"  by type: {r['found_by_type']} of {results['planted_by_type']}")  # type: ignore[index]
    out = HERE / "results" / "planted.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
