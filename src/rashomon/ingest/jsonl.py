"""JSON Lines as crawlers export them: ``{"url", "html"}`` or ``{"url", "text", "title", "published", ...}``."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import BinaryIO

from rashomon.errors import BadInput
from rashomon.ingest.decode import decode_bytes
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


def iter_lines(stream: BinaryIO, cap: int, first: int = 1) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) of every line of a binary stream, holding one line at a time; a line longer
    than ``cap`` bytes is skipped to its end and given as None. ``first`` numbers the stream's first line
    (a stream opened at a line further in the file)."""
    number = first - 1
    while True:
        line = stream.readline(cap + 1)
        if not line:
            return
        number += 1
        if len(line) > cap and not line.endswith(b"\n"):
            while True:  # drop the rest of the overlong line without holding it
                rest = stream.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            yield number, None
            continue
        yield number, line


def read_jsonl(
    stream: BinaryIO | str,
    source: str,
    settings: Settings,
    *,
    lines: range | None = None,
    first_line: int = 1,
) -> Iterator[RawDocument | Failure]:
    """One RawDocument per line, read as a stream (``max_input_bytes`` applies to a line, never to the
    file); a bad line is a Failure naming ``file:line`` and the reading goes on.

    ``lines``: only these line numbers (a partition of a large file: the lines before it are skipped
    unparsed); ``first_line``: the number of the stream's first line, when it was opened further in.
    """
    if isinstance(stream, str):
        stream = io.BytesIO(stream.encode("utf-8"))
    cap = settings.max_input_bytes
    for number, raw in iter_lines(stream, cap, first_line):
        if lines is not None and number < lines.start:
            continue
        if lines is not None and number >= lines.stop:
            return
        where = f"{source}:{number}"
        if raw is None:
            yield Failure(source=where, reason=f"line longer than {cap:,} bytes")
            continue
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                line = decode_bytes(raw, where)
            except BadInput as exc:
                yield Failure(source=where, reason=exc.reason)
                continue
        yield _record(line, where)


def _record(line: str, where: str) -> RawDocument | Failure:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return Failure(source=where, reason=f"malformed JSON line ({exc.msg} at column {exc.colno})")
    except RecursionError:
        return Failure(source=where, reason="JSON line nested too deeply")
    if not isinstance(record, dict):
        return Failure(source=where, reason="JSON line is not an object")
    record = {_ALIASES.get(k, k): v for k, v in record.items()}
    hints = {}
    for key in _HINT_KEYS:
        value = record.get(key)
        if isinstance(value, list):
            value = "; ".join(str(v) for v in value if isinstance(v, str | int | float) and v)
        if isinstance(value, str | int | float) and not isinstance(value, bool) and str(value).strip():
            hints[key] = str(value).strip()
    url = hints.get("url")
    name = url or where
    html, body = record.get("html"), record.get("text")
    if isinstance(html, str) and html.strip():
        return RawDocument(source=name, kind="html", content=html, url=url, hints=hints)
    if isinstance(body, str) and body.strip():
        # A crawler's text field is usually the extracted body already: cleaned gently ("plain").
        return RawDocument(source=name, kind="plain", content=body, url=url, hints=hints)
    return Failure(source=name, reason="JSON line has neither an 'html' nor a 'text' field")
