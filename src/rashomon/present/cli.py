"""The ``rashomon`` command line (Typer + Rich).

Results go to stdout (``--format json`` prints exactly one JSON object); progress, summaries and error
messages go to stderr. Library exceptions are turned into messages here and nowhere else.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from rashomon import __version__
from rashomon.errors import RashomonError
from rashomon.ingest import Fetcher
from rashomon.pipeline import IngestSummary, extract_articles, ingest
from rashomon.records import Article, Failure
from rashomon.settings import Settings
from rashomon.store import Store

app = typer.Typer(
    name="rashomon",
    help="Read news reports from many outlets, group those that tell the same event, and show how they differ.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


class Format(StrEnum):
    json = "json"
    table = "table"


DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Store: SQLAlchemy URL or SQLite path [env RASHOMON_DB; default ./rashomon.db]."),
]
PrivateOption = Annotated[
    bool,
    typer.Option("--allow-private-network", help="Let the fetcher reach loopback and private addresses."),
]
StrictOption = Annotated[bool, typer.Option("--strict", help="Exit non-zero when any input fails.")]
SourcesArg = Annotated[
    list[str], typer.Argument(help="Files, folders, globs or http(s) urls (pages or RSS/Atom feeds).")
]


def _version(value: bool) -> None:
    if value:
        out.print(f"rashomon {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log details to stderr.")] = False,
) -> None:
    """Rashomon: who reported what, who said what, and how the accounts differ."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )


def _settings(**overrides: Any) -> Settings:
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValueError as exc:
        err.print(f"[red]error:[/] bad settings: {exc}")
        raise typer.Exit(2) from exc


@contextmanager
def _errors() -> Iterator[None]:
    """Library errors become one line on stderr and exit code 1."""
    try:
        yield
    except RashomonError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(1) from exc


def _print_json(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


def _report_failures(failures: list[Failure]) -> None:
    for failure in failures:
        err.print(f"[yellow]failed:[/] {failure.source}: {failure.reason}", highlight=False, markup=True)


def _exit_code(succeeded: int, failed: int, strict: bool) -> int:
    if failed and (strict or succeeded == 0):
        return 1
    return 0


@app.command()
def extract(
    sources: SourcesArg,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    allow_private_network: PrivateOption = False,
    no_fetch: Annotated[bool, typer.Option("--no-fetch", help="Never fetch urls or linked pages.")] = False,
    strict: StrictOption = False,
) -> None:
    """Extract articles (text and metadata) from SOURCES without storing them."""
    settings = _settings(allow_private_network=allow_private_network or None)
    articles: list[Article] = []
    failures: list[Failure] = []
    with _errors(), _fetcher(settings, no_fetch) as fetcher:
        for item in extract_articles(sources, settings, fetcher):
            (failures if isinstance(item, Failure) else articles).append(item)  # type: ignore[arg-type]
    _report_failures(failures)
    if fmt == Format.json:
        _print_json({"articles": [a.summary() for a in articles]})
    else:
        _article_table(articles, with_source=True)
    err.print(f"{len(articles)} extracted, {len(failures)} failed")
    raise typer.Exit(_exit_code(len(articles), len(failures), strict))


@contextmanager
def _fetcher(settings: Settings, disabled: bool) -> Iterator[Fetcher | None]:
    if disabled:
        yield None
        return
    with Fetcher(settings) as fetcher:
        yield fetcher


@app.command("ingest")
def ingest_command(
    sources: SourcesArg,
    db: DbOption = None,
    allow_private_network: PrivateOption = False,
    no_fetch: Annotated[bool, typer.Option("--no-fetch", help="Never fetch urls or linked pages.")] = False,
    strict: StrictOption = False,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Summary format.")] = Format.table,
) -> None:
    """Ingest SOURCES into the store: extract, deduplicate, store (idempotent and resumable)."""
    settings = _settings(db=db, allow_private_network=allow_private_network or None)
    with (
        _errors(),
        Store.open(settings) as store,
        _fetcher(settings, no_fetch) as fetcher,
        Progress(
            SpinnerColumn(),
            TextColumn("[bold]ingest[/]"),
            BarColumn(bar_width=None),
            TextColumn("{task.completed} inputs · {task.fields[last]}"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        ) as bar,
    ):
        task = bar.add_task("ingest", total=None, last="")

        def tick(source: str, status: str) -> None:
            bar.update(task, advance=1, last=f"{status}: {source[-60:]}")

        summary = ingest(sources, settings, store, fetcher, progress=tick)
    _report_failures(summary.failures)
    if fmt == Format.json:
        _print_json({"ingest": summary.to_dict()})
    _print_summary(summary)
    raise typer.Exit(_exit_code(summary.succeeded, len(summary.failures), strict))


def _print_summary(summary: IngestSummary) -> None:
    parts = [
        f"[green]{summary.added} added[/]",
        f"{summary.republished} republished (carrier recorded)",
        f"{summary.duplicate} duplicate",
    ]
    if summary.skipped:
        parts.append(f"{summary.skipped} already ingested")
    parts.append(f"[{'red' if summary.failures else 'dim'}]{len(summary.failures)} failed[/]")
    err.print(", ".join(parts))


@app.command("list")
def list_command(
    db: DbOption = None,
    outlet: Annotated[str | None, typer.Option(help="Only this outlet.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many articles.")] = 100,
    offset: Annotated[int, typer.Option(help="Skip this many first.")] = 0,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
) -> None:
    """List stored articles, newest first."""
    settings = _settings(db=db)
    with _errors(), Store.open(settings) as store:
        articles = list(store.iter_articles(outlet=outlet, limit=limit, offset=offset))
        total = store.count_articles()
    if fmt == Format.json:
        _print_json({"articles": [_stored_summary(a) for a in articles], "total": total})
    else:
        _article_table(articles, with_source=False)
        err.print(f"{len(articles)} of {total} stored articles")


def _stored_summary(article: Article) -> dict[str, Any]:
    data = article.summary()
    data["id"] = article.id
    data["carriers"] = [c.to_dict() for c in article.carriers]
    return data


def _article_table(articles: list[Article], *, with_source: bool) -> None:
    table = Table(show_lines=False, expand=False)
    table.add_column("source" if with_source else "id", overflow="fold", max_width=40)
    for name in ("published", "outlet", "title", "author", "lang", "words"):
        table.add_column(name, overflow="fold")
    if not with_source:
        table.add_column("carried by", overflow="fold")
    for a in articles:
        row = [
            a.source if with_source else a.id,
            a.published or "",
            a.outlet or "",
            a.title or "",
            a.author or "",
            a.language or "",
            str(len(a.text.split())),
        ]
        if not with_source:
            row.append(", ".join(dict.fromkeys(c.outlet or c.source for c in a.carriers)))
        table.add_row(*row)
    out.print(table)


@app.command()
def show(
    article: Annotated[str, typer.Argument(help="Article id (or a unique prefix), url or source.")],
    db: DbOption = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
) -> None:
    """Show one stored article: metadata, carriers and text."""
    settings = _settings(db=db)
    with _errors(), Store.open(settings) as store:
        found = store.get_article(article)
    if found is None:
        err.print(f"[red]error:[/] no stored article matches {article!r}")
        raise typer.Exit(1)
    if fmt == Format.json:
        _print_json({"articles": [_stored_summary(found)]})
        return
    from rashomon.present.views import print_article

    print_article(out, found)
