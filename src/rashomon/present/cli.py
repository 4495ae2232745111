"""The ``rashomon`` command line (Typer).

Results go to stdout or to the file given with ``-o`` (``--format json`` writes exactly one JSON object);
progress, summaries and error messages go to stderr. Library exceptions become messages here and nowhere
else. Heavy libraries (spaCy, trafilatura, SQLAlchemy...) are imported by the commands that need them,
so ``--version`` and ``--help`` answer at once.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from rashomon import __version__

if TYPE_CHECKING:
    from rashomon.ingest import Fetcher
    from rashomon.records import Article, Failure
    from rashomon.settings import Settings

_GLOBAL_FLAGS = ("-v", "--verbose", "--debug")


class _Commands(TyperGroup):
    """``-v`` / ``--verbose`` / ``--debug`` are accepted anywhere on the line, not only before the command."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and "--" not in args:
            flags = [a for a in args if a in _GLOBAL_FLAGS]
            args = flags + [a for a in args if a not in _GLOBAL_FLAGS]
        return super().parse_args(ctx, args)


app = typer.Typer(
    name="rashomon",
    cls=_Commands,
    help="Read news reports from many outlets, group those that tell the same event, and show how they differ.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: option names are never cut, [brackets] are never read as markup
)


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
NoFetchOption = Annotated[bool, typer.Option("--no-fetch", help="Never fetch urls or linked pages.")]
StrictOption = Annotated[bool, typer.Option("--strict", help="Exit non-zero when any input fails.")]
ModelOption = Annotated[
    str | None,
    typer.Option(
        "--model", help="spaCy pipeline package for the analysis [env RASHOMON_MODEL; default en_core_web_sm]."
    ),
]
WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers", min=1, help="Processes that parse [env RASHOMON_WORKERS; default: both cores from 200 articles]."
    ),
]
OutputOption = Annotated[
    str | None, typer.Option("--output", "-o", help="Write the output to this file instead of stdout.")
]
SourcesArg = Annotated[
    list[str], typer.Argument(help="Files, folders, globs or http(s) urls (pages or RSS/Atom feeds).")
]
JsonFormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"rashomon {__version__}\n")
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
    from rashomon.settings import Settings

    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValueError as exc:
        _usage_error(f"bad settings: {exc}")
        raise  # unreachable: _usage_error exits


def _usage_error(message: str, code: int = 2) -> None:
    """One line on stderr, then exit: 2 for a command line that cannot work, 1 for what is not found."""
    from rashomon.present.output import error_line

    error_line(message)
    raise typer.Exit(code)


@contextmanager
def _errors(db: str | None = None) -> Iterator[None]:
    """Library and store errors become one line on stderr and exit code 1; Ctrl-C ends with 130, and
    never a traceback (``--debug`` logs it)."""
    import sqlalchemy as sa

    from rashomon.errors import RashomonError
    from rashomon.present.output import err, error_line

    try:
        yield
    except RashomonError as exc:
        error_line(str(exc))
        raise typer.Exit(1) from exc
    except sa.exc.DBAPIError as exc:
        from rashomon.settings import DEFAULT_DB
        from rashomon.store import describe_store_error

        logging.getLogger(__name__).debug("store error", exc_info=True)
        error_line(describe_store_error(db or DEFAULT_DB, exc))
        raise typer.Exit(1) from exc
    except KeyboardInterrupt as exc:
        err.print("[yellow]interrupted[/]")
        raise typer.Exit(130) from exc
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:  # a bug outside any article's boundary: one line, the traceback with --debug
        logging.getLogger(__name__).debug("unexpected error", exc_info=True)
        error_line(
            f"unexpected {type(exc).__name__}: {exc} (this is a bug: run again with --debug for the traceback "
            "and report it)"
        )
        raise typer.Exit(1) from exc


@contextmanager
def _fetcher(settings: Settings, disabled: bool) -> Iterator[Fetcher | None]:
    if disabled:
        yield None
        return
    from rashomon.ingest import Fetcher

    with Fetcher(settings) as fetcher:
        yield fetcher


