"""The ``rashomon`` command line (Typer + Rich).

Results go to stdout (``--format json`` prints exactly one JSON object); progress, summaries and error
messages go to stderr. Library exceptions are turned into messages here and nowhere else.
"""

from __future__ import annotations

import json
import logging
import re
import signal
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from rashomon import __version__
from rashomon.errors import RashomonError
from rashomon.ingest import Fetcher
from rashomon.pipeline import IngestSummary, extract_articles, failures_by_stage, ingest, name_outlets
from rashomon.records import Article, Failure
from rashomon.settings import Settings
from rashomon.store import Store, describe_store_error

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


class ReportFormat(StrEnum):
    json = "json"
    markdown = "markdown"
    html = "html"


DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Store: SQLAlchemy URL or SQLite path [env RASHOMON_DB; default ./rashomon.db]."),
]
PrivateOption = Annotated[
    bool,
    typer.Option("--allow-private-network", help="Let the fetcher reach loopback and private addresses."),
]
StrictOption = Annotated[bool, typer.Option("--strict", help="Exit non-zero when any input fails.")]
WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers", min=1, help="Processes that parse [env RASHOMON_WORKERS; default both cores from 200 articles]."
    ),
]
ModelOption = Annotated[
    str | None,
    typer.Option(
        "--model", help="spaCy pipeline package for the analysis [env RASHOMON_MODEL; default en_core_web_sm]."
    ),
]
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
    debug: Annotated[
        bool, typer.Option("--debug", help="Log everything, with the traceback of every failed article.")
    ] = False,
) -> None:
    """Rashomon: who reported what, who said what, and how the accounts differ."""
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
        force=True,
    )
    if not (debug or verbose):  # extraction libraries warn about every odd page; our failures say it once
        for name in ("trafilatura", "htmldate", "courlan", "readability", "justext"):
            logging.getLogger(name).setLevel(logging.ERROR)
    if debug:  # the libraries' own debug chatter is not what --debug is for
        for name in ("urllib3", "httpx", "httpcore", "filelock", "asyncio", "charset_normalizer"):
            logging.getLogger(name).setLevel(logging.WARNING)


def _settings(**overrides: Any) -> Settings:
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValueError as exc:
        err.print(f"[red]error:[/] bad settings: {exc}")
        raise typer.Exit(2) from exc


@contextmanager
def _errors(db: str | None = None) -> Iterator[None]:
    """Library and store errors become one line on stderr and exit code 1; Ctrl-C ends with 130, and
    never a traceback (``--debug`` logs it)."""
    import sqlalchemy as sa

    try:
        yield
    except RashomonError as exc:
        _error_line(str(exc))
        raise typer.Exit(1) from exc
    except sa.exc.DBAPIError as exc:
        logging.getLogger(__name__).debug("store error", exc_info=True)
        _error_line(describe_store_error(db or Settings().db, exc))
        raise typer.Exit(1) from exc
    except KeyboardInterrupt as exc:
        err.print("[yellow]interrupted[/]")
        raise typer.Exit(130) from exc
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:  # a bug outside any article's boundary: one line, the traceback with --debug
        logging.getLogger(__name__).debug("unexpected error", exc_info=True)
        _error_line(
            f"unexpected {type(exc).__name__}: {exc} (this is a bug: run again with --debug for the traceback "
            "and report it)"
        )
        raise typer.Exit(1) from exc


def _error_line(message: str) -> None:
    err.print(Text.assemble(("error:", "red"), " ", safe_text(message)), highlight=False)


_SURROGATE = re.compile("[\ud800-\udfff]")


