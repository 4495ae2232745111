"""Issue 9, extraction and metadata: entities in titles, declared languages, wire boilerplate and bylines.

Every page and scrape here is written by the test (invented outlets and people).
"""

from __future__ import annotations

import pytest

from rashomon.ingest import extract_document
from rashomon.ingest.credits import split_byline, strip_wire_lines
from rashomon.ingest.metadata import clean_author, clean_title, detect_language, normalise_language
from rashomon.records import RawDocument
from rashomon.settings import Settings

BODY = [
    "The ferry between Keldmouth and Caster will sail twice as often while the Sarne bridge is closed for "
    "repairs, the operator announced on Wednesday after talks with the regional roads office.",
    "Extra crews have been hired for the morning and evening rush, and the last ferry of the day will leave "
    "Caster at midnight instead of ten o'clock in the evening, the operator said.",
    "Passengers with a monthly bridge pass will travel free of charge until the bridge reopens in the last "
    "week of October, weather permitting, after the new cables have been tested under load.",
]


def _page(title: str, paragraphs: list[str], head: str = "", lang: str = "en") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>{head}</head>'
        f"<body><article><h1>Headline</h1>{body}</article></body></html>"
    )


def _extract(content: str, kind: str = "html", **hints: str):  # type: ignore[no-untyped-def]
    raw = RawDocument(source="page", kind=kind, content=content, url=hints.pop("url", None), hints=hints)
    return extract_document(raw, Settings())


# ------------------------------------------------------------------------------ 1. entities in titles


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        ("&#8216;Nobody rang a bell&#8217;: Lisk residents", "‘Nobody rang a bell’: Lisk residents"),
        ("Caster&#39;s night bus stays", "Caster's night bus stays"),
        ("Caster&#x27;s night bus stays", "Caster's night bus stays"),
        ("Ferries &amp; bridges", "Ferries & bridges"),
    ],
)
def test_issue9_title_entities_unescaped_once(declared: str, expected: str) -> None:
    # JSON-LD and og:title carry entity text that the HTML parser leaves alone (it is inside a string).
    ld = f'<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{declared}"}}</script>'
    article = _extract(_page("x", BODY, head=ld))
    assert article.title == expected
    assert clean_title(declared) == expected


def test_issue9_author_and_description_entities_unescaped() -> None:
    head = (
        '<meta name="author" content="Ana L&#248;nd">'
        '<meta name="description" content="The ferry&#8217;s new timetable">'
    )
    article = _extract(_page("Ferry", BODY, head=head))
    assert article.author == "Ana Lønd"
    assert article.description == "The ferry’s new timetable"


# ----------------------------------------------------------------------------------- 2. languages


@pytest.mark.parametrize(
    ("declared", "code"),
    [("en_IN", "en"), ("en-gb", "en"), ("EN", "en"), ("eng", "en"), ("zh-Hans-CN", "zh"), ("fr", "fr"), ("iw", "he")],
)
def test_issue9_declared_language_normalised(declared: str, code: str) -> None:
    assert normalise_language(declared) == code


def test_issue9_declared_language_wins_over_og_locale() -> None:
    french = [
        "Les habitants de Lisk ont passé la nuit dans le gymnase après la crue de la rivière.",
        "Alors que l'eau montait, la mairie a ouvert deux écoles pour accueillir les familles évacuées.",
    ]
    head = '<meta property="og:locale" content="en_US">'
    assert _extract(_page("Crue à Lisk", french, head=head, lang="fr")).language == "fr"


def test_issue9_chinese_is_not_korean() -> None:
    text = "利斯克镇周四发生洪水，数百名居民被疏散到学校和体育馆。当地政府表示，河水水位仍在上涨。" * 3
    assert detect_language(text) == "zh"
    assert detect_language("리스크 마을에 홍수가 나서 주민 수백 명이 학교로 대피했다. " * 3) == "ko"
    assert detect_language("リスクの町で洪水が発生し、住民が学校に避難した。川の水位はまだ上がっている。" * 3) == "ja"


# ------------------------------------------------------------------------------ 3. wire boilerplate


def test_issue9_wire_lines_removed_and_credit_read() -> None:
    paragraphs = [
        *BODY,
        "Reporting by Ana Lind in Bengaluru; Editing by Tom Poe and Bo Li",
        "Our Standards: The Thomson Reuters Trust Principles.",
    ]
    article = _extract(_page("Ferry", paragraphs))
    assert "Reporting by" not in article.text and "Our Standards" not in article.text
    assert article.author == "Ana Lind"
    assert article.byline_place == "Bengaluru"
    assert article.editors == "Tom Poe; Bo Li"


def test_issue9_embedded_post_removed() -> None:
    text = "\n\n".join(
        [
            BODY[0],
            "The water is at the door of the school, get out now pic.twitter.com/AbC123xyz",
            "— Mara Venn (@maravenn) February 28, 2024",
            BODY[1],
            "Buses are running again in Caster https://t.co/xyz — Caster Council (@castercouncil) March 1, 2024",
            BODY[2],
        ]
    )
    kept, credit = strip_wire_lines(text)
    assert kept.split("\n\n") == BODY and credit is None


def test_issue9_byline_taken_apart() -> None:
    assert split_byline("Reporting by Ana Lind in Bengaluru; Editing by Tom Poe") == (
        ["Ana Lind"],
        "Bengaluru",
        ["Tom Poe"],
    )
    assert split_byline("By Ana Lind and Bo Ek in New York") == (["By Ana Lind and Bo Ek"], "New York", [])
    assert clean_author("Reporting by Ana Lind in Bengaluru; Editing by Tom Poe") == "Ana Lind"
    assert clean_author("Additional reporting by Kim Sol; Writing by Ana Lind") == "Ana Lind"


def test_issue9_page_byline_with_place_and_editor() -> None:
    head = '<meta name="author" content="Reporting by Ana Lind in Caster; Editing by Tom Poe">'
    article = _extract(_page("Ferry", BODY, head=head))
    assert (article.author, article.byline_place, article.editors) == ("Ana Lind", "Caster", "Tom Poe")


def test_issue9_credit_line_in_a_scrape() -> None:
    scrape = "\n\n".join(["# Ferry sails twice as often", *BODY, "(Reporting by Ana Lind; Editing by Tom Poe)"])
    article = _extract(scrape, kind="markdown")
    assert article.text.split("\n\n") == BODY
    assert article.author == "Ana Lind" and article.editors == "Tom Poe"
