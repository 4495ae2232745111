"""The compare report as one self-contained HTML file: inline CSS, no script, no external resource.

Every piece of article text passes through ``html.escape``: reports are built from untrusted pages.
"""

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

_CSS = """
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
.bar{display:inline-block;height:10px;background:#5b7db1;vertical-align:middle}
.note{color:#b3261e}
.legend span{margin-right:12px}
small{color:#666}
"""


def e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


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


def _event(event: ComparedEvent) -> list[str]:
    sources = columns(event)
    out = [f"<section><h2>{e(event.title or event.id)}</h2>"]
    relation = {t.source: t.relation for t in event.timeline if t.kind == "published"}
    out.append(
        "<table><tr><th>outlet</th><th>published</th><th>headline</th><th>author</th>"
        "<th>relative to the event</th></tr>"
    )
    for a in event.articles:
        out.append(
            f"<tr><td>{e(a['outlet'] or a['source'])}</td><td>{e(a['published'])}</td><td>{e(a['title'])}</td>"
            f"<td>{e(a['author'])}</td><td>{e(relation.get(str(a['source'])) or '')}</td></tr>"
        )
    out.append("</table>")
    if event.main_date:
        out.append(f"<p>Main date the reports mention: <b>{e(event.main_date)}</b></p>")
    counts = {s: sum(1 for g in event.claims if g.status == s) for s in ("shared", "conflict", "unique")}
    out.append(
        f'<h3>Claims side by side</h3><p class="legend"><span class="badge shared">shared '
        f'{counts["shared"]}</span><span class="badge conflict">conflict {counts["conflict"]}</span>'
        f'<span class="badge unique">only one outlet {counts["unique"]}</span></p>'
    )
    out.append(
        "<table><tr><th>status</th>" + "".join(f"<th>{e(outlet_label(event, s))}</th>" for s in sources) + "</tr>"
    )
    for group in selected_groups(event):
        row = [
            f'<td><span class="badge {group.status}">{e(STATUS_LABEL[group.status])}</span>'
            + (f'<div class="note">{e(group.note)}</div>' if group.note else "")
            + "</td>"
        ]
        for cell in cells(group, sources):
            if cell:
                row.append('<td class="claim">' + "<br>".join(e(t) for t in cell) + "</td>")
            else:
                row.append('<td class="empty">—</td>')
        out.append(f'<tr class="{group.status}">' + "".join(row) + "</tr>")
    out.append("</table>")
    out.append("<h3>What each outlet leaves out</h3>")
    for omission in event.omissions:
        if not omission.missing:
            continue
        out.append(f"<p><b>{e(outlet_label(event, omission.source))}</b> does not report:</p><ul>")
        for item in omission.missing[:MAX_OMISSIONS]:
            who = outlets_of(event, item["sources"])
            out.append(f"<li>{e(item['text'])} <small>(reported by {e(who)})</small></li>")
        out.append("</ul>")
    out.append(
        "<h3>Who said what</h3><table><tr><th>outlet</th><th>speaker</th><th>as written</th><th>cue</th>"
        "<th>kind</th><th>quotation</th></tr>"
    )
    for q in event.quotes:
        speaker = q["speaker"] or "unattributed"
        if q.get("on_behalf_of"):
            speaker += f" (for {q['on_behalf_of']})"
        out.append(
            f"<tr><td>{e(q['outlet'] or q['source'])}</td><td>{e(speaker)}</td>"
            f"<td>{e(q['speaker_as_written'])}</td><td>{e(q['cue'])}</td><td>{e(q['kind'])}</td>"
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
            width = max(2, round(300 * voice.words / most))
            out.append(
                f"<tr><td>{e(framing.outlet or framing.source)}</td><td>{e(voice.speaker)}</td>"
                f"<td>{e(voice.affiliation)}</td><td>{voice.quotes}</td>"
                f'<td><span class="bar" style="width:{width}px"></span> {voice.words}</td></tr>'
            )
    out.append("</table>")
    out.append(
        "<h3>Framing</h3><table><tr><th>outlet</th><th>headline</th><th>verbs of attribution</th>"
        "<th>loaded words (own voice)</th><th>tone toward actors</th></tr>"
    )
    for framing in event.framing:
        verbs = ", ".join(f"{e(v)} ×{n}" for v, n in framing.attribution_verbs.items())
        loaded = ", ".join(
            f'<span title="{e(t.sentence)}">{e(t.term)}</span> <small>{e(t.category)}</small>'
            for t in {t.term: t for t in framing.loaded_terms}.values()
        )
        tone = "<br>".join(
            f"{e(name)} {t['score']:+.2f} <small>({t['evidence']})</small>" for name, t in framing.tone.items()
        )
        out.append(
            f"<tr><td>{e(framing.outlet or framing.source)}</td><td>{e(framing.headline)}</td><td>{verbs}</td>"
            f"<td>{loaded}</td><td>{tone}</td></tr>"
        )
    out.append("</table>")
    out.append("<h3>Timeline</h3><table><tr><th>date</th><th>outlet</th><th></th><th>text</th></tr>")
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
