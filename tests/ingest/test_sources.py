"""read_sources: files, folders, globs, gzip, sniffed formats, JSON Lines, RSS/Atom, WARC, and failures.

Every input here is written by the test (invented text). Feeds whose entries hold only a summary have
their linked page fetched from a loopback server the test starts.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from rashomon.ingest import Fetcher, extract_document, read_sources
from rashomon.records import Failure, RawDocument
from rashomon.settings import Settings
from tests.loopback import LoopbackServer, Reply

StartServer = Callable[..., LoopbackServer]

PARAGRAPHS = [
    "The ferry between Keldmouth and Caster will sail twice as often while the Sarne bridge is closed for "
    "repairs, the operator announced on Wednesday after talks with the regional roads office.",
    "Extra crews have been hired for the morning and evening rush, and the last ferry of the day will leave "
    "Caster at midnight instead of ten o'clock in the evening, the operator said.",
    "Passengers with a monthly bridge pass will travel free of charge until the bridge reopens, and cyclists "
    "will be allowed to board at the front of the queue during the busiest hours.",
    "The roads office said the repairs were on schedule and that the bridge should reopen in the last week "
    "of October, weather permitting, after the new cables have been tested under load.",
]
BODY = "\n\n".join(PARAGRAPHS)


def html_page(title: str, paragraphs: list[str] = PARAGRAPHS, extra_head: str = "") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>{extra_head}</head>'
        f"<body><article><h1>{title}</h1>\n{body}\n</article></body></html>"
    )


def _split(items: list[RawDocument | Failure]) -> tuple[list[RawDocument], list[Failure]]:
    docs = [i for i in items if isinstance(i, RawDocument)]
    failures = [i for i in items if isinstance(i, Failure)]
    return docs, failures


def _read(sources: list[str | Path], settings: Settings, fetcher: Fetcher | None = None):  # type: ignore[no-untyped-def]
    return _split(list(read_sources([str(s) for s in sources], settings, fetcher)))


# ------------------------------------------------------------------------------ files, folders, globs


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "a.txt").write_text(BODY, encoding="utf-8")
    (root / "sub" / "b.md").write_text("# Ferry service doubled\n\n" + BODY, encoding="utf-8")
    (root / "sub" / "deeper" / "c.txt").write_text(BODY.replace("Caster", "Wendle"), encoding="utf-8")
    (root / "README.md").write_text("# About this folder\n\nNot an article.", encoding="utf-8")
    (root / "sub" / "README.md").write_text("# About\n\nNot an article either.", encoding="utf-8")
    (root / "sub" / "notes.py").write_text("print('code')\n", encoding="utf-8")
    (root / ".hidden" / "d.txt").write_text(BODY, encoding="utf-8")
    return root


def test_sources_folder_recursion_skips_readme_and_hidden(tree: Path, settings: Settings) -> None:
    docs, failures = _read([tree], settings)
    assert failures == []
    names = [Path(d.source).relative_to(tree).as_posix() for d in docs]
    assert names == ["a.txt", "sub/b.md", "sub/deeper/c.txt"]
    assert [d.kind for d in docs] == ["text", "markdown", "text"]


def test_sources_readme_read_when_named(tree: Path, settings: Settings) -> None:
    docs, failures = _read([tree / "README.md"], settings)
    assert failures == [] and len(docs) == 1


def test_sources_glob(tree: Path, settings: Settings) -> None:
    docs, failures = _read([f"{tree}/**/*.txt"], settings)
    assert failures == []
    assert sorted(Path(d.source).name for d in docs) == ["a.txt", "c.txt"]


def test_sources_glob_without_match_fails(tmp_path: Path, settings: Settings) -> None:
    docs, failures = _read([f"{tmp_path}/*.nothing"], settings)
    assert docs == []
    assert len(failures) == 1 and "matches no files" in failures[0].reason


def test_sources_empty_folder_fails(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "empty").mkdir()
    docs, failures = _read([tmp_path / "empty"], settings)
    assert docs == [] and "no readable files" in failures[0].reason


def test_sources_gzip_file(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "story.txt.gz"
    path.write_bytes(gzip.compress(BODY.encode("utf-8")))
    docs, failures = _read([path], settings)
    assert failures == []
    assert docs[0].kind == "text" and docs[0].content == BODY


def test_sources_txt_that_is_html(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "saved-page.txt"
    path.write_text(html_page("Ferry service doubled"), encoding="utf-8")
    docs, _ = _read([path], settings)
    assert docs[0].kind == "html"
    article = extract_document(docs[0], settings)
    assert article.title == "Ferry service doubled"
    assert "<p>" not in article.text


def test_sources_cp1252_file_decoded(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "old.txt"
    text = (
        "Le maire a déclaré que la rivière était montée très vite. « C’est une catastrophe », a-t-il ajouté.\n\n"
        "L’école du quartier reste fermée jusqu’à lundi ; les habitants ont été évacués vers le gymnase."
    )
    path.write_bytes(text.encode("cp1252"))
    docs, _ = _read([path], settings)
    assert docs[0].content == text


# ------------------------------------------------------------------------------------------- JSONL


def test_sources_jsonl_lines_and_malformed_line(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "crawl.jsonl"
    lines = [
        json.dumps({"url": "https://gazette.example/2023/09/13/ferry/", "html": html_page("Ferry doubled")}),
        json.dumps(
            {
                "url": "https://gazette.example/2023/09/14/cables/",
                "text": BODY,
                "title": "New cables arrive",
                "published": "2023-09-14T09:00:00+02:00",
                "authors": ["Petra Lindqvist", "Ilse Marrow"],
                "site_name": "Keld Valley Gazette",
            }
        ),
        '{"url": "https://gazette.example/broken", "text": "unterminated',
        "",
        json.dumps({"url": "https://gazette.example/empty"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"text": BODY.replace("ferry", "boat")}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs, failures = _read([path], settings)

    assert [d.source for d in docs] == [
        "https://gazette.example/2023/09/13/ferry/",
        "https://gazette.example/2023/09/14/cables/",
        f"{path}:7",
    ]
    assert [d.kind for d in docs] == ["html", "plain", "plain"]
    hints = docs[1].hints
    assert hints["title"] == "New cables arrive"
    assert hints["author"] == "Petra Lindqvist; Ilse Marrow"
    assert hints["outlet"] == "Keld Valley Gazette"

    by_source = {f.source: f.reason for f in failures}
    assert set(by_source) == {f"{path}:3", "https://gazette.example/empty", f"{path}:6"}
    assert "malformed JSON" in by_source[f"{path}:3"]
    assert "neither" in by_source["https://gazette.example/empty"]
    assert "not an object" in by_source[f"{path}:6"]

    article = extract_document(docs[1], settings)
    assert article.title == "New cables arrive"
    assert article.published == "2023-09-14T09:00:00+02:00"
    assert article.author == "Petra Lindqvist; Ilse Marrow"
    assert article.outlet == "Keld Valley Gazette"
    assert article.text == BODY


# ------------------------------------------------------------------------------------------- feeds

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>Keld Valley Gazette - Transport</title>
    <link>https://www.keld-gazette.example/</link>
    <language>en-gb</language>
    <item>
      <title>Ferry service to Caster doubled during bridge works</title>
      <link>https://www.keld-gazette.example/2023/09/13/ferry-caster/</link>
      <pubDate>Wed, 13 Sep 2023 08:00:00 +0000</pubDate>
      <dc:creator>Petra Lindqvist</dc:creator>
      <description>The ferry will sail twice as often.</description>
      <content:encoded><![CDATA[{content}]]></content:encoded>
    </item>
    <item>
      <title>Council keeps the old library open</title>
      <link>{summary_link}</link>
      <pubDate>Thu, 14 Sep 2023 10:30:00 +0000</pubDate>
      <dc:creator>Ilse Marrow</dc:creator>
      <description>The council voted to keep the library open for a year.</description>
    </item>
  </channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Wendle Herald</title>
  <link href="https://www.wendle-herald.example/"/>
  <id>urn:uuid:0b6f3c4e-wendle-herald</id>
  <updated>2024-10-07T18:00:00Z</updated>
  <entry>
    <title>Harbour crane collapse halts container traffic</title>
    <link href="https://www.wendle-herald.example/2024/10/07/crane-collapse/"/>
    <id>urn:uuid:crane-collapse</id>
    <published>2024-10-07T09:15:00Z</published>
    <updated>2024-10-07T12:00:00Z</updated>
    <author><name>Ilse Marrow</name></author>
    <summary>A crane fell onto the quay.</summary>
    <content type="html">{content}</content>
  </entry>
</feed>
"""