class _StopRequest:
    """Ctrl-C during a long write: the first press asks the run to stop after the current batch (it is
    stored, nothing is half-written); a second press stops at once. ``signals``: others that ask the same
    (``watch`` stops on SIGTERM too, as a service manager sends it)."""

    def __init__(self, *signals: signal.Signals) -> None:
        self.requested = False
        self._signals = (signal.SIGINT, *signals)
        self._previous: dict[signal.Signals, Any] = {}

    def __call__(self) -> bool:
        return self.requested

    def _handle(self, _signum: int, _frame: Any) -> None:
        from rashomon.present.output import err

        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        err.print("[yellow]stopping after the current batch (Ctrl-C again to stop at once)...[/]")

    def __enter__(self) -> _StopRequest:
        if threading.current_thread() is threading.main_thread():
            self._previous = {number: signal.signal(number, self._handle) for number in self._signals}
        return self

    def __exit__(self, *exc: object) -> None:
        for number, previous in self._previous.items():
            signal.signal(number, previous)


OUTLET_WINDOW = 200  # articles whose outlets are named together when a long stream is printed as it comes


def _articles(
    sources: list[str], settings: Settings, fetcher: Fetcher | None, failures: list[Failure]
) -> Iterator[Article]:
    """Extracted articles with their outlets named (``name_outlets``: the store's names for their domains,
    and names pages of the same domain declare), a window at a time so that memory stays flat on a crawl;
    failures are collected on the way."""
    from rashomon.pipeline import OutletNames, extract_articles
    from rashomon.records import Failure

    names = OutletNames.from_store(settings)
    window: list[Article] = []
    for item in extract_articles(sources, settings, fetcher):
        if isinstance(item, Failure):
            failures.append(item)
            continue
        window.append(item)
        if len(window) >= OUTLET_WINDOW:
            yield from names.apply(window)
            window = []
    yield from names.apply(window)


# -------------------------------------------------------------------------------------------- commands


@app.command()
def extract(
    sources: SourcesArg,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    output: OutputOption = None,
    allow_private_network: PrivateOption = False,
    no_fetch: NoFetchOption = False,
    strict: StrictOption = False,
) -> None:
    """Extract articles (text and metadata) from SOURCES without storing them."""
    from rashomon.present.output import (
        article_table,
        err,
        exit_code,
        failed_summary,
        report_failures,
        sink_to,
        stream_json,
    )

    settings = _settings(allow_private_network=allow_private_network or None)
    failures: list[Failure] = []
    with _errors(), _fetcher(settings, no_fetch) as fetcher, sink_to(output) as sink:
        articles = _articles(sources, settings, fetcher, failures)
        if fmt == Format.json:
            count = stream_json(sink, "articles", (a.summary() for a in articles))
        else:
            listed = list(articles)
            article_table(listed, with_source=True, sink=sink)
            count = len(listed)
    report_failures(failures)
    err.print(f"{count} extracted, {failed_summary(failures)}")
    raise typer.Exit(exit_code(count, failures, strict))


