"""Bytes to text: refusals (empty, binary, truncated gzip) and encodings (cp1252, latin-1, mixed, BOMs)."""

from __future__ import annotations

import gzip

import pytest

from rashomon.errors import BadInput
from rashomon.ingest.decode import decode_bytes, gunzip, maybe_gunzip

FRENCH = (
    "Le maire a déclaré que la rivière était montée très vite. « C’est une catastrophe », a-t-il ajouté — "
    "et l’école du quartier reste fermée jusqu’à lundi. Les habitants ont été évacués vers le gymnase."
)
ENGLISH = (
    "The café on Mill Lane reopened on Monday. “We lost everything,” said the owner — a naïve hope, "
    "perhaps, but the façade still stands and the crème brûlée is back on the menu."
)
GERMAN = (
    "Die Brücke über die Sarne bleibt sechs Wochen gesperrt. Pendler müssen Umwege von bis zu vierzig "
    "Minuten in Kauf nehmen, teilte das Straßenbauamt am Dienstag mit. Größere Schäden gab es nicht."
)


@pytest.mark.parametrize("data", [b"", b"   \n\t  \r\n"], ids=["empty", "whitespace"])
def test_decode_empty_input_refused(data: bytes) -> None:
    with pytest.raises(BadInput, match="empty") as info:
        decode_bytes(data, "page.txt")
    assert info.value.source == "page.txt"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256)),
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"GIF89a" + bytes(range(64)),
    ],
    ids=["png", "pdf", "gif"],
)
def test_decode_binary_magic_refused(data: bytes) -> None:
    with pytest.raises(BadInput, match="binary"):
        decode_bytes(data, "picture.txt")


def test_decode_nul_bytes_refused() -> None:
    data = b"some text\x00\x00\x01\x02 more\x00" * 40
    with pytest.raises(BadInput, match="NUL"):
        decode_bytes(data, "blob.txt")


def test_decode_truncated_gzip_refused() -> None:
    packed = gzip.compress(ENGLISH.encode() * 50)
    for cut in (4, 40, len(packed) // 2):
        with pytest.raises(BadInput, match="truncated"):
            maybe_gunzip(packed[:-cut], "story.txt.gz", 10_000_000)


def test_decode_gzip_round_trip_and_cap() -> None:
    data = ENGLISH.encode() * 5
    packed = gzip.compress(data)
    assert maybe_gunzip(packed, "story.txt.gz", 10_000_000) == data
    assert maybe_gunzip(data, "story.txt", 10_000_000) == data  # not gzip: unchanged
    with pytest.raises(BadInput, match="decompressed"):
        gunzip(packed, "story.txt.gz", 100)


@pytest.mark.parametrize(
    ("text", "codec"),
    [(FRENCH, "cp1252"), (ENGLISH, "cp1252"), (GERMAN, "latin-1")],
    ids=["french-cp1252", "english-cp1252", "german-latin1"],
)
def test_decode_single_byte_encodings(text: str, codec: str) -> None:
    data = text.encode(codec)
    assert decode_bytes(data, "old.txt") == text
    assert decode_bytes(data, "old.txt", declared=codec) == text


def test_decode_declared_charset_used_when_it_fits() -> None:
    data = GERMAN.encode("latin-1")
    assert decode_bytes(data, "page.html", declared="iso-8859-1") == GERMAN
    # A declared charset that does not exist is ignored, not fatal.
    assert decode_bytes(data, "page.html", declared="no-such-charset") == GERMAN


def test_decode_utf8_with_stray_cp1252_bytes_kept_as_utf8() -> None:
    parts = ["“Naïve café” — déjà vu in Zürich. " * 4, "the owner", "s said. " + "Crème brûlée, façade. " * 6]
    data = parts[0].encode("utf-8") + b"\x92" + parts[1].encode("utf-8") + b"\x93" + parts[2].encode("utf-8")
    decoded = decode_bytes(data, "mixed.txt")
    assert decoded.count("\ufffd") == 2
    assert decoded.replace("\ufffd", "") == "".join(parts)
    assert "Ã" not in decoded  # not misread as cp1252 mojibake


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xef\xbb\xbf" + GERMAN.encode("utf-8"), GERMAN),
        (b"\xff\xfe" + GERMAN.encode("utf-16-le"), GERMAN),
        (b"\xfe\xff" + GERMAN.encode("utf-16-be"), GERMAN),
    ],
    ids=["utf8-bom", "utf16le-bom", "utf16be-bom"],
)
def test_decode_byte_order_marks(data: bytes, expected: str) -> None:
    decoded = decode_bytes(data, "bom.txt")
    assert decoded == expected
    assert not decoded.startswith("\ufeff")


def test_decode_plain_utf8_unchanged() -> None:
    assert decode_bytes(FRENCH.encode("utf-8"), "fr.txt") == FRENCH


def test_decode_cp1252_english_with_few_accents() -> None:
    text = (
        "The ferry between Keldmouth and Caster will sail twice as often while the bridge is closed, the "
        "operator announced on Wednesday after talks with the regional roads office in the town hall.\n\n"
        "The café owner said the crème brûlée was “a naïve idea”."
    )
    assert decode_bytes(text.encode("cp1252"), "old.txt") == text