def safe_text(text: str) -> str:
    """Text that prints as valid UTF-8 whatever it holds (an undecodable byte of a file name is kept as a
    lone surrogate by Python: it is written as ``\\udcff``)."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _json_text(payload: Any, indent: int = 2) -> str:
    return safe_text(json.dumps(payload, ensure_ascii=False, indent=indent))


def _write(text: str) -> None:
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()


def _print_json(payload: dict[str, Any]) -> None:
    _write(_json_text(payload) + "\n")


def _stream_json(key: str, items: Iterable[dict[str, Any]], extra: dict[str, Any] | None = None) -> int:
    """Print ``{key: [items...], **extra}`` as it comes, item by item, byte for byte what ``_print_json``
    would print for the whole list; returns how many items were printed."""
    count = 0
    for item in items:
        body = "\n".join("    " + line for line in _json_text(item).split("\n"))
        _write(("{\n" + f'  "{key}": [\n' if count == 0 else ",\n") + body)
        count += 1
    tail = ""
    for name, value in (extra or {}).items():
        tail += f",\n  {json.dumps(name)}: " + _json_text(value).replace("\n", "\n  ")
    _write(("\n  ]" if count else "{\n" + f'  "{key}": []') + tail + "\n}\n")
    return count


def _report_failures(failures: list[Failure]) -> None:
    for failure in failures:
        where = "failed" if failure.stage == "read" else f"failed ({failure.stage})"
        err.print(
            Text.assemble((f"{where}:", "yellow"), " ", safe_text(failure.source), ": ", safe_text(failure.reason)),
            highlight=False,
        )


def _failed(failures: list[Failure]) -> str:
    """"3 failed (extract 2, analyse 1)"."""
    if not failures:
        return "0 failed"
    stages = ", ".join(f"{stage} {n}" for stage, n in failures_by_stage(failures).items())
    return f"{len(failures)} failed ({stages})"


def _exit_code(succeeded: int, failed: int, strict: bool) -> int:
    if failed and (strict or succeeded == 0):
        return 1
    return 0


OUTLET_WINDOW = 200  # articles whose outlets are named together when a long stream is printed as it comes


def _named_in_windows(items: Iterable[Article | Failure], failures: list[Failure]) -> Iterator[Article]:
    """Articles with their outlets named from the pages around them (``name_outlets``), a window at a
    time so that memory stays flat on a crawl; failures are collected on the way."""
    names: dict[str, str] = {}
    window: list[Article] = []
    for item in items:
        if isinstance(item, Failure):
            failures.append(item)
            continue
        window.append(item)
        if len(window) >= OUTLET_WINDOW:
            yield from name_outlets(window, names)
            window = []
    yield from name_outlets(window, names)


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
    failures: list[Failure] = []
    with _errors(), _fetcher(settings, no_fetch) as fetcher:
        articles = _named_in_windows(extract_articles(sources, settings, fetcher), failures)
        if fmt == Format.json:
            count = _stream_json("articles", (a.summary() for a in articles))
        else:
            listed = list(articles)
            _article_table(listed, with_source=True)
            count = len(listed)
    _report_failures(failures)
    err.print(f"{count} extracted, {_failed(failures)}")
    raise typer.Exit(_exit_code(count, len(failures), strict))


@contextmanager
def _fetcher(settings: Settings, disabled: bool) -> Iterator[Fetcher | None]:
    if disabled:
        yield None
        return
    with Fetcher(settings) as fetcher:
        yield fetcher


class _StopRequest:
    """Ctrl-C during a long write: the first press asks the run to stop after the current batch (it is
    stored, nothing is half-written); a second press stops at once."""

    def __init__(self) -> None:
        self.requested = False
        self._previous: Any = None

    def __call__(self) -> bool:
        return self.requested

    def _handle(self, _signum: int, _frame: Any) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        err.print("[yellow]stopping after the current batch (Ctrl-C again to stop at once)...[/]")

    def __enter__(self) -> _StopRequest:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


@app.command("ingest")
def ingest_command(
    sources: SourcesArg,
    db: DbOption = None,
    allow_private_network: PrivateOption = False,
    no_fetch: Annotated[bool, typer.Option("--no-fetch", help="Never fetch urls or linked pages.")] = False,
    strict: StrictOption = False,
    no_analyse: Annotated[bool, typer.Option("--no-analyse", help="Store only; analyse later.")] = False,
    model: ModelOption = None,
    workers: WorkersOption = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Summary format.")] = Format.table,
) -> None:
    """Ingest SOURCES into the store: extract, deduplicate, store, analyse (idempotent and resumable)."""
    settings = _settings(
        db=db,
        allow_private_network=allow_private_network or None,
        model=model,
        workers=workers,
        analyse_on_ingest=False if no_analyse else None,
    )
    with (
        _errors(settings.db),
        _StopRequest() as stop,
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
            bar.update(task, advance=1, last=f"{status}: {safe_text(source[-60:])}")

        try:
            summary = ingest(sources, settings, store, fetcher, progress=tick, stop=stop)
        except KeyboardInterrupt as exc:
            err.print(
                "[yellow]stopped at once:[/] the batch being read was not stored; batches before it were. "
                "Run the same command again to resume."
            )
            raise typer.Exit(130) from exc
    _report_failures(summary.failures)
    if fmt == Format.json:
        _print_json({"ingest": summary.to_dict()})
    _print_summary(summary)
    if summary.interrupted:
        err.print(
            "[yellow]interrupted:[/] what was read so far is stored. "
            "Run the same command again to resume (stored inputs are skipped, analysis and events catch up)."
        )
        raise typer.Exit(130)
    raise typer.Exit(_exit_code(summary.succeeded, len(summary.failures), strict))


def _print_summary(summary: IngestSummary) -> None:
    parts = [
        f"[green]{summary.added} added[/]",
        f"{summary.analysed} analysed",
        f"{summary.clustered} clustered",
        f"{summary.republished} republished (carrier recorded)",
        f"{summary.duplicate} duplicate",
    ]
    if summary.skipped:
        parts.append(f"{summary.skipped} already ingested")
    parts.append(f"[{'red' if summary.failures else 'dim'}]{_failed(summary.failures)}[/]")
    err.print(", ".join(parts))


@app.command()
def analyse(
    sources: Annotated[
        list[str] | None,
        typer.Argument(help="Files, folders, globs or urls; with --stored, article ids (or none: all)."),
    ] = None,
    stored: Annotated[
        bool, typer.Option("--stored", help="Analyse articles of the store and save the analyses.")
    ] = False,
    redo: Annotated[
        bool, typer.Option("--redo", help="With --stored: analyse again even if already analysed.")
    ] = False,
    db: DbOption = None,
    model: ModelOption = None,
    workers: WorkersOption = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    allow_private_network: PrivateOption = False,
    no_fetch: Annotated[bool, typer.Option("--no-fetch", help="Never fetch urls or linked pages.")] = False,
    strict: StrictOption = False,
) -> None:
    """Entities, quotes with speakers, claims and dates of SOURCES (or of stored articles)."""
    from rashomon.pipeline import analyse_extracted, analyse_stored

    settings = _settings(db=db, model=model, workers=workers, allow_private_network=allow_private_network or None)
    failures: list[Failure] = []

    def show(results: Iterable[Any]) -> int:
        if fmt == Format.json:
            return _stream_json("articles", (analysed_record(r.article, r.analysis) for r in results))
        from rashomon.present.views import print_analysis

        count = 0
        for r in results:
            print_analysis(out, r.article, r.analysis)
            count += 1
        return count

    with _errors(settings.db):
        if stored:
            with _StopRequest() as stop, Store.open(settings) as store:
                ids = None
                if sources:
                    ids = []
                    for ref in sources:
                        found = store.get_article(ref)
                        if found is None:
                            failures.append(Failure(source=ref, reason="no stored article matches"))
                        else:
                            ids.append(found.id)
                count = show(analyse_stored(store, settings, ids, redo=redo, on_failure=failures.append, stop=stop))
        else:
            if not sources:
                err.print("[red]error:[/] give SOURCES to analyse, or --stored")
                raise typer.Exit(2)
            with _fetcher(settings, no_fetch) as fetcher:
                articles = list(_named_in_windows(extract_articles(sources, settings, fetcher), failures))
                count = show(analyse_extracted(articles, settings, failures.append))
    _report_failures(failures)
    err.print(f"{count} analysed, {_failed(failures)}")
    raise typer.Exit(_exit_code(count, len(failures), strict))


def analysed_record(article: Article, analysis: Any) -> dict[str, Any]:
    """The extract record plus ``entities``, ``quotes``, ``claims`` and ``dates``."""
    data = article.summary()
    data["id"] = article.id
    data["entities"] = [
        {
            **{k: v for k, v in e.to_dict().items() if k != "mentions"},
            "mentions": len(e.mentions),
            "spans": [[m.start, m.end] for m in e.mentions],
        }
        for e in analysis.entities
    ]
    data["quotes"] = [q.to_dict() for q in analysis.quotes]
    data["claims"] = [c.to_dict() for c in analysis.claims]
    data["dates"] = [d.to_dict() for d in analysis.dates]
    data["model"] = analysis.model
    return data


@app.command()
def compare(
    sources: Annotated[list[str] | None, typer.Argument(help="Files, folders, globs or urls to compare.")] = None,
    event: Annotated[int | None, typer.Option("--event", help="Compare a stored event instead.")] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="Report format.")] = ReportFormat.markdown,
    output: Annotated[str | None, typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    db: DbOption = None,
    model: ModelOption = None,
    workers: WorkersOption = None,
    allow_private_network: PrivateOption = False,
    no_fetch: Annotated[bool, typer.Option("--no-fetch", help="Never fetch urls or linked pages.")] = False,
    strict: StrictOption = False,
) -> None:
    """Compare how outlets report each event: shared, unique and conflicting claims, omissions, quotes and
    speakers, framing, voices and timeline."""
    from rashomon.pipeline import compare_sources, compare_stored
    from rashomon.present.reports import render

    settings = _settings(db=db, model=model, workers=workers, allow_private_network=allow_private_network or None)
    failures: list[Failure] = []
    with _errors(settings.db):
        if event is not None:
            with Store.open(settings, mode="auto") as store:
                found = compare_stored(store, settings, event)
            if found is None:
                err.print(f"[red]error:[/] no event {event}")
                raise typer.Exit(1)
            compared = [found]
            n_events = 1
        else:
            if not sources:
                err.print("[red]error:[/] give SOURCES to compare, or --event ID")
                raise typer.Exit(2)
            with _fetcher(settings, no_fetch) as fetcher:
                compared, events, failures = compare_sources(sources, settings, fetcher)
            n_events = len(events)
    _report_failures(failures)
    report = render(compared, fmt.value)
    if output:
        from pathlib import Path

        Path(output).write_text(safe_text(report), encoding="utf-8")
        err.print(Text(f"report written to {safe_text(output)}"))
    else:
        _write(safe_text(report if report.endswith("\n") else report + "\n"))
    err.print(f"{len(compared)} of {n_events} events compared (two or more outlets), {_failed(failures)}")
    raise typer.Exit(_exit_code(len(compared) or n_events, len(failures), strict))


@app.command()
def cluster(
    sources: SourcesArg,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    model: ModelOption = None,
    workers: WorkersOption = None,
    allow_private_network: PrivateOption = False,
    no_fetch: Annotated[bool, typer.Option("--no-fetch", help="Never fetch urls or linked pages.")] = False,
    strict: StrictOption = False,
) -> None:
    """Group SOURCES into events (same real-world event, not same topic), without a store."""
    from rashomon.pipeline import cluster_sources

    settings = _settings(model=model, workers=workers, allow_private_network=allow_private_network or None)
    with _errors(), _fetcher(settings, no_fetch) as fetcher:
        events, analysed, failures = cluster_sources(sources, settings, fetcher)
    _report_failures(failures)
    if fmt == Format.json:
        _print_json({"events": [e.summary() for e in events]})
    else:
        _event_table(events)
    err.print(f"{len(analysed)} articles in {len(events)} events, {_failed(failures)}")
    raise typer.Exit(_exit_code(len(analysed), len(failures), strict))


def _event_table(events: list[Any]) -> None:
    table = Table(show_lines=True)
    for name in ("event", "dates", "title", "outlets", "articles"):
        table.add_column(name, overflow="fold")
    for event in events:
        dates = event.start or ""
        if event.end and event.end != event.start:
            dates += f" – {event.end}"
        table.add_row(
            event.id,
            dates,
            Text(event.title or ""),
            Text(", ".join(event.outlets)),
            Text("\n".join(a.source for a in event.articles)),
        )
    out.print(table)


@app.command("events")
def events_command(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="At most this many events.")] = 50,
    min_size: Annotated[int, typer.Option("--min-size", help="Only events with at least this many articles.")] = 1,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
) -> None:
    """List the store's events, most recent first: dates, outlets, size."""
    settings = _settings(db=db)
    with _errors(settings.db), Store.open(settings, mode="read") as store:
        rows = store.list_events(limit=limit, min_size=min_size)
    if fmt == Format.json:
        _print_json(
            {
                "events": [
                    {
                        "id": str(r["id"]),
                        "title": r["title"],
                        "start": r["start"],
                        "end": r["end"],
                        "outlets": r["outlets"],
                        "size": r["size"],
                    }
                    for r in rows
                ]
            }
        )
        return
    table = Table("id", "dates", "size", "title", "outlets")
    for r in rows:
        dates = (r["start"] or "") + (f" – {r['end']}" if r["end"] and r["end"] != r["start"] else "")
        table.add_row(str(r["id"]), dates, str(r["size"]), Text(r["title"] or ""), Text(", ".join(r["outlets"])))
    out.print(table)


