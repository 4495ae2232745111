"""The compare report as Markdown. Article text is escaped (it is untrusted): no HTML or table syntax
from an article can reach a renderer."""

from __future__ import annotations

import html

from rashomon.present.reports.common import (
    MAX_OMISSIONS,
    MAX_UNIQUE_SHOWN,
    carriers,
    conflicts,
    highlight,
    outlet_label,
    outlets_of,
    scope_note,
    shared,
    unique_by_source,
    voiced,
)
from rashomon.records import ComparedEvent


def md(text: object) -> str:
    """Escape text for a Markdown table cell or line."""
    value = html.escape(str(text) if text is not None else "", quote=False)
    for ch in "\\`*_[]|#":
        value = value.replace(ch, "\\" + ch)
    return " ".join(value.split())


def _marked(text: str, value: str) -> str:
    """The text with the differing value in bold (each piece escaped on its own)."""
    out = []
    for piece, marked in highlight(text, value):
        body = f"**{md(piece)}**" if marked else md(piece)
        # md() trims each piece: the spaces around the bold value are put back
        out.append((" " if piece[:1].isspace() else "") + body + (" " if piece[-1:].isspace() and body else ""))
    return " ".join("".join(out).split())


def render_markdown(events: list[ComparedEvent]) -> str:
    lines = ["# Rashomon: how the reports differ", ""]
    if not events:
        lines.append("No event was reported by two or more outlets.")
    for event in events:
        lines += _event(event)
    return "\n".join(lines) + "\n"


def _event(event: ComparedEvent) -> list[str]:
    confirmed, possible = conflicts(event, possible=False), conflicts(event, possible=True)
    shared_groups = shared(event)
    out = [f"## {md(event.title or event.id)}", ""]
    counts = {s: sum(1 for g in event.claims if g.status == s) for s in ("shared", "conflict", "unique")}
    main = f"; main date **{md(event.main_date)}**" if event.main_date else ""
    out.append(
        f"{len(event.articles)} reports by {len({a['outlet'] or a['source'] for a in event.articles})} outlets{main}: "
        f"{len(confirmed)} conflicts, {counts['shared']} facts shared, {counts['unique']} reported by one outlet."
    )
    if note := scope_note(event):
        out += ["", f"_{md(note)}_"]
    out += ["", "| outlet | published | headline | relative to the event |", "|---|---|---|---|"]
    relation = {e.source: e.relation for e in event.timeline if e.kind == "published"}
    for a in event.articles:
        out.append(
            f"| {md(a['outlet'] or a['source'])} | {md(a['published'])} | {md(a['title'])} | "
            f"{md(relation.get(str(a['source'])) or '')} |"
        )
    for outlet, copies in carriers(event):
        out.append(f"\n{md(outlet)}'s report was republished by {md(', '.join(copies))}.")
    out += ["", f"### Where the reports disagree ({len(confirmed)})", ""]
    if not confirmed:
        out.append("No conflict found.")
    for view in confirmed:
        (a_outlet, a_text, a_value), (b_outlet, b_text, b_value) = view.sides
        out.append(
            f"- **{md(view.conflict.slot)}** — {md(a_outlet)}: “{_marked(a_text, a_value)}” · "
            f"{md(b_outlet)}: “{_marked(b_text, b_value)}” _(confidence {view.conflict.confidence:.2f})_"
        )
    if possible:
        out += ["", f"#### Possible conflicts, less certain ({len(possible)})", ""]
        for view in possible:
            (a_outlet, a_text, a_value), (b_outlet, b_text, b_value) = view.sides
            out.append(
                f"- {md(view.conflict.slot)}? {md(a_outlet)}: “{_marked(a_text, a_value)}” · "
                f"{md(b_outlet)}: “{_marked(b_text, b_value)}” _(confidence {view.conflict.confidence:.2f})_"
            )
    out += ["", "### What each outlet leaves out", ""]
    listed = False
    for omission in event.omissions:
        missing = [m for m in omission.missing if m["reported_by"] > 1] or list(omission.missing)
        if not missing:
            continue
        listed = True
        out.append(f"- **{md(outlet_label(event, omission.source))}** does not report:")
        for item in missing[:MAX_OMISSIONS]:
            out.append(f"  - {md(item['text'])} _(reported by {md(outlets_of(event, item['sources']))})_")
        if len(missing) > MAX_OMISSIONS:
            out.append(f"  - _and {len(missing) - MAX_OMISSIONS} more_")
    if not listed:
        out.append("Every outlet reports the facts the others report.")
    out += ["", f"### Facts several outlets report ({counts['shared']})", ""]
    for group in shared_groups:
        first, *others = group.statements
        also = "; ".join(f"{md(outlet_label(event, s.source))}: “{md(voiced(s.text, s.voice))}”" for s in others)
        out.append(
            f"- “{md(voiced(first.text, first.voice))}” — {md(outlet_label(event, first.source))}"
            + (f" · {also}" if also else "")
            + f" _(confidence {group.confidence:.2f})_"
        )
    out += ["", "### Reported by one outlet only", ""]
    for source, groups in unique_by_source(event):
        out.append(f"- **{md(outlet_label(event, source))}** ({len(groups)}):")
        for group in groups[:MAX_UNIQUE_SHOWN]:
            out.append(f"  - {md(voiced(group.statements[0].text, group.statements[0].voice))}")
        if len(groups) > MAX_UNIQUE_SHOWN:
            out.append(f"  - _and {len(groups) - MAX_UNIQUE_SHOWN} more (in the JSON report)_")
    out += ["", "### Who said what", ""]
    for article in event.articles:
        source = str(article["source"])
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
    out += ["### Voices", "", "| outlet | speaker | speaks for | quotations | words |", "|---|---|---|---|---|"]
    for framing in event.framing:
        for voice in framing.voices:
            out.append(
                f"| {md(framing.outlet or framing.source)} | {md(voice.speaker)} | {md(voice.affiliation)} | "
                f"{voice.quotes} | {voice.words} |"
            )
    out += ["", "### Framing", ""]
    for framing in event.framing:
        verbs = ", ".join(f"{md(v)} ×{n}" for v, n in framing.attribution_verbs.items()) or "—"
        loaded = ", ".join(dict.fromkeys(md(t.term) for t in framing.loaded_terms)) or "—"
        quoted = ", ".join(dict.fromkeys(f"{md(t.term)} ({md(t.speaker)})" for t in framing.quoted_loaded_terms))
        out.append(f"- **{md(framing.outlet or framing.source)}** — headline: “{md(framing.headline)}”")
        out.append(f"  - loaded words in its own voice: {loaded}")
        if quoted:
            out.append(f"  - loaded words it quotes: {quoted}")
        out.append(f"  - verbs of attribution: {verbs}")
    out += ["", "### Timeline", ""]
    for entry in event.timeline:
        what = "published" if entry.kind == "published" else "mentions"
        relation = f" ({entry.relation} the main date)" if entry.relation and entry.relation != "same day" else ""
        out.append(f"- {md(entry.date)} — {md(entry.outlet or entry.source)} {what}: {md(entry.text)}{relation}")
    out.append("")
    return out