LIBRARY = [
    "The council voted on Thursday evening to keep the old library on Market Street open for another year, after "
    "more than two thousand residents signed a petition against its closure.",
    "Librarians said the building needed a new roof and better heating, and that the money set aside by the "
    "council would cover only the most urgent repairs before the winter.",
]


def _fragment(paragraphs: list[str]) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


@pytest.mark.network
def test_sources_rss_full_content_and_summary_entry_fetched(tmp_path: Path, loopback: StartServer) -> None:
    server = loopback(
        {
            "/library": Reply(
                200,
                html_page("Council keeps the old library open", LIBRARY).encode(),
                {"Content-Type": "text/html; charset=utf-8"},
            )
        }
    )
    path = tmp_path / "gazette.xml"
    path.write_text(RSS.format(content=_fragment(PARAGRAPHS), summary_link=server.url("/library")), encoding="utf-8")
    settings = Settings(allow_private_network=True)
    with Fetcher(settings) as fetcher:
        docs, failures = _read([path], settings, fetcher)
    assert failures == []
    assert [d.source for d in docs] == [
        "https://www.keld-gazette.example/2023/09/13/ferry-caster/",
        server.url("/library"),
    ]
    assert server.requests == ["/library"]

    full, fetched = docs
    assert full.kind == "fragment"
    article = extract_document(full, settings)
    assert article.title == "Ferry service to Caster doubled during bridge works"
    assert article.author == "Petra Lindqvist"
    assert article.published == "2023-09-13T08:00:00+00:00"
    assert article.outlet == "Keld Valley Gazette"
    assert article.url == "https://www.keld-gazette.example/2023/09/13/ferry-caster/"
    assert article.language == "en"
    assert article.text == BODY

    assert fetched.kind == "html"
    linked = extract_document(fetched, settings)
    assert linked.title == "Council keeps the old library open"
    assert linked.author == "Ilse Marrow"  # from the feed entry
    assert linked.published == "2023-09-14T10:30:00+00:00"
    assert "two thousand residents" in linked.text


