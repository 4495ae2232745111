"""Lookups over compared events that fail loudly: a test names the claim group, quote or entity it means by
a fragment of its text, and gets exactly one."""

from __future__ import annotations

from typing import Any

from rashomon.records import ClaimGroup, ComparedEvent, Framing


def groups_with(groups: tuple[ClaimGroup, ...] | list[ClaimGroup], fragment: str) -> list[ClaimGroup]:
    return [g for g in groups if any(fragment in s.text for s in g.statements)]


def group_with(groups: tuple[ClaimGroup, ...] | list[ClaimGroup], fragment: str) -> ClaimGroup:
    found = groups_with(groups, fragment)
    assert len(found) == 1, f"{len(found)} groups contain {fragment!r}: {[describe(g) for g in groups]}"
    return found[0]


def describe(group: ClaimGroup) -> tuple[str, list[tuple[str, str]], str | None]:
    return group.status, [(s.source, s.text) for s in group.statements], group.note


def framing_of(event: ComparedEvent, outlet: str) -> Framing:
    found = [f for f in event.framing if f.outlet == outlet]
    assert len(found) == 1, [f.outlet for f in event.framing]
    return found[0]


def entity_named(event: ComparedEvent, name: str) -> dict[str, Any]:
    found = [e for e in event.entities if e["name"] == name]
    assert len(found) == 1, f"{len(found)} entities named {name!r}: {[e['name'] for e in event.entities]}"
    return found[0]
