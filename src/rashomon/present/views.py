"""Readable terminal views of stored records (Rich). All article text is printed as plain text, never markup."""

from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from rashomon.records import Article


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
