"""Charts of an event drawn on the server as SVG: the voices each outlet quotes (words quoted, by speaker)
and the timeline (publications and the dates the reports mention, outlet by outlet).

Every label is escaped; colours and sizes are SVG attributes, not style, so the pages' Content-Security-
Policy (no inline style, no script) holds. Each chart has a title and a description for screen readers,
and the tables under it carry the same figures.
"""

from __future__ import annotations

import datetime as dt
import html

from rashomon.records import ComparedEvent

WIDTH = 760
LABEL = 230
ROW = 18
VOICES_PER_OUTLET = 6
COLOURS = ("#1a56a8", "#b3261e", "#2e7d32", "#8a5a00", "#6a3d9a", "#00707a", "#c2185b", "#455a64")


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _clip(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1] + "…"


def voices_svg(event: ComparedEvent) -> str:
    """Horizontal bars: for each outlet, its most quoted speakers by words quoted ("" when none)."""
    groups = [(f.outlet or f.source, list(f.voices)[:VOICES_PER_OUTLET]) for f in event.framing if f.voices]
    if not groups:
        return ""
    most = max(v.words for _, voices in groups for v in voices) or 1
    rows = sum(1 + len(voices) for _, voices in groups)
    height = rows * ROW + 10
    out = [
        f'<svg class="chart" role="img" aria-labelledby="voices-t voices-d" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">',
        '<title id="voices-t">Voices: words quoted by speaker, outlet by outlet</title>',
        f'<desc id="voices-d">{len(groups)} outlets; the table below gives the same figures.</desc>',
    ]
    y = 4
    for number, (outlet, voices) in enumerate(groups):
        colour = COLOURS[number % len(COLOURS)]
        out.append(
            f'<text x="0" y="{y + 13}" font-size="13" font-weight="700" fill="#1d2125">{_e(_clip(outlet, 60))}</text>'
        )
        y += ROW
        for voice in voices:
            bar = max(1, round((WIDTH - LABEL - 60) * voice.words / most))
            out.append(
                f'<text x="12" y="{y + 12}" font-size="12" fill="#1d2125">{_e(_clip(voice.speaker, 32))}</text>'
                f'<rect x="{LABEL}" y="{y + 3}" width="{bar}" height="{ROW - 6}" fill="{colour}">'
                f"<title>{_e(voice.speaker)}: {voice.words} words in {voice.quotes} quotations</title></rect>"
                f'<text x="{LABEL + bar + 4}" y="{y + 12}" font-size="11" fill="#444">{voice.words}</text>'
            )
            y += ROW
    out.append("</svg>")
    return "".join(out)


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def timeline_svg(event: ComparedEvent) -> str:
    """One row per outlet on a shared date axis: filled dots where it published, rings for the dates it
    mentions, a line at the event's main date ("" when fewer than one dated entry)."""
    entries = [(d, t) for t in event.timeline if (d := _day(t.date)) is not None]
    if not entries:
        return ""
    outlets: list[str] = []
    for _, entry in entries:
        name = entry.outlet or entry.source
        if name not in outlets:
            outlets.append(name)
    first, last = min(d for d, _ in entries), max(d for d, _ in entries)
    main = _day(event.main_date)
    if main is not None:
        first, last = min(first, main), max(last, main)
    span = max(1, (last - first).days)
    left, right = LABEL, WIDTH - 20
    height = 40 + len(outlets) * 24

    def x(day: dt.date) -> float:
        return round(left + (right - left) * (day - first).days / span, 1)

    out = [
        f'<svg class="chart" role="img" aria-labelledby="time-t time-d" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">',
        '<title id="time-t">Timeline: when each outlet published and the dates it mentions</title>',
        f'<desc id="time-d">From {first.isoformat()} to {last.isoformat()}; filled dots are publications, '
        "rings are dates mentioned; the table below lists every entry.</desc>",
    ]
    axis = height - 24
    out.append(f'<line x1="{left}" y1="{axis}" x2="{right}" y2="{axis}" stroke="#666"/>')
    out.append(f'<text x="{left}" y="{axis + 16}" font-size="11" fill="#444">{first.isoformat()}</text>')
    if last != first:
        out.append(
            f'<text x="{right}" y="{axis + 16}" font-size="11" fill="#444" text-anchor="end">{last.isoformat()}</text>'
        )
    if main is not None:
        out.append(
            f'<line x1="{x(main)}" y1="6" x2="{x(main)}" y2="{axis}" stroke="#b3261e" stroke-dasharray="4 3">'
            f"<title>main date {main.isoformat()}</title></line>"
        )
    for row, name in enumerate(outlets):
        y = 18 + row * 24
        out.append(f'<text x="0" y="{y + 4}" font-size="12" fill="#1d2125">{_e(_clip(name, 34))}</text>')
        out.append(f'<line x1="{left}" y1="{y}" x2="{right}" y2="{y}" stroke="#d8dce0"/>')
        for day, entry in entries:
            if (entry.outlet or entry.source) != name:
                continue
            published = entry.kind == "published"
            fill = COLOURS[row % len(COLOURS)] if published else "#fff"
            what = "published" if published else f"mentions: {entry.text or ''}"
            out.append(
                f'<circle cx="{x(day)}" cy="{y}" r="{6 if published else 4}" fill="{fill}" '
                f'stroke="{COLOURS[row % len(COLOURS)]}" stroke-width="2">'
                f"<title>{_e(day.isoformat())} {_e(name)} {_e(_clip(what, 200))}</title></circle>"
            )
    out.append("</svg>")
    return "".join(out)
