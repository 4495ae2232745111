"""WARC archives: every HTML response or resource record becomes a page, read as a stream.

A crawl's WARC file is hundreds of megabytes to gigabytes, and real ones hold broken records (cut off by
a crashed crawler, a wrong ``Content-Length``, a corrupt gzip member). Records are therefore framed here,
one at a time, from the (member-wise decompressed) stream: each record's bytes, bounded by
``max_input_bytes``, are handed to warcio to parse (WARC and HTTP headers, chunked and compressed
bodies), and a record that cannot be read becomes a Failure naming it while the reading goes on with
the next record. Memory holds one record at a time whatever the file's size.

Why not warcio's ``ArchiveIterator`` over the whole file: it is a generator, so the first exception in
a record ends it and every later record is lost, and in an uncompressed file a ``Content-Length`` that
is too large silently swallows the records that follow. The framing below checks that every record ends
where the next one begins, and resynchronises on the next ``WARC/1.x`` line when it does not.
"""

from __future__ import annotations

import io
import logging
import re
import zlib
from collections.abc import Iterator
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator

from rashomon.errors import BadInput
from rashomon.ingest.decode import decode_bytes
from rashomon.records import Failure, RawDocument
from rashomon.settings import Settings

logger = logging.getLogger(__name__)

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHUNK = 1 << 16
_MAX_HEADER = 1 << 16  # bytes of WARC header block before a record counts as garbage
_RECORD_START = re.compile(rb"(?:^|\n)(WARC/1\.[01]\r?\n)")
_GZIP_MEMBER = b"\x1f\x8b\x08"


class GzipMembers(io.RawIOBase):
    """A readable stream of the decompressed bytes of every gzip member in turn.

    A member whose deflate data is corrupt ends where the corruption starts; reading goes on at the next
    gzip member header (the record framing above notices the gap and reports the broken record). A file
    that ends inside a member ends the stream there.
    """

    def __init__(self, raw: BinaryIO) -> None:
        super().__init__()
        self._raw = raw
        self._pending = b""  # compressed bytes not yet fed to the decompressor
        self._out = bytearray()
        self._inflater: zlib._Decompress | None = zlib.decompressobj(31)
        self._eof = False
        self.corrupt_members = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._out and not self._eof:
            self._fill()
        n = min(len(buffer), len(self._out))
        buffer[:n] = self._out[:n]
        del self._out[:n]
        return n

    def _fill(self) -> None:
        if not self._pending:
            self._pending = self._raw.read(_CHUNK)
            if not self._pending:
                self._eof = True
                return
        if self._inflater is None:  # between members: go to the next member header
            start = self._pending.find(_GZIP_MEMBER)
            if start < 0:
                more = self._raw.read(_CHUNK)
                if not more:
                    self._eof = True
                    return
                self._pending = self._pending[-2:] + more  # a header may straddle two reads
                return
            self._pending = self._pending[start:]
            self._inflater = zlib.decompressobj(31)
        data, self._pending = self._pending, b""
        try:
            # Bounded output per call: a gzip bomb never inflates more than this at once.
            self._out += self._inflater.decompress(data, _CHUNK * 16)
        except zlib.error:
            self.corrupt_members += 1
            self._inflater = None
            self._pending = data[1:]
            return
        if self._inflater.eof:
            self._pending = self._inflater.unused_data
            self._inflater = None
        else:
            self._pending = self._inflater.unconsumed_tail