@app.command("ingest")
def ingest_command(
    sources: SourcesArg,
    db: DbOption = None,
    allow_private_network: PrivateOption = False,
    no_fetch: NoFetchOption = False,
    strict: StrictOption = False,
    no_analyse: Annotated[bool, typer.Option("--no-analyse", help="Store only; analyse later.")] = False,
    model: ModelOption = None,
    workers: WorkersOption = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Summary format.")] = Format.table,
) -> None:
    """Ingest SOURCES into the store: extract, deduplicate, store, analyse, cluster (idempotent, resumable)."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from rashomon.pipeline import ingest
    from rashomon.present.output import err, exit_code, print_json, report_failures, safe_text, sink_to
    from rashomon.store import Store

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
    report_failures(summary.failures)
    if fmt == Format.json:
        with sink_to(None) as sink:
            print_json(sink, {"ingest": summary.to_dict()})
    _print_summary(summary)
    if summary.interrupted:
        err.print(
            "[yellow]interrupted:[/] what was read so far is stored. "
            "Run the same command again to resume (stored inputs are skipped, analysis and events catch up)."
        )
        raise typer.Exit(130)
    raise typer.Exit(exit_code(summary.succeeded, summary.failures, strict))


def _print_summary(summary: Any) -> None:
    from rashomon.present.output import err, failed_summary

    parts = [
        f"[green]{summary.added} added[/]",
        f"{summary.analysed} analysed",
        f"{summary.clustered} clustered",
        f"{summary.republished} republished (carrier recorded)",
        f"{summary.duplicate} duplicate",
    ]
    if summary.versions:
        parts.append(f"{summary.versions} new versions of stored articles")
    if summary.skipped:
        parts.append(f"{summary.skipped} already ingested")
    failed = [f for f in summary.failures if not f.skipped]
    parts.append(f"[{'red' if failed else 'dim'}]{failed_summary(summary.failures)}[/]")
    err.print(", ".join(parts))


@app.command()
def analyse(
    sources: Annotated[
        list[str] | None,
        typer.Argument(help="Files, folders, globs or urls; with --stored, article ids (or none: all)."),
    ] = None,
    stored: Annotated[
        bool, typer.Option("--stored", help="Analyse articles of the store, save the analyses, cluster them.")
    ] = False,
    redo: Annotated[
        bool, typer.Option("--redo", help="With --stored: analyse again even if already analysed.")
    ] = False,
    db: DbOption = None,
    model: ModelOption = None,
    workers: WorkersOption = None,
    fmt: JsonFormatOption = Format.table,
    output: OutputOption = None,
    allow_private_network: PrivateOption = False,
    no_fetch: NoFetchOption = False,
    strict: StrictOption = False,
) -> None:
    """Entities, quotes with speakers, claims and dates of SOURCES (or of stored articles)."""
    from rashomon.pipeline import analyse_extracted, analyse_stored
    from rashomon.present.output import err, exit_code, failed_summary, report_failures, sink_to, stream_json
    from rashomon.records import Failure

    if redo and not stored:
        _usage_error("--redo works with --stored (it analyses stored articles again)")
    if not stored and not sources:
        _usage_error("give SOURCES to analyse, or --stored")
    settings = _settings(db=db, model=model, workers=workers, allow_private_network=allow_private_network or None)
    failures: list[Failure] = []
    clustered = 0

    def show(results: Iterable[Any], sink: Any) -> int:
        if fmt == Format.json:
            return stream_json(sink, "articles", (analysed_record(r.article, r.analysis) for r in results))
        from rashomon.present.views import print_analysis

        count = 0
        for r in results:
            print_analysis(sink.console, r.article, r.analysis)
            count += 1
        return count

    with _errors(settings.db), sink_to(output) as sink:
        if stored:
            from rashomon.events.incremental import cluster_pending
            from rashomon.store import Store

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
                results = analyse_stored(store, settings, ids, redo=redo, on_failure=failures.append, stop=stop)
                count = show(results, sink)
                if not stop():  # every analysed article belongs to an event, whichever command analysed it
                    clustered = len(cluster_pending(store, settings, on_failure=failures.append))
        else:
            with _fetcher(settings, no_fetch) as fetcher:
                articles = list(_articles(list(sources or []), settings, fetcher, failures))
                count = show(analyse_extracted(articles, settings, failures.append), sink)
    report_failures(failures)
    joined = f", {clustered} clustered" if stored else ""
    err.print(f"{count} analysed{joined}, {failed_summary(failures)}")
    raise typer.Exit(exit_code(count, failures, strict))


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
    one_event: Annotated[
        bool, typer.Option("--one-event", help="The SOURCES tell one event: compare them as one, without clustering.")
    ] = False,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="Report format.")] = ReportFormat.markdown,
    output: OutputOption = None,
    db: DbOption = None,
    model: ModelOption = None,
    workers: WorkersOption = None,
    allow_private_network: PrivateOption = False,
    no_fetch: NoFetchOption = False,
    strict: StrictOption = False,
) -> None:
    """Compare how outlets report each event: shared, unique and conflicting claims, omissions, quotes and
    speakers, framing, voices and timeline."""
    from rashomon.pipeline import compare_sources, compare_stored
    from rashomon.present.output import err, exit_code, failed_summary, report_failures, sink_to
    from rashomon.present.reports import render

    if event is not None and sources:
        _usage_error("give SOURCES to compare, or --event ID, not both")
    if event is not None and one_event:
        _usage_error("--one-event works with SOURCES (a stored event is one event already)")
    if event is None and not sources:
        _usage_error("give SOURCES to compare, or --event ID")
    settings = _settings(db=db, model=model, workers=workers, allow_private_network=allow_private_network or None)
    failures: list[Failure] = []
    with _errors(settings.db):
        if event is not None:
            from rashomon.store import Store

            with Store.open(settings, mode="auto") as store:
                found, stored = compare_stored(store, settings, event)
            if stored is None:
                _usage_error(f"no event {event} in the store (see `rashomon events`)", 1)
            if found is None:
                err.print(
                    f"event {event} has articles from one outlet only ({', '.join(stored.outlets) or 'unknown'}): "  # type: ignore[union-attr]
                    "there is nothing to compare yet. `rashomon event "
                    f"{event}` shows its articles; ingest reports from other outlets to compare them."
                )
                raise typer.Exit(0)
            compared, n_events = [found], 1
        else:
            with _fetcher(settings, no_fetch) as fetcher:
                compared, events, failures = compare_sources(
                    list(sources or []), settings, fetcher, one_event=one_event
                )
            n_events = len(events)
            if n_events > 1 and not one_event:
                err.print(
                    f"the inputs were grouped into {n_events} events; if they all tell one event, "
                    "compare them as one with --one-event"
                )
        report_failures(failures)
        with sink_to(output, "report") as sink:
            report = render(compared, fmt.value)
            sink.write(report if report.endswith("\n") else report + "\n")
    err.print(f"{len(compared)} of {n_events} events compared (two or more outlets), {failed_summary(failures)}")
    raise typer.Exit(exit_code(len(compared) or n_events, failures, strict))


@app.command()
def cluster(
    sources: Annotated[list[str] | None, typer.Argument(help="Files, folders, globs or urls to group.")] = None,
    stored: Annotated[
        bool, typer.Option("--stored", help="Cluster the store's analysed articles that are in no event yet.")
    ] = False,
    redo: Annotated[
        bool, typer.Option("--redo", help="With --stored: drop every stored event and cluster all articles again.")
    ] = False,
    db: DbOption = None,
    fmt: JsonFormatOption = Format.table,
    output: OutputOption = None,
    model: ModelOption = None,
    workers: WorkersOption = None,
    allow_private_network: PrivateOption = False,
    no_fetch: NoFetchOption = False,
    strict: StrictOption = False,
) -> None:
    """Group SOURCES into events (same real-world event, not same topic), without a store; or, with
    --stored, the store's articles."""
    from rashomon.present.output import (
        err,
        event_table,
        exit_code,
        failed_summary,
        print_json,
        report_failures,
        sink_to,
    )

    if redo and not stored:
        _usage_error("--redo works with --stored (it rebuilds the store's events)")
    if stored and sources:
        _usage_error("give SOURCES to cluster, or --stored, not both")
    if not stored and not sources:
        _usage_error("give SOURCES to cluster, or --stored")
    settings = _settings(db=db, model=model, workers=workers, allow_private_network=allow_private_network or None)
    failures: list[Failure] = []
    if stored:
        from rashomon.events.incremental import cluster_pending
        from rashomon.store import Store

        with _errors(settings.db), Store.open(settings) as store:
            if redo:
                store.reset_events()
            assigned = cluster_pending(store, settings, on_failure=failures.append)
            events = len(set(assigned.values()))
        report_failures(failures)
        err.print(f"{len(assigned)} articles clustered into {events} events, {failed_summary(failures)}")
        raise typer.Exit(exit_code(len(assigned), failures, strict))
    from rashomon.pipeline import cluster_sources

    with _errors(), _fetcher(settings, no_fetch) as fetcher, sink_to(output) as sink:
        found, analysed, failures = cluster_sources(list(sources or []), settings, fetcher)
        if fmt == Format.json:
            # Every input ends in exactly one event (a copy in the event of the text it copies) or is a failure.
            assignments = {
                source: event.id
                for event in found
                for article in event.articles
                for source in (article.source, *article.copies)
            }
            print_json(
                sink,
                {
                    "events": [e.summary() for e in found],
                    "assignments": assignments,
                    "failures": [f.to_dict() for f in failures],
                },
            )
        else:
            event_table(found, sink=sink)
    report_failures(failures)
    err.print(f"{len(analysed)} articles in {len(found)} events, {failed_summary(failures)}")
    raise typer.Exit(exit_code(len(analysed), failures, strict))


