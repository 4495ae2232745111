"""The compare report as Markdown. Article text is escaped (it is untrusted): no HTML or table syntax
from an article can reach a renderer."""

from __future__ import annotations

import html

from rashomon.present.reports.common import (
    MAX_OMISSIONS,
    STATUS_LABEL,
    cells,
    columns,
    outlet_label,
    outlets_of,
    selected_groups,
)
from rashomon.records import ComparedEvent


def md(text: object) -> str:
    """Escape text for a Markdown table cell or line."""
    value = html.escape(str(text) if text is not None else "", quote=False)
    for ch in "\\`*_[]|#":
        value = value.replace(ch, "\\" + ch)
    return " ".join(value.split())


def render_markdown(events: list[ComparedEvent]) -> str:
    lines = ["# Rashomon: how the reports differ", ""]
    if not events:
        lines.append("No event was reported by two or more outlets.")
    for event in events:
        lines += _event(event)
    return "\n".join(lines) + "\n"


def _event(event: ComparedEvent) -> list[str]:
    sources = columns(event)
    out = [f"## {md(event.title or event.id)}", ""]
    out += ["| outlet | published | headline | author | relative to the event |", "|---|---|---|---|---|"]
    relation = {e.source: e.relation for e in event.timeline if e.kind == "published"}
    for a in event.articles:
        out.append(
            f"| {md(a['outlet'] or a['source'])} | {md(a['published'])} | {md(a['title'])} | "
            f"{md(a['author'])} | {md(relation.get(str(a['source'])) or '')} |"
        )
    if event.main_date:
        out.append(f"\nMain date the reports mention: **{md(event.main_date)}**.")
    counts = {s: sum(1 for g in event.claims if g.status == s) for s in ("shared", "conflict", "unique")}
    out += [
        "",
        f"### Claims side by side ({counts['shared']} shared, {counts['conflict']} in conflict, "
        f"{counts['unique']} reported by one outlet)",
        "",
    ]
    out.append("| status | " + " | ".join(md(outlet_label(event, s)) for s in sources) + " |")
    out.append("|---|" + "---|" * len(sources))
    for group in selected_groups(event):
        row = [" / ".join(md(t) for t in cell) or "—" for cell in cells(group, sources)]
        status = f"**{STATUS_LABEL[group.status]}**"
        out.append(f"| {status} | " + " | ".join(row) + " |")
    notes = [g for g in event.claims if g.note]
    if notes:
        out += ["", "**Conflicts:**", ""]
        out += [f"- {md(g.note)}" for g in notes]
    out += ["", "### What each outlet leaves out", ""]
    for omission in event.omissions:
        if not omission.missing:
            continue
        out.append(f"- **{md(outlet_label(event, omission.source))}** does not report:")
        for item in omission.missing[:MAX_OMISSIONS]:
            who = outlets_of(event, item["sources"])
            out.append(f"  - {md(item['text'])} _(reported by {md(who)})_")
    out += ["", "### Who said what", ""]
    for source in sources:
        quotes = [q for q in event.quotes if q["source"] == source]
        out.append(f"**{md(outlet_label(event, source))}** — {len(quotes)} quotations")
        out.append("")
        for q in quotes:
            speaker = q["speaker"] or "unattributed"
            written = f" (as “{md(q['speaker_as_written'])}”)" if q["speaker_as_written"] not in (None, speaker) else ""
            behalf = f", for {md(q['on_behalf_of'])}" if q.get("on_behalf_of") else ""
            cue = f" — _{md(q['cue'])}_" if q["cue"] else ""
            out.append(f"- **{md(speaker)}**{written}{behalf}{cue} ({q['kind']}): “{md(q['text'])}”")
        out.append("")
    out += ["### Voices", "", "| outlet | speaker | speaks for | quotations | words | |", "|---|---|---|---|---|---|"]
    for framing in event.framing:
        for voice in framing.voices:
            bar = "█" * max(1, round(voice.words / 10))
            out.append(
                f"| {md(framing.outlet or framing.source)} | {md(voice.speaker)} | {md(voice.affiliation)} | "
                f"{voice.quotes} | {voice.words} | {bar} |"
            )
    out += [
        "",
        "### Framing",
        "",
        "| outlet | headline | verbs of attribution | loaded words (own voice) | tone toward actors |",
        "|---|---|---|---|---|",
    ]
    for framing in event.framing:
        verbs = ", ".join(f"{md(v)} ×{n}" for v, n in framing.attribution_verbs.items())
        loaded = ", ".join(dict.fromkeys(md(t.term) for t in framing.loaded_terms))
        tone = ", ".join(f"{md(name)} {t['score']:+.2f}" for name, t in framing.tone.items())
        out.append(f"| {md(framing.outlet or framing.source)} | {md(framing.headline)} | {verbs} | {loaded} | {tone} |")
    out += ["", "### Timeline", ""]
    for entry in event.timeline:
        what = "published" if entry.kind == "published" else "mentions"
        relation = f" ({entry.relation} the main date)" if entry.relation and entry.relation != "same day" else ""
        out.append(f"- {md(entry.date)} — {md(entry.outlet or entry.source)} {what}: {md(entry.text)}{relation}")
    out.append("")
    return out
