"""clean_scrape on invented text and Markdown scrapes (tests/resources/*-scrape.*): what is body, what is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from rashomon.ingest import extract_document
from rashomon.ingest.extract import stopwords_for
from rashomon.ingest.scrape import ScrapeResult, clean_scrape
from rashomon.records import RawDocument
from rashomon.settings import Settings

ENGLISH = stopwords_for("en")


def _paragraphs(result: ScrapeResult) -> list[str]:
    return result.text.split("\n\n")


@pytest.fixture
def harbour(resources_dir: Path) -> ScrapeResult:
    """A Markdown dump: link crumbs, headline, standfirst, credits twice, caption, byline, date, body,
    a sub-heading, a paragraph broken mid-sentence, share lines, a related-articles list, an url trailer."""
    return clean_scrape((resources_dir / "harbour-scrape.md").read_text(encoding="utf-8"), stopwords=ENGLISH)


@pytest.fixture
def bridge(resources_dir: Path) -> ScrapeResult:
    """A text dump: cookie notice, crumbs, headline, standfirst, credit, byline with role, date line,
    dateline, body, share lines, tags, reader comments, copyright."""
    return clean_scrape((resources_dir / "bridge-scrape.txt").read_text(encoding="utf-8"), stopwords=ENGLISH)


# ------------------------------------------------------------------------------------------ markdown


def test_scrape_markdown_headline_is_title(harbour: ScrapeResult) -> None:
    assert harbour.title == "Harbour crane collapse halts container traffic in Port Wendle"
    assert harbour.title not in harbour.text


def test_scrape_markdown_standfirst_is_not_title_nor_repeated(harbour: ScrapeResult) -> None:
    standfirst = "Investigators are looking at a cracked weld in the crane's main boom, the port authority said."
    assert harbour.title != standfirst
    assert harbour.text.count("cracked weld") <= 1


def test_scrape_markdown_byline_link_becomes_author(harbour: ScrapeResult) -> None:
    assert harbour.author == "Ilse Marrow"
    assert "By Ilse" not in harbour.text
    assert "Ilse Marrow" not in harbour.text


def test_scrape_markdown_date_line_becomes_published(harbour: ScrapeResult) -> None:
    assert harbour.published == "2024-10-07"
    assert "October 7, 2024" not in harbour.text


def test_scrape_original_url_trailer_becomes_url(harbour: ScrapeResult) -> None:
    assert harbour.url == "https://www.wendle-herald.example/2024/10/07/harbour-crane-collapse-port-wendle/"
    assert "Original url" not in harbour.text
    assert "wendle-herald.example" not in harbour.text


def test_scrape_crumbs_credits_and_captions_dropped(harbour: ScrapeResult) -> None:
    assert "Home" not in harbour.text
    assert "Regions" not in harbour.text
    assert "Photo:" not in harbour.text
    assert "pictured" not in harbour.text
    assert "fallen crane" not in harbour.text


def test_scrape_markdown_syntax_stripped(harbour: ScrapeResult) -> None:
    for mark in ("[", "](", "](#)", "#", "*", "<http"):
        assert mark not in harbour.text, mark
    # Link texts and emphasised words stay, without their markup.
    assert "according to a statement from the Port Wendle Authority." in harbour.text
    assert "from the freighter Northern Gull," in harbour.text


def test_scrape_heading_marks_removed_heading_kept(harbour: ScrapeResult) -> None:
    assert "The inspection record" in _paragraphs(harbour)


def test_scrape_related_block_and_share_lines_dropped(harbour: ScrapeResult) -> None:
    for junk in ("Related articles", "Share this article", "Subscribe", "grain terminal", "night shifts", "dredging"):
        assert junk not in harbour.text, junk
    assert _paragraphs(harbour)[-1].startswith("Shipping agents said at least six vessels")


def test_scrape_broken_paragraph_rejoined(harbour: ScrapeResult) -> None:
    joined = [p for p in _paragraphs(harbour) if "until we know what happened to that boom" in p]
    assert len(joined) == 1
    assert joined[0].startswith('"We have stopped all lifting')


def test_scrape_body_complete(harbour: ScrapeResult) -> None:
    paragraphs = _paragraphs(harbour)
    assert any(p.startswith("A harbour crane collapsed at the container terminal") for p in paragraphs)
    assert any(p.startswith("Investigators from the national transport safety board") for p in paragraphs)
    assert any(p.startswith("The terminal operator, Wendle Box Lines,") for p in paragraphs)


# ---------------------------------------------------------------------------------------------- text


def test_scrape_text_headline_and_standfirst(bridge: ScrapeResult) -> None:
    assert bridge.title == "Toll bridge over the Sarne to close for six weeks of repairs"
    assert bridge.description == "Commuters face long detours as engineers replace corroded cables"
    assert "Commuters face long detours" not in bridge.text
    assert "Toll bridge over the Sarne" not in bridge.text


def test_scrape_text_byline_with_role_and_date_label(bridge: ScrapeResult) -> None:
    assert bridge.author == "Petra Lindqvist"
    assert bridge.published == "2023-09-12"


def test_scrape_text_body_starts_at_dateline(bridge: ScrapeResult) -> None:
    assert bridge.text.startswith("KELDMOUTH, Sept 12 — The Sarne toll bridge")
    assert bridge.text.endswith("until the bridge reopens.")
    assert len(_paragraphs(bridge)) == 5


def test_scrape_cookie_notice_not_included(bridge: ScrapeResult) -> None:
    assert "cookie" not in bridge.text.lower()
    assert "privacy" not in bridge.text.lower()


def test_scrape_reader_comments_not_included(bridge: ScrapeResult) -> None:
    for comment in ("Comments (3)", "Tomas B.", "ring road", "cables looked rusty", "eight in the morning"):
        assert comment not in bridge.text, comment


def test_scrape_share_tags_and_copyright_dropped(bridge: ScrapeResult) -> None:
    for junk in ("Share on", "Email", "Tags:", "All rights reserved", "Accept all"):
        assert junk not in bridge.text, junk


def test_scrape_reader_service_header_fields() -> None:
    scrape = (
        "Title: Ferry service to Caster doubled during bridge works\n"
        "URL Source: https://www.keld-gazette.example/2023/09/13/ferry-caster/\n"
        "Published Time: 2023-09-13T08:00:00+02:00\n"
        "Markdown Content:\n"
        "The ferry between Keldmouth and Caster will sail twice as often while the Sarne bridge is closed for "
        "repairs, the operator announced on Wednesday morning after talks with the roads office.\n\n"
        "Extra crews have been hired for the morning and evening rush, and the last ferry of the day will leave "
        "Caster at midnight instead of ten o'clock in the evening.\n"
    )
    result = clean_scrape(scrape, stopwords=ENGLISH)
    assert result.title == "Ferry service to Caster doubled during bridge works"
    assert result.url == "https://www.keld-gazette.example/2023/09/13/ferry-caster/"
    assert result.published == "2023-09-13T08:00:00+02:00"
    assert result.text.startswith("The ferry between Keldmouth and Caster")
    assert "URL Source" not in result.text and "Markdown Content" not in result.text


# ------------------------------------------------------------------------------------------- trusted

TRUSTED_BODY = """The council voted on Thursday evening to keep the old library open for another year, after more \
than two thousand residents signed a petition against its closure.