@app.command("events")
def events_command(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="At most this many events.")] = 50,
    min_size: Annotated[int, typer.Option("--min-size", help="Only events with at least this many articles.")] = 1,
    fmt: JsonFormatOption = Format.table,
) -> None:
    """List the store's events, most recent first: dates, outlets, size."""
    from rashomon.present.output import out, print_json, safe_text, sink_to
    from rashomon.store import Store

    settings = _settings(db=db)
    with _errors(settings.db), Store.open(settings, mode="read") as store:
        rows = store.list_events(limit=limit, min_size=min_size)
    if fmt == Format.json:
        keys = ("title", "start", "end", "outlets", "size")
        with sink_to(None) as sink:
            print_json(sink, {"events": [{"id": str(r["id"]), **{k: r[k] for k in keys}} for r in rows]})
        return
    from rich.table import Table
    from rich.text import Text

    table = Table("id", "dates", "size", "title", "outlets")
    for r in rows:
        dates = (r["start"] or "") + (f" – {r['end']}" if r["end"] and r["end"] != r["start"] else "")
        table.add_row(
            str(r["id"]),
            dates,
            str(r["size"]),
            Text(safe_text(r["title"] or "")),
            Text(safe_text(", ".join(r["outlets"]))),
        )
    out.print(table)


