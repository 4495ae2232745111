"""The compare report as one self-contained HTML file: inline CSS, no script, no external resource.

Every piece of article text passes through ``html.escape``: reports are built from untrusted pages.
"""

from __future__ import annotations

import html

from rashomon.present.reports.common import (
    MAX_OMISSIONS,
    ConflictView,
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

REPORT_CSS = _CSS = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2125;background:#f6f7f9}
main{max-width:1300px;margin:0 auto;padding:24px}
h1{font-size:24px}h2{font-size:20px;margin-top:40px;border-bottom:2px solid #333}h3{font-size:16px;margin-top:28px}
table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0}
th,td{border:1px solid #d8dce0;padding:6px 8px;vertical-align:top;text-align:left}
th{background:#eef0f3}
tr.shared td.claim{background:#e8f5e9}tr.conflict td.claim{background:#fdecea}tr.unique td.claim{background:#fff8e1}
td.empty{color:#9aa0a6;text-align:center}
.badge{display:inline-block;padding:1px 6px;border-radius:8px;font-size:12px;font-weight:600}
.badge.shared{background:#c8e6c9}.badge.conflict{background:#f8c6c0}.badge.unique{background:#ffe8a3}
.voice{font-size:11px;color:#555}
meter{width:200px;vertical-align:middle}
.note{color:#b3261e}
mark{background:#f8c6c0;font-weight:600}ul.possible mark{background:#ffe8a3}
.slot{display:inline-block;min-width:110px;font-weight:600;color:#b3261e}
ul.conflicts li,ul.possible li,ul.shared li{margin-bottom:8px}
main{max-width:1000px}
.legend span{margin-right:12px}
small{color:#666}
"""


def e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def event_section(event: ComparedEvent) -> str:
    """One event's part of the report (every article text escaped), for pages that embed it."""
    return "\n".join(_event(event))


def render_html(events: list[ComparedEvent]) -> str:
    body = ["<h1>Rashomon: how the reports differ</h1>"]
    if not events:
        body.append("<p>No event was reported by two or more outlets.</p>")
    for event in events:
        body.extend(_event(event))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="generator" content="rashomon">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>Rashomon report</title><style>{_CSS}</style></head><body><main>\n"
        + "\n".join(body)
        + "\n</main></body></html>\n"
    )


def _marked(text: str, value: str) -> str:
    return "".join(f"<mark>{e(piece)}</mark>" if marked else e(piece) for piece, marked in highlight(text, value))


def _conflict_items(views: list[ConflictView], css: str) -> list[str]:
    out = [f'<ul class="{css}">']
    for view in views:
        (a_outlet, a_text, a_value), (b_outlet, b_text, b_value) = view.sides
        out.append(
            f'<li><span class="slot">{e(view.conflict.slot)}</span> '
            f"<b>{e(a_outlet)}</b>: “{_marked(a_text, a_value)}”<br>"
            f"<b>{e(b_outlet)}</b>: “{_marked(b_text, b_value)}” "
            f"<small>confidence {view.conflict.confidence:.2f}</small></li>"
        )
    out.append("</ul>")
    return out


def _event(event: ComparedEvent) -> list[str]:
    confirmed, possible = conflicts(event, possible=False), conflicts(event, possible=True)
    counts = {s: sum(1 for g in event.claims if g.status == s) for s in ("shared", "conflict", "unique")}
    out = [f"<section><h2>{e(event.title or event.id)}</h2>"]
    main = f"; main date <b>{e(event.main_date)}</b>" if event.main_date else ""
    outlets = len({a["outlet"] or a["source"] for a in event.articles})
    out.append(
        f"<p>{len(event.articles)} reports by {outlets} outlets{main}: "
        f'<span class="badge conflict">{len(confirmed)} conflicts</span> '
        f'<span class="badge shared">{counts["shared"]} shared</span> '
        f'<span class="badge unique">{counts["unique"]} reported by one outlet</span></p>'
    )
    if note := scope_note(event):
        out.append(f'<p class="scope">{e(note)}</p>')
    relation = {t.source: t.relation for t in event.timeline if t.kind == "published"}
    out.append("<table><tr><th>outlet</th><th>published</th><th>headline</th><th>relative to the event</th></tr>")
    for a in event.articles:
        out.append(
            f"<tr><td>{e(a['outlet'] or a['source'])}</td><td>{e(a['published'])}</td><td>{e(a['title'])}</td>"
            f"<td>{e(relation.get(str(a['source'])) or '')}</td></tr>"
        )
    out.append("</table>")
    for outlet, copies in carriers(event):
        out.append(f"<p>{e(outlet)}'s report was republished by {e(', '.join(copies))}.</p>")
    out.append(f"<h3>Where the reports disagree ({len(confirmed)})</h3>")
    out += _conflict_items(confirmed, "conflicts") if confirmed else ["<p>No conflict found.</p>"]
    if possible:
        out.append(f"<h4>Possible conflicts, less certain ({len(possible)})</h4>")
        out += _conflict_items(possible, "possible")
    out.append("<h3>What each outlet leaves out</h3>")
    for omission in event.omissions:
        missing = [m for m in omission.missing if m["reported_by"] > 1] or list(omission.missing)
        if not missing:
            continue
        out.append(f"<p><b>{e(outlet_label(event, omission.source))}</b> does not report:</p><ul>")
        for item in missing[:MAX_OMISSIONS]:
            who = outlets_of(event, item["sources"])
            out.append(f"<li>{e(item['text'])} <small>(reported by {e(who)})</small></li>")
        if len(missing) > MAX_OMISSIONS:
            out.append(f"<li><small>and {len(missing) - MAX_OMISSIONS} more</small></li>")
        out.append("</ul>")
    out.append(f'<h3>Facts several outlets report ({counts["shared"]})</h3><ul class="shared">')
    for group in shared(event):
        items = "<br>".join(
            f"<b>{e(outlet_label(event, s.source))}</b>: {e(voiced(s.text, s.voice))}" for s in group.statements
        )
        out.append(f"<li>{items} <small>confidence {group.confidence:.2f}</small></li>")
    out.append("</ul><h3>Reported by one outlet only</h3>")
    for source, groups in unique_by_source(event):
        out.append(f"<details><summary><b>{e(outlet_label(event, source))}</b> ({len(groups)})</summary><ul>")
        out += [f"<li>{e(voiced(g.statements[0].text, g.statements[0].voice))}</li>" for g in groups]
        out.append("</ul></details>")
    out.append(
        "<h3>Who said what</h3><table><tr><th>outlet</th><th>speaker</th><th>as written</th><th>cue</th>"
        "<th>quotation</th></tr>"
    )
    for q in event.quotes:
        speaker = q["speaker"] or "unattributed"
        if q.get("on_behalf_of"):
            speaker += f" (for {q['on_behalf_of']})"
        out.append(
            f"<tr><td>{e(q['outlet'] or q['source'])}</td><td>{e(speaker)}</td>"
            f"<td>{e(q['speaker_as_written'])}</td><td>{e(q['cue'])} <small>{e(q['kind'])}</small></td>"
            f"<td>{e(q['text'])}</td></tr>"
        )
    out.append("</table>")
    out.append(
        "<h3>Voices</h3><table><tr><th>outlet</th><th>speaker</th><th>speaks for</th><th>quotations</th>"
        "<th>words quoted</th></tr>"
    )
    most = max((v.words for f in event.framing for v in f.voices), default=1) or 1
    for framing in event.framing:
        for voice in framing.voices:
            # A meter, not a styled bar: pages served under a Content-Security-Policy allow no inline style.
            out.append(
                f"<tr><td>{e(framing.outlet or framing.source)}</td><td>{e(voice.speaker)}</td>"
                f"<td>{e(voice.affiliation)}</td><td>{voice.quotes}</td>"
                f'<td><meter min="0" max="{most}" value="{voice.words}" aria-label="words quoted"></meter> '
                f"{voice.words}</td></tr>"
            )
    out.append("</table><h3>Framing</h3><ul>")
    for framing in event.framing:
        verbs = ", ".join(f"{e(v)} ×{n}" for v, n in framing.attribution_verbs.items()) or "—"
        loaded = ", ".join(
            f'<span title="{e(t.sentence)}">{e(t.term)}</span> <small>{e(t.category)}</small>'
            for t in {t.term: t for t in framing.loaded_terms}.values()
        )
        quoted = ", ".join(
            f"{e(t.term)} <small>({e(t.speaker)})</small>"
            for t in {t.term: t for t in framing.quoted_loaded_terms}.values()
        )
        out.append(
            f"<li><b>{e(framing.outlet or framing.source)}</b> — headline “{e(framing.headline)}”<br>"
            f"loaded words in its own voice: {loaded or '—'}<br>"
            + (f"loaded words it quotes: {quoted}<br>" if quoted else "")
            + f"verbs of attribution: {verbs}</li>"
        )
    out.append("</ul><h3>Timeline</h3><table><tr><th>date</th><th>outlet</th><th></th><th>text</th></tr>")
    for entry in event.timeline:
        what = "published" if entry.kind == "published" else "mentions"
        if entry.relation and entry.kind == "published":
            what += f" ({entry.relation})"
        out.append(
            f"<tr><td>{e(entry.date)}</td><td>{e(entry.outlet or entry.source)}</td><td>{e(what)}</td>"
            f"<td>{e(entry.text)}</td></tr>"
        )
    out.append("</table></section>")
    return out
