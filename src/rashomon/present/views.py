"""Readable terminal views of stored records (Rich). All article text is printed as plain text, never markup."""

from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from rashomon.records import Analysis, Article


def print_article(console: Console, article: Article) -> None:
    meta = Table.grid(padding=(0, 2))
    meta.add_column(style="bold")
    meta.add_column()
    dateline = article.dateline
    for key, value in (
        ("id", article.id),
        ("title", article.title),
        ("outlet", article.outlet),
        ("author", article.author),
        ("published", f"{article.published or ''}  ({article.published_from or 'unknown'})"),
        ("url", article.url),
        ("language", article.language),
        ("dateline", f"{dateline.place or ''} · {dateline.date or ''} · {dateline.agency or ''}" if dateline else None),
        ("source", article.source),
    ):
        if value:
            meta.add_row(key, Text(str(value)))
    console.print(Panel(meta, title=Text(article.title or article.id), expand=False))
    if len(article.carriers) > 1:
        carried = Table("relation", "outlet", "url / source", "similarity", title="carried by")
        for c in article.carriers:
            carried.add_row(c.relation, Text(c.outlet or ""), Text(c.url or c.source), f"{c.similarity:.2f}")
        console.print(carried)
    console.print(Text(article.text))


def print_analysis(console: Console, article: Article, analysis: Analysis, *, header: bool = True) -> None:
    """Entities and quotes with speakers, as tables."""
    if header:
        title = f"{article.title or article.source} — {article.outlet or ''} {article.published or ''}"
        console.print(Panel(Text(title), expand=False))
    entities = Table("entity", "type", "role", "mentions", "also written", title="entities", title_justify="left")
    for entity in sorted(analysis.entities, key=lambda e: -len(e.mentions)):
        entities.add_row(
            Text(entity.name),
            entity.type,
            Text(entity.role or ""),
            str(len(entity.mentions)),
            Text(", ".join(entity.aliases)[:80]),
        )
    console.print(entities)
    quotes = Table(
        "speaker", "as written", "cue", "kind", "quote", title="who said what", title_justify="left", show_lines=True
    )
    for quote in analysis.quotes:
        speaker = quote.speaker or "?"
        if quote.on_behalf_of:
            speaker += f" (for {quote.on_behalf_of})"
        quotes.add_row(
            Text(speaker), Text(quote.speaker_as_written or ""), Text(quote.cue or ""), quote.kind, Text(quote.text)
        )
    console.print(quotes)


def print_versions(console: Console, versions: list[dict[str, object]]) -> None:
    """The versions of an article (same url or file, new texts), oldest first."""
    if not versions:
        return
    table = Table("id", "stored", "published", "words", "title", title="versions", title_justify="left")
    for v in versions:
        mark = " (shown)" if v["latest"] else ""
        table.add_row(
            Text(f"{v['id']}{mark}"),
            Text(str(v["stored"] or "")[:19]),
            Text(str(v["published"] or "")),
            str(v["words"]),
            Text(str(v["title"] or "")),
        )
    console.print(table)