@app.command("event")
def event_command(
    event_id: Annotated[int, typer.Argument(help="Event id (from `rashomon events`).")],
    db: DbOption = None,
    fmt: JsonFormatOption = Format.table,
) -> None:
    """Show one stored event: its articles, outlets, dates and the events merged into it."""
    from rashomon.pipeline import stored_event
    from rashomon.present.output import err, event_table, print_json, sink_to
    from rashomon.store import Store

    settings = _settings(db=db)
    with _errors(settings.db), Store.open(settings, mode="read") as store:
        event = stored_event(store, event_id)
    if event is None:
        _usage_error(f"no event {event_id} in the store (see `rashomon events`)", 1)
        return
    with sink_to(None) as sink:
        if fmt == Format.json:
            print_json(sink, {"events": [event.summary()]})
            return
        event_table([event], sink=sink)
    if event.merged_from:
        err.print(f"merged from events {', '.join(event.merged_from)}")


@app.command("list")
def list_command(
    db: DbOption = None,
    outlet: Annotated[str | None, typer.Option(help="Only this outlet.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many articles.")] = 100,
    offset: Annotated[int, typer.Option(help="Skip this many first.")] = 0,
    fmt: JsonFormatOption = Format.table,
) -> None:
    """List stored articles (their latest versions), newest first."""
    from rashomon.present.output import article_table, err, print_json, sink_to
    from rashomon.store import Store

    settings = _settings(db=db)
    with _errors(settings.db), Store.open(settings, mode="read") as store:
        articles = list(store.iter_articles(outlet=outlet, limit=limit, offset=offset))
        total = store.count_articles()
    with sink_to(None) as sink:
        if fmt == Format.json:
            print_json(sink, {"articles": [stored_summary(a) for a in articles], "total": total})
            return
        article_table(articles, with_source=False, sink=sink)
    err.print(f"{len(articles)} of {total} stored articles")


def stored_summary(article: Article) -> dict[str, Any]:
    data = article.summary()
    data["id"] = article.id
    data["carriers"] = [c.to_dict() for c in article.carriers]
    return data