class _Reader:
    """A byte stream with a push-back buffer, for framing records."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._buffer = bytearray()
        self.eof = False

    def _more(self, wanted: int) -> bool:
        while len(self._buffer) < wanted and not self.eof:
            chunk = self._stream.read(max(_CHUNK, wanted - len(self._buffer)))
            if not chunk:
                self.eof = True
            else:
                self._buffer += chunk
        return len(self._buffer) >= wanted

    def peek(self, n: int) -> bytes:
        self._more(n)
        return bytes(self._buffer[:n])

    def read(self, n: int) -> bytes:
        self._more(n)
        out = bytes(self._buffer[:n])
        del self._buffer[:n]
        return out

    def skip(self, n: int) -> int:
        """Discard up to n bytes without holding them; returns how many were discarded."""
        skipped = 0
        while skipped < n:
            if not self._buffer and not self._more(1):
                break
            take = min(n - skipped, len(self._buffer))
            del self._buffer[:take]
            skipped += take
        return skipped

    def readline(self, limit: int) -> bytes:
        while True:
            end = self._buffer.find(b"\n")
            if end >= 0 or len(self._buffer) >= limit or self.eof:
                break
            self._more(len(self._buffer) + _CHUNK)
        end = self._buffer.find(b"\n")
        size = min(limit, end + 1 if end >= 0 else len(self._buffer))
        return self.read(size)

    def unread(self, data: bytes) -> None:
        self._buffer[:0] = data

    def seek_record_start(self) -> int:
        """Discard bytes up to the next line that opens a WARC record; returns how many were discarded."""
        discarded = 0
        while True:
            self._more(_CHUNK)
            match = _RECORD_START.search(self._buffer)
            if match:
                start = match.start(1)
                del self._buffer[:start]
                return discarded + start
            if self.eof:
                discarded += len(self._buffer)
                self._buffer.clear()
                return discarded
            keep = 10  # a record start may straddle two chunks
            cut = max(0, len(self._buffer) - keep)
            del self._buffer[:cut]
            discarded += cut
            self._more(len(self._buffer) + _CHUNK)


def _frames(reader: _Reader, cap: int) -> Iterator[tuple[int, bytes | None, str | None]]:
    """(record number, the record's bytes or None, the reason it is broken) for every record of the stream."""
    number = 0
    while True:
        while reader.peek(1) in (b"\r", b"\n"):
            reader.read(1)
        if not reader.peek(1):
            return
        number += 1
        first = reader.readline(_MAX_HEADER)
        if not first.startswith(b"WARC/"):
            lost = len(first) + reader.seek_record_start()
            yield number, None, f"not a WARC record ({lost:,} bytes of unreadable data skipped)"
            continue
        header = bytearray(first)
        length: int | None = None
        complete = False
        while len(header) < _MAX_HEADER:
            line = reader.readline(_MAX_HEADER)
            if not line:
                break
            header += line
            if line in (b"\r\n", b"\n"):
                complete = True
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                try:
                    length = int(value.strip())
                except ValueError:
                    length = None
        if not complete:
            if reader.eof and not reader.peek(1):
                yield number, None, "truncated WARC record (the file ends inside its header)"
                return
            reader.seek_record_start()
            yield number, None, "WARC record header too long or malformed"
            continue
        if length is None or length < 0:
            reader.seek_record_start()
            yield number, None, "WARC record without a valid Content-Length"
            continue
        if length > cap:
            skipped = reader.skip(length)
            if skipped < length:
                yield number, None, f"truncated WARC record (Content-Length {length:,}, {skipped:,} bytes left)"
                return
            yield number, None, f"WARC record larger than {cap:,} bytes"
            continue
        body = reader.read(length)
        if len(body) < length:
            # The file ends before the record does: a crawler stopped mid-write. Anything that looks
            # like the start of a further record inside the short body is read on its own.
            inner = _RECORD_START.search(body)
            if inner:
                reader.unread(body[inner.start(1) :])
                yield number, None, f"truncated WARC record (Content-Length {length:,} runs into the next record)"
                continue
            yield number, None, f"truncated WARC record (Content-Length {length:,}, {len(body):,} bytes left)"
            return
        following = reader.peek(16).lstrip(b"\r\n")
        inner = _RECORD_START.search(body) if following and not following.startswith(b"WARC/") else None
        if inner:
            # The next record does not start where this one should end, and one starts inside it: the
            # length is too large. This record is broken; reading goes on at the record inside it.
            reader.unread(body[inner.start(1) :])
            yield number, None, "WARC record whose Content-Length runs into the next record"
            continue
        # Anything else between this record and the next is reported when the next frame starts there.
        yield number, bytes(header) + body + b"\r\n\r\n", None


def _page(data: bytes, number: int, source: str, settings: Settings) -> RawDocument | Failure | None:
    """The HTML page of one framed record (None for records that are not HTML responses)."""
    record = next(iter(ArchiveIterator(io.BytesIO(data), arc2warc=True)), None)
    return _page_of(record, number, source, settings)


def _page_of(record: Any, number: int, source: str, settings: Settings) -> RawDocument | Failure | None:
    if record is None or record.rec_type not in ("response", "resource"):
        return None
    url = record.rec_headers.get_header("WARC-Target-URI") or f"{source}#record{number}"
    if record.rec_type == "response":
        if record.http_headers is None:
            return None
        status = record.http_headers.get_statuscode()
        ctype = (record.http_headers.get_header("Content-Type") or "").lower()
        if status and not status.startswith("2"):
            return None
    else:
        ctype = (record.rec_headers.get_header("Content-Type") or "").lower()
    if not any(t in ctype for t in _HTML_TYPES):
        return None
    body = record.content_stream().read(settings.max_input_bytes + 1)
    if len(body) > settings.max_input_bytes:
        return Failure(source=url, reason=f"WARC record larger than {settings.max_input_bytes:,} bytes")
    charset = ctype.split("charset=")[1].split(";")[0].strip() if "charset=" in ctype else None
    try:
        html = decode_bytes(body, url, charset)
    except BadInput as exc:
        return Failure(source=url, reason=exc.reason)
    return RawDocument(source=url, kind="html", content=html, url=url)


def _framed(stream: BinaryIO) -> tuple[BinaryIO, GzipMembers | None, _Reader]:
    buffered = stream if hasattr(stream, "peek") else io.BufferedReader(stream)  # type: ignore[arg-type]
    gzipped = buffered.peek(2)[:2] == _GZIP_MEMBER[:2]  # type: ignore[attr-defined]
    members = GzipMembers(buffered) if gzipped else None  # type: ignore[arg-type]
    return buffered, members, _Reader(members or buffered)  # type: ignore[arg-type]


def count_warc_records(stream: BinaryIO, settings: Settings) -> int | None:
    """How many records a WARC stream frames (what ``read_warc`` numbers them by), without parsing any;
    None for a legacy ARC file, which is read whole."""
    _buffered, _members, reader = _framed(stream)
    if reader.peek(11) == b"filedesc://":
        return None
    return sum(1 for _ in _frames(reader, settings.max_input_bytes + _MAX_HEADER))


def read_warc(
    stream: BinaryIO, source: str, settings: Settings, *, records: range | None = None
) -> Iterator[RawDocument | Failure]:
    """Stream a WARC file (plain, or gzip member by member): a RawDocument per HTML response, a Failure per
    broken record (named ``file#recordN``); the rest of the file is read whatever one record holds.

    ``records``: only the records of these numbers are parsed (a partition of a large file; the others are
    framed and skipped), and a range without HTML responses is not an error.

    Raises:
        BadInput: the stream holds no readable record at all, or no HTML response.
    """
    buffered, members, reader = _framed(stream)
    corrupt = 0
    if reader.peek(11) == b"filedesc://":
        buffered.seek(0)
        yield from _read_arc(buffered, source, settings)
        return
    cap = settings.max_input_bytes + _MAX_HEADER
    pages = broken = 0
    for number, record, problem in _frames(reader, cap):
        if records is not None and number not in records:
            if number >= records.stop:
                return
            corrupt = members.corrupt_members if members is not None else 0  # reported by its own partition
            continue
        where = f"{source}#record{number}"
        if members is not None and members.corrupt_members > corrupt:  # noticed while reading ahead
            broken += members.corrupt_members - corrupt
            corrupt = members.corrupt_members
            yield Failure(
                source=f"{source}#record{number - 1 if number > 1 else 1}",
                reason="corrupt gzip data after this record: the compressed record(s) that follow it were skipped",
            )
        if record is None:
            broken += 1
            yield Failure(source=where, reason=problem or "unreadable WARC record", stage="read")
            continue
        try:
            page = _page(record, number, source, settings)
        except Exception as exc:  # warcio raises anything on a malformed record; it fails alone
            broken += 1
            logger.debug("unreadable WARC record %s", where, exc_info=True)
            yield Failure(source=where, reason=f"unreadable WARC record ({type(exc).__name__}: {exc})", stage="read")
            continue
        if page is not None:
            pages += 1
            yield page
    if pages == 0 and broken == 0 and records is None:
        raise BadInput(source, "WARC file holds no HTML responses")


def _read_arc(stream: BinaryIO, source: str, settings: Settings) -> Iterator[RawDocument | Failure]:
    """Legacy ARC files, through warcio's own iterator (converted to WARC records)."""
    pages = 0
    try:
        for number, record in enumerate(ArchiveIterator(stream, arc2warc=True), 1):
            page = _page_of(record, number, source, settings)
            if page is not None:
                pages += 1
                yield page
    except Exception as exc:  # a broken ARC file ends here; what was read is kept
        logger.debug("unreadable ARC file %s", source, exc_info=True)
        raise BadInput(source, f"unreadable ARC file ({type(exc).__name__}: {exc})") from exc
    if pages == 0:
        raise BadInput(source, "ARC file holds no HTML responses")