Librarians said the building needed a new roof and better heating, and that the money set aside by the council \
would cover only the most urgent repairs this winter.

Read more

Volunteers have offered to run a reading club for children on Saturday mornings while the repairs go on."""


def test_scrape_trusted_keeps_all_prose() -> None:
    untrusted = clean_scrape(TRUSTED_BODY, stopwords=ENGLISH)
    trusted = clean_scrape(TRUSTED_BODY, stopwords=ENGLISH, trusted=True)
    volunteers = "Volunteers have offered to run a reading club"
    # A scrape cleaner stops at the "Read more" break; an already extracted body keeps every paragraph.
    assert volunteers not in untrusted.text
    assert len(_paragraphs(trusted)) == 3
    assert _paragraphs(trusted)[-1].startswith(volunteers)
    assert "Read more" not in trusted.text
    assert trusted.title is None


# ----------------------------------------------------------------------------------- through extract


def test_scrape_extract_document_markdown(resources_dir: Path) -> None:
    content = (resources_dir / "harbour-scrape.md").read_text(encoding="utf-8")
    article = extract_document(RawDocument(source="harbour-scrape.md", kind="markdown", content=content), Settings())
    assert article.title == "Harbour crane collapse halts container traffic in Port Wendle"
    assert article.author == "Ilse Marrow"
    assert article.published == "2024-10-07"
    assert article.published_from == "text"
    assert article.url == "https://www.wendle-herald.example/2024/10/07/harbour-crane-collapse-port-wendle/"
    assert article.outlet == "wendle-herald.example"
    assert article.language == "en"
    assert article.kind == "markdown"


def test_scrape_extract_document_text_dateline(resources_dir: Path) -> None:
    content = (resources_dir / "bridge-scrape.txt").read_text(encoding="utf-8")
    article = extract_document(RawDocument(source="bridge-scrape.txt", kind="text", content=content), Settings())
    assert article.dateline is not None
    assert article.dateline.place == "Keldmouth"
    assert article.dateline.date == "2023-09-12"  # the year comes from the date line
    assert article.published == "2023-09-12"
    assert article.author == "Petra Lindqvist"
    assert article.description == "Commuters face long detours as engineers replace corroded cables"
    assert article.text.startswith("KELDMOUTH, Sept 12 —")