@pytest.mark.network
def test_sources_rss_summary_entry_not_fetched_from_private_address(tmp_path: Path, loopback: StartServer) -> None:
    server = loopback({"/library": Reply(200, html_page("Library", LIBRARY).encode(), {"Content-Type": "text/html"})})
    path = tmp_path / "gazette.xml"
    path.write_text(RSS.format(content=_fragment(PARAGRAPHS), summary_link=server.url("/library")), encoding="utf-8")
    settings = Settings()  # private network not allowed
    with Fetcher(settings) as fetcher:
        docs, failures = _read([path], settings, fetcher)
    assert len(docs) == 1
    assert [f.source for f in failures] == [server.url("/library")]
    assert "non-public address" in failures[0].reason
    assert server.requests == []


def test_sources_rss_summary_kept_when_fetching_disabled(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "gazette.xml"
    path.write_text(
        RSS.format(content=_fragment(PARAGRAPHS), summary_link="https://www.keld-gazette.example/lib/"),
        encoding="utf-8",
    )
    docs, failures = _read([path], settings, None)
    assert failures == []
    assert docs[1].hints.get("summary_only") == "true"


def test_sources_atom_full_content_entry(tmp_path: Path, settings: Settings) -> None:
    from html import escape

    path = tmp_path / "herald.atom"
    path.write_text(ATOM.format(content=escape(_fragment(PARAGRAPHS))), encoding="utf-8")
    docs, failures = _read([path], settings)
    assert failures == []
    assert len(docs) == 1 and docs[0].source == "https://www.wendle-herald.example/2024/10/07/crane-collapse/"
    article = extract_document(docs[0], settings)
    assert article.title == "Harbour crane collapse halts container traffic"
    assert article.author == "Ilse Marrow"
    assert article.published == "2024-10-07T09:15:00+00:00"
    assert article.outlet == "Wendle Herald"
    assert article.text == BODY


def test_sources_feed_without_entries_fails(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "empty.xml"
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>', encoding="utf-8"
    )
    docs, failures = _read([path], settings)
    assert docs == [] and failures[0].source == str(path) and "no entries" in failures[0].reason


# -------------------------------------------------------------------------------------------- WARC


def _warc(path: Path, records: list[tuple[str, str, bytes]]) -> None:
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=path.suffix == ".gz")
        for url, content_type, body in records:
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
            writer.write_record(record)


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_sources_warc_html_responses_only(tmp_path: Path, settings: Settings, name: str) -> None:
    path = tmp_path / name
    _warc(
        path,
        [
            (
                "https://gazette.example/2023/09/13/ferry/",
                "text/html; charset=utf-8",
                html_page("Ferry doubled").encode(),
            ),
            ("https://gazette.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(200)),
            (
                "https://gazette.example/2023/09/14/library/",
                "text/html",
                html_page("Library stays open", LIBRARY).encode(),
            ),
        ],
    )
    docs, failures = _read([path], settings)
    assert failures == []
    assert [d.source for d in docs] == [
        "https://gazette.example/2023/09/13/ferry/",
        "https://gazette.example/2023/09/14/library/",
    ]
    assert all(d.kind == "html" for d in docs)
    assert extract_document(docs[1], settings).title == "Library stays open"


def test_sources_warc_without_html_fails(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "images.warc.gz"
    _warc(path, [("https://gazette.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(100))])
    docs, failures = _read([path], settings)
    assert docs == [] and "no HTML" in failures[0].reason


# ---------------------------------------------------------------------------------------- failures


def test_sources_oversized_file_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text(BODY, encoding="utf-8")
    docs, failures = _read([path], Settings(max_input_bytes=100))
    assert docs == []
    assert failures[0].source == str(path) and "exceeds the 100-byte limit" in failures[0].reason


def test_sources_oversized_gzip_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.txt.gz"
    path.write_bytes(gzip.compress(b"a" * 100_000))
    docs, failures = _read([path], Settings(max_input_bytes=1000))
    assert docs == [] and "decompressed" in failures[0].reason


def test_sources_failures_named_and_batch_goes_on(tmp_path: Path, settings: Settings) -> None:
    good = tmp_path / "good.txt"
    good.write_text(BODY, encoding="utf-8")
    image = tmp_path / "photo.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(500))
    nul = tmp_path / "dump.txt"
    nul.write_bytes(b"abc\x00\x00\x01" * 200)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    truncated = tmp_path / "cut.txt.gz"
    truncated.write_bytes(gzip.compress(BODY.encode())[:-30])
    missing = tmp_path / "missing.txt"
    later = tmp_path / "later.md"
    later.write_text("# Later\n\n" + BODY, encoding="utf-8")

    sources = [good, image, nul, missing, empty, truncated, "https://gazette.example/x", later]
    docs, failures = _read(sources, settings, None)

    assert [Path(d.source).name for d in docs] == ["good.txt", "later.md"]
    reasons = {f.source: f.reason for f in failures}
    assert list(reasons) == [
        str(image),
        str(nul),
        str(missing),
        str(empty),
        str(truncated),
        "https://gazette.example/x",
    ]
    assert all(f.reason for f in failures)
    assert "binary" in reasons[str(image)]
    assert "NUL" in reasons[str(nul)]
    assert "no such file" in reasons[str(missing)]
    assert "empty" in reasons[str(empty)]
    assert "truncated" in reasons[str(truncated)]
    assert "disabled" in reasons["https://gazette.example/x"]


# ------------------------------------------------------------------------------------- issue 8: streams


def test_issue8_feed_date_keeps_its_local_day(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "evening.xml"
    feed = RSS.format(content=_fragment(PARAGRAPHS), summary_link="https://www.keld-gazette.example/lib/")
    path.write_text(feed.replace("Wed, 13 Sep 2023 08:00:00 +0000", "Wed, 13 Sep 2023 21:54:00 -0400"), "utf-8")
    docs, _ = _read([path], Settings(fetch_linked_pages=False))
    article = extract_document(docs[0], settings)
    assert article.published == "2023-09-13T21:54:00-04:00"  # not 2023-09-14 in UTC


def test_issue8_jsonl_container_streams_past_the_record_cap(tmp_path: Path) -> None:
    """The cap applies to a record, never to the file: a JSON Lines file many times the cap is read whole,
    and only the one record above the cap fails."""
    page = html_page("Ferry sails twice as often")
    path = tmp_path / "crawl.jsonl.gz"
    records = [json.dumps({"url": f"https://crawl.example/{n}", "html": page}) for n in range(40)]
    records.insert(7, json.dumps({"url": "https://crawl.example/huge", "html": "<p>x</p>" * 2000}))
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(records) + "\n")
    settings = Settings(max_input_bytes=len(records[0]) + 100)
    docs, failures = _read([path], settings)
    assert len(docs) == 40
    assert [f.source for f in failures] == [f"{path}:8"]
    assert "longer than" in failures[0].reason


def test_issue8_large_feed_read_entry_by_entry(tmp_path: Path) -> None:
    item = (
        "<item><title>Story {n}</title><link>https://www.keld-gazette.example/{n}/</link>"
        "<pubDate>Wed, 13 Sep 2023 08:00:00 +0000</pubDate><description><![CDATA[{body}]]></description></item>"
    )
    body = _fragment(PARAGRAPHS)
    items = "".join(item.format(n=n, body=body) for n in range(30))
    path = tmp_path / "big.rss"
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Keld Valley Gazette</title>'
        f"<link>https://www.keld-gazette.example/</link>{items}</channel></rss>",
        encoding="utf-8",
    )
    settings = Settings(max_input_bytes=5000, fetch_linked_pages=False)  # the file is ~60 KB
    docs, failures = _read([path], settings)
    assert failures == []
    assert [d.source for d in docs] == [f"https://www.keld-gazette.example/{n}/" for n in range(30)]
    assert docs[0].hints["outlet"] == "Keld Valley Gazette"


def test_issue8_utf16_without_bom_is_text(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes(BODY.encode("utf-16-le"))
    docs, failures = _read([path], settings)
    assert failures == [] and docs[0].content == BODY


def test_issue8_warc_broken_records_fail_alone(tmp_path: Path, settings: Settings) -> None:
    def record(url: str, length: int | None = None) -> bytes:
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + html_page(url).encode()
        size = len(http) if length is None else length
        return b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: %s\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n" % (
            url.encode(),
            size,
            http,
        )

    path = tmp_path / "crawl.warc"
    # A Content-Length too large swallows the next record in warcio; here the next one is read on its own.
    path.write_bytes(
        record("https://a.example/1") + record("https://a.example/2", 50_000) + record("https://a.example/3")
    )
    docs, failures = _read([path], settings)
    assert [d.source for d in docs] == ["https://a.example/1", "https://a.example/3"]
    assert [f.source for f in failures] == [f"{path}#record2"]
    members = [gzip.compress(record(f"https://a.example/{n}")) for n in range(1, 5)]
    corrupt = bytearray(members[1])
    corrupt[20:40] = bytes(20)
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(members[0] + bytes(corrupt) + members[2] + members[3])
    docs, failures = _read([path], settings)
    assert [d.source for d in docs] == ["https://a.example/1", "https://a.example/3", "https://a.example/4"]
    assert len(failures) == 1 and "corrupt gzip" in failures[0].reason
