"""WARC archives (warcio): every HTML response or resource record becomes a page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from rashomon.errors import BadInput
from rashomon.ingest.decode import decode_bytes
from rashomon.records import Failure, RawDocument
from rashomon.settings import Settings

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(stream: BinaryIO, source: str, settings: Settings) -> Iterator[RawDocument | Failure]:
    """Stream a (possibly gzipped) WARC file; records are read one at a time with the size cap."""
    count = 0
    try:
        for record in ArchiveIterator(stream, arc2warc=True):
            if record.rec_type not in ("response", "resource"):
                continue
            url = record.rec_headers.get_header("WARC-Target-URI") or f"{source}#record{count + 1}"
            if record.rec_type == "response":
                if record.http_headers is None:
                    continue
                status = record.http_headers.get_statuscode()
                ctype = (record.http_headers.get_header("Content-Type") or "").lower()
                if status and not status.startswith("2"):
                    continue
            else:
                ctype = (record.rec_headers.get_header("Content-Type") or "").lower()
            if not any(t in ctype for t in _HTML_TYPES):
                continue
            count += 1
            body = record.content_stream().read(settings.max_input_bytes + 1)
            if len(body) > settings.max_input_bytes:
                yield Failure(source=url, reason=f"WARC record larger than {settings.max_input_bytes:,} bytes")
                continue
            charset = ctype.split("charset=")[1].split(";")[0].strip() if "charset=" in ctype else None
            try:
                html = decode_bytes(body, url, charset)
            except BadInput as exc:
                yield Failure(source=url, reason=exc.reason)
                continue
            yield RawDocument(source=url, kind="html", content=html, url=url)
    except ArchiveLoadFailed as exc:
        raise BadInput(source, f"not a readable WARC file ({exc})") from exc
    except (EOFError, OSError) as exc:
        raise BadInput(source, f"truncated or corrupt WARC file ({exc})") from exc
    if count == 0:
        raise BadInput(source, "WARC file holds no HTML responses")