@app.command()
def show(
    article: Annotated[str, typer.Argument(help="Article id (or a unique prefix), url, or file (any spelling).")],
    db: DbOption = None,
    fmt: JsonFormatOption = Format.table,
) -> None:
    """Show one stored article: metadata, carriers, versions, text, entities and quotes with speakers."""
    from rashomon.present.output import err, out, print_json, sink_to
    from rashomon.store import Store

    settings = _settings(db=db)
    with _errors(settings.db), Store.open(settings, mode="read") as store:
        found = store.get_article(article)
        analysis = store.get_analysis(found.id) if found else None
        versions = store.versions_of(found.id) if found else []
    if found is None:
        _usage_error(f"no stored article matches {article!r}", 1)
        return
    if fmt == Format.json:
        record = analysed_record(found, analysis) if analysis else found.summary()
        record.update(stored_summary(found))
        record["versions"] = versions
        with sink_to(None) as sink:
            print_json(sink, {"articles": [record]})
        return
    from rashomon.present.views import print_analysis, print_article, print_versions

    print_article(out, found)
    print_versions(out, versions)
    if analysis is not None:
        print_analysis(out, found, analysis, header=False)
    else:
        err.print("not analysed yet: run `rashomon analyse --stored`")


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[
        str, typer.Option(help="Address to listen on; 127.0.0.1 keeps the app to this machine.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    private: Annotated[
        bool, typer.Option("--private", help="Every page and API route needs a token (`rashomon token create`).")
    ] = False,
    uploads: Annotated[
        Path | None,
        typer.Option(help="Folder for files added on the web (default: next to a SQLite store, <db>.uploads)."),
    ] = None,
    compare: Annotated[
        bool,
        typer.Option(
            "--compare/--no-compare",
            help="Compare changed events in the background (off: another server or a cron job does it).",
        ),
    ] = True,
) -> None:
    """Serve the store as a web app (events, event comparisons, articles, entities, outlets, search) and a
    JSON API at /api/v1 (OpenAPI at /docs). Comparisons are computed in the background when events change;
    adding articles on the web (/add, POST /api/v1/ingest) needs a token: `rashomon token create NAME`."""
    import uvicorn

    from rashomon.present.output import err
    from rashomon.present.web.app import create_app

    settings = _settings(db=db)
    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(
            f"serving on {host}: other machines can read every stored article"
            + ("" if private else " (use --private to require a token)")
        )
    with _errors(settings.db):
        web = create_app(settings, private=private, uploads=uploads, background=compare)
    err.print(f"Rashomon on http://{host if ':' not in host else f'[{host}]'}:{port}/ (Ctrl-C stops it)")
    uvicorn.run(web, host=host, port=port, log_level="warning")


token_app = typer.Typer(help="Access tokens for the web app's write routes (ingest).", no_args_is_help=True)
app.add_typer(token_app, name="token")


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Argument(help="Who or what the token is for.")],
    db: DbOption = None,
) -> None:
    """Create a token (replacing an earlier one of NAME) and print it once: only its digest is stored."""
    from rashomon.present.output import err, out
    from rashomon.store import Store

    settings = _settings(db=db)
    with _errors(settings.db), Store.open(settings) as store:
        try:
            token = store.create_token(name)
        except ValueError as exc:
            _usage_error(str(exc))
            return
    out.print(token)
    err.print(f"token for {name!r} created: send it as 'Authorization: Bearer <token>'; it is not shown again")


