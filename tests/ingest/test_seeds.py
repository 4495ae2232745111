"""The two seed scrapes (../shared/seeds, third-party text read at test time, never copied here).

000 is an agency text scrape (crumb line, headline, standfirst, repeated photo credits, dateline without a
year); 001 a Markdown scrape (headline, linked byline, date line, "pictured" caption, links, a sentence
broken over two paragraphs, a related-articles list, an "Original url:" trailer).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rashomon.ingest import extract_document, read_sources
from rashomon.records import Article, Failure
from rashomon.settings import Settings


@pytest.fixture
def seed_articles(seeds_dir: Path) -> dict[str, Article]:
    settings = Settings()
    articles: dict[str, Article] = {}
    for raw in read_sources([str(seeds_dir)], settings):
        assert not isinstance(raw, Failure), raw
        articles[Path(raw.source).name[:3]] = extract_document(raw, settings)
    if not {"000", "001"} <= set(articles):
        pytest.skip(f"seed files 000_* and 001_* not found in {seeds_dir}")
    return articles


@pytest.fixture
def agency(seed_articles: dict[str, Article]) -> Article:
    return seed_articles["000"]


@pytest.fixture
def markdown(seed_articles: dict[str, Article]) -> Article:
    return seed_articles["001"]


# ------------------------------------------------------------------------------------- 000: agency text


def test_seeds_agency_metadata(agency: Article) -> None:
    assert agency.title == "Lavrov expected to have talks with Clinton at OSCE Ministerial"
    assert agency.outlet == "ITAR-TASS"
    assert agency.author is None
    assert agency.published == "2012-12-06"
    assert agency.language == "en"


def test_seeds_agency_dateline(agency: Article) -> None:
    assert agency.dateline is not None
    assert agency.dateline.place == "Dublin"
    assert agency.dateline.agency == "ITAR-TASS"
    assert agency.dateline.date == "2012-12-06"


def test_seeds_agency_body_clean(agency: Article) -> None:
    assert agency.text.startswith("DUBLIN, December 6")
    assert "All news" not in agency.text
    assert "Photo ITAR-TASS" not in agency.text
    assert agency.title not in agency.text


def test_seeds_agency_standfirst_not_duplicated(agency: Article, seeds_dir: Path) -> None:
    raw = next(seeds_dir.glob("000_*")).read_text(encoding="utf-8")
    # The standfirst is the block between the headline and the photo credits.
    blocks = [b.strip() for b in raw.split("\n\n") if b.strip()]
    title_at = blocks.index(agency.title)
    standfirst = blocks[title_at + 1].split("\n")[0].strip()
    assert standfirst and not standfirst.startswith("Photo")
    paragraphs = agency.text.split("\n\n")
    assert standfirst not in paragraphs
    # It repeats a sentence of the body: that sentence is in the body once.
    key = standfirst.rstrip('.”"')
    assert agency.text.count(key) <= 1


# ---------------------------------------------------------------------------------- 001: Markdown scrape


def test_seeds_markdown_metadata(markdown: Article) -> None:
    assert markdown.title == "Clinton and Lavrov Bicker Over OSCE"
    assert markdown.outlet == "The Moscow Times"
    assert markdown.author == "Nikolaus von Twickel"
    assert markdown.published == "2012-12-06"
    assert markdown.url == "https://www.themoscowtimes.com/2012/12/06/clinton-and-lavrov-bicker-over-osce-a19985"
    assert markdown.language == "en"


def test_seeds_markdown_body_clean(markdown: Article) -> None:
    for junk in ("Related articles", "Original url", "pictured above", "[", "](#)", "By Nikolaus"):
        assert junk not in markdown.text, junk
    assert markdown.title not in markdown.text


def test_seeds_markdown_broken_sentence_is_one_paragraph(markdown: Article) -> None:
    paragraphs = [p for p in markdown.text.split("\n\n") if "are countered with unfriendly acts" in p]
    assert len(paragraphs) == 1
