"""The compare reports (Markdown and one self-contained HTML file) for the demo corpus and for a hostile
invented article: article text is escaped, no markup or table syntax from an article gets through, and
the HTML loads nothing from outside."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest

from rashomon.pipeline import compare_sources
from rashomon.present.reports import render
from rashomon.present.reports.html import render_html
from rashomon.present.reports.markdown import render_markdown
from rashomon.records import Article, ComparedEvent
from rashomon.settings import Settings
from tests.compare.conftest import Compare
from tests.conftest import REPO

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
HOSTILE_TITLE = f"Flood {SCRIPT} | Harwick"
HOSTILE = "\n\n".join(
    (
        f"The Oster River burst its banks in Harwick {SCRIPT} on Monday and flooded 300 homes | in the old town.",
        f"“The water came {IMG} under the door,” said Ilse Varga, the mayor of Harwick.",
        "The railway line to Tolvern | Ashby was suspended for the whole week, the rail operator said.",
    )
)
PLAIN = "\n\n".join(
    (
        "Hundreds of houses in Harwick's old town were flooded when the Oster River overflowed on Monday.",
        "Mayor Ilse Varga said the water came under the doors of the old town in minutes.",
    )
)


class _Tags(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def _tags(document: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(document)
    parser.close()
    return parser.tags


def assert_self_contained_html(document: str) -> None:
    """One document, no script, no event handler, nothing loaded from elsewhere."""
    assert document.startswith("<!DOCTYPE html>")
    assert document.count("<html") == 1 and document.rstrip().endswith("</html>")
    tags = _tags(document)
    names = {name for name, _ in tags}
    assert not names & {"script", "img", "link", "iframe", "object", "embed", "base", "form", "svg"}, names
    for name, attrs in tags:
        assert not [a for a in attrs if a.startswith("on")], (name, attrs)
        assert "src" not in attrs and "href" not in attrs, (name, attrs)
        assert "url(" not in (attrs.get("style") or ""), (name, attrs)
    style = document[document.index("<style>") : document.index("</style>")]
    assert "url(" not in style and "@import" not in style


def _table_rows(markdown: str) -> list[list[str]]:
    """Markdown table rows split on unescaped pipes."""
    return [re.split(r"(?<!\\)\|", line)[1:-1] for line in markdown.splitlines() if line.startswith("|")]


def assert_tables_intact(markdown: str) -> None:
    """Every table row has as many cells as its header."""
    width = None
    for line in markdown.splitlines():
        if not line.startswith("|"):
            width = None
            continue
        cells = len(re.split(r"(?<!\\)\|", line)) - 2
        if width is None:
            width = cells
        assert cells == width, line


# ------------------------------------------------------------------------------------------------ demo


@pytest.fixture(scope="module")
def demo() -> list[ComparedEvent]:
    compared, _, failures = compare_sources([str(REPO / "examples")], Settings())
    assert failures == []
    return compared


def test_reports_demo_html(demo: list[ComparedEvent]) -> None:
    document = render_html(demo)
    assert_self_contained_html(document)
    assert "src=" not in document and "<link" not in document
    assert document.count("<section>") == len(demo) == 2
    for event in demo:
        assert f"<h2>{html.escape(event.title or '')}</h2>" in document
    for outlet in ("The Northern Ledger", "Kettlemoor Courier", "The Daily Torch"):
        assert outlet in document
    assert 'class="badge conflict"' in document and 'class="badge shared"' in document
    assert "<mark>" in document and 'class="slot"' in document
    assert "Marta Ostrelli" in document


def test_reports_demo_markdown(demo: list[ComparedEvent]) -> None:
    markdown = render_markdown(demo)
    assert markdown.startswith("# Rashomon: how the reports differ\n")
    assert markdown.count("\n## ") == 2
    assert_tables_intact(markdown)
    for heading in (
        "### Where the reports disagree",
        "### What each outlet leaves out",
        "### Facts several outlets report",
        "### Reported by one outlet only",
        "### Who said what",
        "### Voices",
    ):
        assert markdown.count(heading) == 2, heading
    # Conflicts lead, each value that differs in bold; no table is wider than five columns.
    assert markdown.index("### Where the reports disagree") < markdown.index("### Facts several outlets report")
    assert "**death toll** — " in markdown and ("**12**" in markdown or "**Twelve**" in markdown)
    assert "reached **97 percent** of its capacity" in markdown  # the words around a bold value keep their spaces
    for row in _table_rows(markdown):
        assert len(row) <= 5, row
    assert "<" not in markdown.replace("&lt;", "")


def test_reports_render_dispatches_and_rejects_unknown(demo: list[ComparedEvent]) -> None:
    assert render(demo, "markdown") == render_markdown(demo)
    assert render(demo, "html") == render_html(demo)
    with pytest.raises(ValueError, match="unknown report format"):
        render(demo, "pdf")


def test_reports_no_event() -> None:
    assert "No event was reported by two or more outlets." in render_markdown([])
    document = render_html([])
    assert_self_contained_html(document)
    assert "No event was reported by two or more outlets." in document


# --------------------------------------------------------------------------------------------- hostile


@pytest.fixture(scope="module")
def hostile(compare_articles: Compare) -> list[ComparedEvent]:
    articles = [
        Article(
            id="hostile",
            source="hostile.html",
            text=HOSTILE,
            title=HOSTILE_TITLE,
            outlet="Torch | <b>Daily</b>",
            author=f"Dex {IMG}",
            published="2024-10-07",
        ),
        Article(id="plain", source="plain.txt", text=PLAIN, title="Harwick flooded", outlet="Coastline Post"),
    ]
    return [compare_articles(articles)]


def test_reports_hostile_text_reaches_the_report(hostile: list[ComparedEvent]) -> None:
    # The premise: the hostile strings are in what the reports show (title, claims, quotes).
    [event] = hostile
    assert any(SCRIPT in s.text for g in event.claims for s in g.statements)
    assert any(IMG in q["text"] for q in event.quotes)
    assert any("Tolvern | Ashby" in s.text for g in event.claims for s in g.statements)


def test_reports_hostile_html_escaped(hostile: list[ComparedEvent]) -> None:
    document = render_html(hostile)
    assert_self_contained_html(document)
    assert "<script" not in document.lower()
    assert "<img" not in document.lower() and "<b>Daily" not in document
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document
    assert "&lt;img src=x onerror=alert(2)&gt;" in document
    # "onerror=" and "src=" appear only as escaped text of the article, never in a tag.
    assert document.count("onerror=") == document.count("&lt;img src=x onerror=")
    assert document.count("src=") == document.count("&lt;img src=x")
    assert "<link" not in document


def test_reports_hostile_markdown_escaped(hostile: list[ComparedEvent]) -> None:
    markdown = render_markdown(hostile)
    assert "<" not in markdown.replace("&lt;", "")  # no raw angle bracket at all
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markdown
    assert "&lt;img src=x onerror=alert(2)&gt;" in markdown
    assert "Tolvern \\| Ashby" in markdown
    assert "Torch \\| &lt;b&gt;Daily&lt;/b&gt;" in markdown
    assert_tables_intact(markdown)
    # No pipe from an article is left unescaped anywhere in a table cell.
    for row in _table_rows(markdown):
        for cell in row:
            assert "|" not in cell.replace("\\|", ""), cell