@app.command()
def watch(
    feeds: Annotated[
        list[str],
        typer.Argument(metavar="FEED_OR_OPML", help="Feed urls (RSS/Atom), and OPML files or urls listing feeds."),
    ],
    every: Annotated[str, typer.Option("--every", help="How often each feed is polled: 30s, 15m, 1h, 1h30m.")] = "15m",
    once: Annotated[bool, typer.Option("--once", help="Poll the feeds that are due once, then exit (cron).")] = False,
    db: DbOption = None,
    allow_private_network: PrivateOption = False,
    no_analyse: Annotated[bool, typer.Option("--no-analyse", help="Store only; analyse later.")] = False,
    model: ModelOption = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="With --once: exit non-zero when a feed or an entry failed.")
    ] = False,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="With --once: json prints what the poll did on stdout.")
    ] = Format.table,
) -> None:
    """Follow RSS/Atom feeds: poll them (conditional GET: an unchanged feed costs a 304), ingest new entries
    as `ingest` does (stored, analysed, clustered into events), back off from feeds that fail. Each feed's
    state is kept in the store, so a restarted watch reads only new entries. Ctrl-C stops."""
    import datetime as dt
    import time

    from rashomon.ingest import Fetcher
    from rashomon.ingest.watch import parse_interval
    from rashomon.present.output import err, print_json, print_poll, print_round, report_failures, sink_to
    from rashomon.store import Store
    from rashomon.watcher import Watcher, utc_now

    try:
        interval = parse_interval(every)
    except ValueError as exc:
        _usage_error(f"--every: {exc}")
        return
    if fmt == Format.json and not once:
        _usage_error("--format json works with --once (one JSON object for one poll)")
    if strict and not once:
        _usage_error("--strict works with --once (a watch that runs on is not ended by a failing feed)")
    settings = _settings(
        db=db,
        allow_private_network=allow_private_network or None,
        model=model,
        analyse_on_ingest=False if no_analyse else None,
    )
    with _errors(settings.db):
        urls = _watch_urls(feeds, settings.max_input_bytes)
    failed = False
    with (
        _errors(settings.db),
        _StopRequest(signal.SIGTERM) as stop,
        Store.open(settings) as store,
        Fetcher(settings) as fetcher,
    ):
        watcher = Watcher(urls, settings, store, fetcher, interval)
        if not once:
            err.print(f"watching {len(urls)} feeds or lists every {every}; Ctrl-C stops")
            if interval.total_seconds() < 60:
                err.print("[yellow]polling more often than once a minute burdens the servers for little gain[/]")
        try:
            while True:
                done = watcher.poll(stop)
                now = utc_now()
                report_failures(done.summary.failures)
                for polled in done.polls:
                    print_poll(polled, now)
                upcoming = watcher.next_due()
                print_round(done.polls, done.summary, None if once else upcoming, now)
                failed = (
                    failed
                    or any(p.status == "failed" for p in done.polls)
                    or any(not f.skipped for f in done.summary.failures)
                )
                if once or stop():
                    break
                # Sleep until the next feed is due (a second when one is due now), waking to see Ctrl-C.
                wake = upcoming or utc_now() + dt.timedelta(seconds=1)
                while not stop() and utc_now() < wake:
                    time.sleep(min(0.5, max(0.0, (wake - utc_now()).total_seconds())))
                if stop():
                    break
        except KeyboardInterrupt as exc:
            err.print("[yellow]stopped at once:[/] the entries being read were not stored; the next watch reads them.")
            raise typer.Exit(130) from exc
    if once and fmt == Format.json:
        with sink_to(None) as sink:
            print_json(sink, {"watch": done.to_dict()})
    if stop():
        err.print("[yellow]stopped:[/] every feed's state is stored; the next watch goes on from there.")
        raise typer.Exit(130)
    raise typer.Exit(1 if strict and failed else 0)


def _watch_urls(arguments: list[str], cap: int) -> list[str]:
    """Feed and OPML urls as given; OPML files read here, each giving the feeds it lists.

    Raises:
        BadInput: a file that cannot be read or is not an OPML list.
    """
    import re
    from pathlib import Path

    from rashomon.errors import BadInput
    from rashomon.ingest.watch import looks_like_opml, parse_opml

    urls: list[str] = []
    for argument in arguments:
        if re.match(r"^https?://", argument, re.IGNORECASE):
            urls.append(argument)
            continue
        try:
            with open(argument, "rb") as handle:
                data = handle.read(cap + 1)
        except OSError as exc:
            raise BadInput(argument, f"not a feed url, and not a readable OPML file ({exc.strerror or exc})") from exc
        if len(data) > cap or not looks_like_opml(data):
            raise BadInput(
                argument,
                "not an OPML list: watch follows feeds by their http(s) url (`rashomon ingest` reads feed files)",
            )
        urls.extend(parse_opml(data, str(Path(argument))))
    return list(dict.fromkeys(urls))


# The scale commands (batch, export) live in their own module; importing it registers them on ``app``.
from rashomon.present import scale_cli  # noqa: E402,F401
