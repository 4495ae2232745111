"""Bytes to text: gzip, size cap, binary detection and encoding (charset_normalizer)."""

from __future__ import annotations

import gzip
import io
import zlib

from charset_normalizer import from_bytes

from rashomon.errors import BadInput

GZIP_MAGIC = b"\x1f\x8b"
# Magic numbers of common binary formats that are never articles (images, PDFs, archives, office files).
_BINARY_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"PK\x03\x04",
    b"\x7fELF",
    b"BZh",
    b"\xfd7zXZ",
    b"7z\xbc\xaf",
    b"Rar!",
    b"\xd0\xcf\x11\xe0",
    b"RIFF",
    b"\x00\x00\x01\x00",
    b"OggS",
    b"ID3",
)


def gunzip(data: bytes, source: str, max_bytes: int) -> bytes:
    """Decompress gzip data, refusing truncated or oversized streams."""
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            while chunk := handle.read(1 << 16):
                out.write(chunk)
                if out.tell() > max_bytes:
                    raise BadInput(source, f"larger than {max_bytes:,} bytes once decompressed")
    except EOFError as exc:
        raise BadInput(source, "truncated gzip stream (the file ends before the compressed data does)") from exc
    except (OSError, zlib.error) as exc:
        raise BadInput(source, f"corrupt gzip data ({exc})") from exc
    return out.getvalue()


def maybe_gunzip(data: bytes, source: str, max_bytes: int) -> bytes:
    return gunzip(data, source, max_bytes) if data[:2] == GZIP_MAGIC else data


def decode_bytes(data: bytes, source: str, declared: str | None = None) -> str:
    """Decode bytes to text.

    UTF-8 (with or without BOM) first, then the declared charset (HTTP header or meta tag) when it
    decodes cleanly, then charset_normalizer's best guess. Refuses binary data and text whose encoding
    cannot be determined. Mixed encodings (a UTF-8 file with a few cp1252 bytes) are decoded as UTF-8
    with the stray bytes replaced, when they are rare.

    Raises:
        BadInput: empty, binary or undecodable input.
    """
    if not data or not data.strip():
        raise BadInput(source, "empty input")
    if data.startswith(_BINARY_MAGIC):
        raise BadInput(source, "binary file (not text, HTML or a feed)")
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    head = data[:65536]
    codec = utf16_without_bom(head)
    if codec:
        text = data[: len(data) - len(data) % 2].decode(codec, errors="replace")
        if not _looks_binary(text) and text.count("\ufffd") <= max(3, len(text) // 1000):
            return text
    if head.count(b"\x00") > max(1, len(head) // 1000):
        raise BadInput(source, "binary data (NUL bytes): not a text document")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    # Mostly UTF-8 with a few foreign bytes: keep UTF-8, replace the strays.
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    multibyte = sum(1 for b in data if b >= 0xC0)
    if multibyte and bad <= max(3, len(text) // 2000) and bad * 4 < multibyte:
        return text
    high = sum(1 for b in data if b >= 0x80)
    if high and high < 0.05 * len(data):
        # Mostly ASCII with a few accented letters: Western European text (cp1252) is by far the likeliest;
        # charset detectors guess Baltic or Central European code pages on so little evidence.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    best = from_bytes(data).best()
    if best is None:
        raise BadInput(source, "undecodable bytes: no text encoding fits (binary data?)")
    decoded = str(best)
    if _looks_binary(decoded):
        raise BadInput(source, "binary data: decodes to control characters, not text")
    return decoded


def utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text saved without a byte-order mark: in Latin-script text one byte of every pair is zero
    (the odd ones in little-endian, the even ones in big-endian), which no binary format keeps up."""
    sample = head[:4096]
    pairs = len(sample) // 2
    if pairs < 8:
        return None
    even = sum(1 for b in sample[0 : 2 * pairs : 2] if b == 0)
    odd = sum(1 for b in sample[1 : 2 * pairs : 2] if b == 0)
    if odd >= 0.6 * pairs and even <= 0.02 * pairs:
        return "utf-16-le"
    if even >= 0.6 * pairs and odd <= 0.02 * pairs:
        return "utf-16-be"
    return None


def _looks_binary(text: str) -> bool:
    sample = text[:20000]
    if not sample:
        return True
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    return control / len(sample) > 0.01