@app.command("event")
def event_command(
    event_id: Annotated[int, typer.Argument(help="Event id (from `rashomon events`).")],
    db: DbOption = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
) -> None:
    """Show one stored event: its articles, outlets, dates and the events merged into it."""
    from rashomon.pipeline import stored_event

    settings = _settings(db=db)
    with _errors(settings.db), Store.open(settings, mode="read") as store:
        event = stored_event(store, event_id)
    if event is None:
        err.print(f"[red]error:[/] no event {event_id}")
        raise typer.Exit(1)
    if fmt == Format.json:
        _print_json({"events": [event.summary()]})
        return
    _event_table([event])
    if event.merged_from:
        err.print(f"merged from events {', '.join(event.merged_from)}")


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
    with _errors(settings.db), Store.open(settings, mode="read") as store:
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
    if not articles:
        return
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
        table.add_row(*(Text(cell) for cell in row))  # article text is hostile: never Rich markup
    out.print(table)


@app.command()
def show(
    article: Annotated[str, typer.Argument(help="Article id (or a unique prefix), url or source.")],
    db: DbOption = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
) -> None:
    """Show one stored article: metadata, carriers, text, entities and quotes with speakers."""
    settings = _settings(db=db)
    with _errors(settings.db), Store.open(settings, mode="read") as store:
        found = store.get_article(article)
        analysis = store.get_analysis(found.id) if found else None
    if found is None:
        err.print(f"[red]error:[/] no stored article matches {article!r}")
        raise typer.Exit(1)
    if fmt == Format.json:
        record = analysed_record(found, analysis) if analysis else found.summary()
        record.update(_stored_summary(found))
        _print_json({"articles": [record]})
        return
    from rashomon.present.views import print_analysis, print_article

    print_article(out, found)
    if analysis is not None:
        print_analysis(out, found, analysis, header=False)
    else:
        err.print("not analysed yet: run `rashomon analyse --stored`")
