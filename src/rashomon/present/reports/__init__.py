"""Reports a person reads: JSON (one object), Markdown and self-contained HTML."""

from __future__ import annotations

import json

from rashomon.records import ComparedEvent


def render(events: list[ComparedEvent], fmt: str) -> str:
    """The compare report in ``json``, ``markdown`` or ``html``."""
    if fmt == "json":
        return json.dumps({"events": [e.to_dict() for e in events]}, ensure_ascii=False, indent=2)
    if fmt == "markdown":
        from rashomon.present.reports.markdown import render_markdown

        return render_markdown(events)
    if fmt == "html":
        from rashomon.present.reports.html import render_html

        return render_html(events)
    raise ValueError(f"unknown report format {fmt!r} (json, markdown, html)")
