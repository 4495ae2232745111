"""The ``batch`` and ``export`` commands (the scale extra), registered on the ``rashomon`` app.

Kept apart from cli.py, which imports this module at its end, so that neither module grows past a
readable size; the conventions are cli.py's: settings built here, library errors turned into one line
by ``_errors``, results on stdout (``--format json``: one object), messages on stderr.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from rashomon.present.cli import (
    DbOption,
    Format,
    JsonFormatOption,
    ModelOption,
    StrictOption,
    _errors,
    _settings,
    _usage_error,
    app,
)


class ExportFormat(StrEnum):
    parquet = "parquet"
    csv = "csv"
    jsonl = "jsonl"


def _progress_bar() -> Any:
    """A Rich progress display on stderr with one bar per stage, and the callback that drives it."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from rashomon.present.output import err

    display = Progress(
        TextColumn("{task.description:>8}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err
    )
    bars: dict[str, Any] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in bars:
            bars[stage] = display.add_task(stage, total=total)
        display.update(bars[stage], completed=done, total=total)

    return display, update


@app.command()
def batch(
    sources: Annotated[
        list[str], typer.Argument(help="Files, folders or globs (JSON Lines and WARC files are split).")
    ],
    out: Annotated[str, typer.Option("--out", help="Folder of the Parquet dataset (and of the run's work files).")],
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Worker processes of the local cluster [default: one per core]."),
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Address of a running Dask scheduler (tcp://HOST:8786).")
    ] = None,
    db: DbOption = None,
    partition_size: Annotated[
        int | None,
        typer.Option("--partition-size", min=1, help="Articles per task [env RASHOMON_BATCH_PARTITION_SIZE; 250]."),
    ] = None,
    memory_limit: Annotated[
        str, typer.Option("--memory-limit", help="Memory each local worker may use (Dask's limit), e.g. 2GB.")
    ] = "auto",
    model: ModelOption = None,
    fmt: JsonFormatOption = Format.table,
    strict: StrictOption = False,
) -> None:
    """Extract, analyse, group into events and compare SOURCES on Dask (a local cluster, or --scheduler),
    writing Parquet tables under --out; with --db, also load the results into the store."""
    from rashomon.present.output import err, exit_code, failed_summary, print_json, report_failures, sink_to

    if workers and scheduler:
        _usage_error("give --workers (a local cluster) or --scheduler (a running one), not both")
    settings = _settings(db=db, model=model, batch_partition_size=partition_size)
    with _errors(settings.db):
        from rashomon.scale.batch import dask_client, run_batch

        display, update = _progress_bar()
        with dask_client(workers, scheduler, memory_limit) as client:
            from rashomon.scale.batch import dashboard_of

            link = dashboard_of(client)
            err.print(f"dashboard: {link}" if link else "dashboard: off (install bokeh to see it)", highlight=False)
            if db:
                from rashomon.store import Store

                with Store.open(settings) as store, display:
                    summary = run_batch(sources, settings, out, client, progress=update, store=store)
            else:
                with display:
                    summary = run_batch(sources, settings, out, client, progress=update)
        report_failures(summary.failures)
        if fmt == Format.json:
            with sink_to(None) as sink:
                print_json(sink, summary.to_dict())
    err.print(
        f"{summary.kept} articles ({summary.articles} before merging copies), {summary.events} events, "
        f"{summary.compared} compared, {summary.reused} tasks reused, {failed_summary(summary.failures)}; "
        f"tables in {summary.out}",
        highlight=False,
    )
    raise typer.Exit(exit_code(summary.kept, summary.failures, strict))


@app.command()
def export(
    out: Annotated[str, typer.Option("--out", help="Folder to write the tables to.")],
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="Table format.")] = ExportFormat.parquet,
    db: DbOption = None,
) -> None:
    """Write the store's articles, carriers, entities, quotes, claims, events, event members and comparisons
    as tables (Parquet dataset partitioned by month, or one CSV / JSON Lines file per table)."""
    from rashomon.present.output import err

    settings = _settings(db=db)
    with _errors(settings.db):
        from rashomon.scale.batch import require_extra
        from rashomon.scale.export import export_store
        from rashomon.store import Store

        if fmt == ExportFormat.parquet:
            require_extra()
        with Store.open(settings, mode="read") as store:
            counts = export_store(store, settings, out, fmt.value)
    listed = ", ".join(f"{n} {table}" for table, n in counts.items())
    err.print(f"exported {listed or 'nothing'} to {out}", highlight=False)
