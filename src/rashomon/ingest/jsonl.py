"""JSON Lines as crawlers export them: ``{"url", "html"}`` or ``{"url", "text", "title", "published", ...}``."""

from __future__ import annotations

import json
from collections.abc import Iterator

from rashomon.records import Failure, RawDocument
from rashomon.settings import Settings

_HINT_KEYS = ("title", "published", "author", "outlet", "url", "language")
_ALIASES = {
    "date": "published",
    "published_at": "published",
    "publish_date": "published",
    "date_publish": "published",
    "authors": "author",
    "byline": "author",
    "source": "outlet",
    "site_name": "outlet",
    "publisher": "outlet",
    "sitename": "outlet",
    "headline": "title",
    "lang": "language",
    "link": "url",
    "body": "text",
    "content": "text",
    "maintext": "text",
    "raw_html": "html",
    "page": "html",
}


def read_jsonl(text: str, source: str, settings: Settings) -> Iterator[RawDocument | Failure]:
    """One RawDocument per line; a bad line is a Failure naming ``file:line`` and the batch goes on."""
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        if len(line) > settings.max_input_bytes:
            yield Failure(source=where, reason=f"line longer than {settings.max_input_bytes:,} characters")
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Failure(source=where, reason=f"malformed JSON line ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(record, dict):
            yield Failure(source=where, reason="JSON line is not an object")
            continue
        record = {_ALIASES.get(k, k): v for k, v in record.items()}
        hints = {}
        for key in _HINT_KEYS:
            value = record.get(key)
            if isinstance(value, list):
                value = "; ".join(str(v) for v in value if v)
            if isinstance(value, str | int | float) and str(value).strip():
                hints[key] = str(value).strip()
        url = hints.get("url")
        name = url or where
        html, body = record.get("html"), record.get("text")
        if isinstance(html, str) and html.strip():
            yield RawDocument(source=name, kind="html", content=html, url=url, hints=hints)
        elif isinstance(body, str) and body.strip():
            # A crawler's text field is usually the extracted body already: cleaned gently ("plain").
            yield RawDocument(source=name, kind="plain", content=body, url=url, hints=hints)
        else:
            yield Failure(source=name, reason="JSON line has neither an 'html' nor a 'text' field")
