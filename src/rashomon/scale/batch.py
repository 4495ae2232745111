"""``rashomon batch``: ingest, analyse, group into events and compare on Dask distributed.

The driver (this module) plans partitions, hands them to the workers and keeps only what is small: each
article without its text (for outlet names and copies), its MinHash signature and its event features.
Three rounds of tasks run on the workers (scale/tasks.py):

1. extract: a partition read and extracted (texts stay in the worker's files);
2. analyse: the articles the driver kept, analysed with the model loaded once per worker; the article
   tables are written to Parquet there and the event features come back;
3. compare: events of two or more outlets, a chunk of events a task.

Between 1 and 2 the driver names outlets and merges copies over the whole input (``name_outlets``,
``dedupe_copies``), and between 2 and 3 it groups the features into events (``group_events``): the same
functions the single-process ``rashomon cluster`` and ``compare`` call, in the same order, so the events
and comparisons agree with theirs. docs/scaling.md explains why grouping is central.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rashomon.errors import RashomonError
from rashomon.records import Article, Event, Failure, failures_by_stage
from rashomon.scale.partitions import Partition, container_ranges, digest, plan_partitions, settings_fingerprint
from rashomon.scale.tables import event_rows, failure_row, merge_rows, remove_stale_parts, write_parts
from rashomon.scale.tasks import WORK, analyse_partition, compare_chunk, extract_partition
from rashomon.settings import Settings

logger = logging.getLogger(__name__)

STAGES = ("extract", "analyse", "compare")
# The work one compare task holds, in pairs of member articles (an event's comparison scores each claim
# against the best few claims of every other report, so its cost grows with the square of its size): a
# small event (two to five members) takes about a second, so a task holds tens of them; an event past this
# size is a task of its own. Many tasks keep every worker busy, and the tasks (hence the part files) do not
# depend on how many workers there are.
COMPARE_TASK_PAIRS = 400
Progress = Callable[[str, int, int], None]  # (stage, done, total)


class MissingExtra(RashomonError):
    """Dask or pyarrow is not installed."""


class BatchFailed(RashomonError):
    """The cluster could not be started or reached."""


@dataclass
class BatchSummary:
    """What a batch run did: counts, the failures (each with its stage), the time of every stage."""

    partitions: int = 0
    reused: int = 0  # tasks whose results a previous run had written (rerun)
    articles: int = 0  # extracted, before copies were merged
    kept: int = 0  # after copies were merged
    analysed: int = 0
    events: int = 0
    compared: int = 0
    failures: list[Failure] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # wall time of each stage
    task_seconds: dict[str, float] = field(default_factory=dict)  # time its tasks took, summed over workers
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # CPU time the workers used in its tasks
    removed: int = 0  # stale part files of an earlier run over other inputs
    out: str = ""
    dashboard: str | None = None
    stored: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "out": self.out,
            "partitions": self.partitions,
            "reused": self.reused,
            "articles": self.articles,
            "kept": self.kept,
            "analysed": self.analysed,
            "events": self.events,
            "compared": self.compared,
            "failed": len([f for f in self.failures if not f.skipped]),
            "failed_by_stage": failures_by_stage(self.failures),
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
            "task_seconds": {k: round(v, 3) for k, v in self.task_seconds.items()},
            "cpu_seconds": {k: round(v, 3) for k, v in self.cpu_seconds.items()},
            "removed": self.removed,
            "stored": self.stored,
            "dashboard": self.dashboard,
        }


def require_extra() -> None:
    """Raise MissingExtra with the install command when dask or pyarrow is absent."""
    try:
        import distributed  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError as exc:
        raise MissingExtra(
            f'rashomon batch needs the scale extra ({exc.name} is missing): pip install "rashomon[scale]"'
        ) from exc


def _model_plugin(settings: Settings) -> Any:
    from distributed.diagnostics.plugin import WorkerPlugin

    class LoadModels(WorkerPlugin):  # type: ignore[misc]
        """Loads the spaCy model (and the sentence encoder the comparison uses, when it is on) when a worker
        starts or restarts: once per worker process, not once per task."""

        name = "rashomon-models"

        def __init__(self, model: str, embeddings: bool) -> None:
            self.model = model
            self.embeddings = embeddings

        def setup(self, worker: Any) -> None:
            from rashomon.analyse.core import prepare
            from rashomon.analyse.nlp import load_model

            prepare(load_model(self.model))
            if self.embeddings:
                from rashomon.embeddings import load_encoder

                load_encoder()

    return LoadModels(settings.model, settings.compare_embeddings)


@contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None, memory_limit: str = "auto") -> Iterator[Any]:
    """A client of the cluster at ``scheduler``, or of a LocalCluster of ``workers`` single-threaded
    processes (default: one per core), each with its share of the memory as Dask's limit."""
    require_extra()
    import os

    from distributed import Client, LocalCluster

    quiet = logging.getLogger().level > logging.INFO  # Dask's INFO lines only with -v / --debug
    if quiet:
        for name in ("distributed", "bokeh", "tornado"):
            logging.getLogger(name).setLevel(logging.WARNING)
    try:
        if scheduler:
            client = Client(scheduler, timeout="30s")
            try:
                yield client
            finally:
                client.close()
            return
        count = workers or os.cpu_count() or 1
        with (
            LocalCluster(
                n_workers=count,
                threads_per_worker=1,
                processes=True,
                memory_limit=memory_limit,
                dashboard_address=":0" if _has_bokeh() else None,
                silence_logs=logging.WARNING if quiet else logging.INFO,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
    except OSError as exc:
        raise BatchFailed(f"could not reach the Dask cluster ({exc}): check --scheduler") from exc


def _has_bokeh() -> bool:
    try:
        import bokeh  # noqa: F401
    except ImportError:
        return False
    return True


def dashboard_of(client: Any) -> str | None:
    """The dashboard's address, or None when it is off (bokeh is not installed)."""
    try:
        link = client.dashboard_link
    except Exception:  # no dashboard (bokeh missing or disabled)
        return None
    return link if link and _has_bokeh() else None


def _gather(client: Any, futures: list[Any], stage: str, progress: Progress | None) -> list[Any]:
    """Results in submission order; a task that raised (or killed its workers too often) gives its
    exception as the result, so that one partition's failure does not lose the run."""
    from distributed import as_completed

    index = {future.key: n for n, future in enumerate(futures)}
    results: list[Any] = [None] * len(futures)
    if progress:
        progress(stage, 0, len(futures))
    for finished, future in enumerate(as_completed(futures), 1):
        try:
            results[index[future.key]] = future.result()
        except Exception as exc:  # the task's boundary: its partition fails, the run goes on
            logger.debug("task %s failed", future.key, exc_info=exc)
            results[index[future.key]] = exc
        if progress:
            progress(stage, finished, len(futures))
        future.release()
    return results


def _task_failure(exc: BaseException, what: str, stage: str) -> Failure:
    from rashomon.boundary import failure_of

    return failure_of(exc, what, stage)


def run_batch(
    sources: list[str],
    settings: Settings,
    out: str | Path,
    client: Any,
    *,
    partition_size: int | None = None,
    progress: Progress | None = None,
    store: Any = None,
) -> BatchSummary:
    """Run the pipeline over ``sources`` on the cluster of ``client`` and write the tables under ``out``
    (with ``store``, also load the articles, analyses and events into it)."""
    from rashomon.events import group_events
    from rashomon.events.cluster import features_from_dict
    from rashomon.events.incremental import params_for
    from rashomon.ingest import dedup
    from rashomon.ingest.outlets import OutletNames
    from rashomon.pipeline import comparable, dedupe_copies, name_outlets

    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    size = partition_size or settings.batch_partition_size
    summary = BatchSummary(out=str(out), dashboard=dashboard_of(client))
    fingerprint = settings_fingerprint(settings)
    settings_json = settings.model_dump_json()
    client.register_plugin(_model_plugin(settings))
    clock = time.perf_counter()

    def count_ranges(jobs: list[tuple[str, str]]) -> list[Any]:
        futures = [
            client.submit(container_ranges, path, kind, size, settings_json, key=f"count-{digest([path, size])}")
            for path, kind in jobs
        ]
        return [[] if isinstance(r, Exception) else r for r in _gather(client, futures, "count", None)]

    partitions, failures = plan_partitions(sources, settings, size, count_ranges)
    summary.partitions = len(partitions)
    keys = [p.key(fingerprint) for p in partitions]
    from rashomon.scale.tasks import done

    reused = {k for k in keys if done(str(out), "extract", k) is not None}
    futures = [
        client.submit(extract_partition, p.to_dict(), k, settings_json, str(out), key=f"extract-{k}", retries=1)
        for p, k in zip(partitions, keys, strict=True)
    ]
    extracted = _gather(client, futures, "extract", progress)
    summary.seconds["extract"] = time.perf_counter() - clock

    # Central: outlet names and copies over the whole input, in read order (as ``rashomon cluster`` does).
    clock = time.perf_counter()
    headers: list[Article] = []
    signatures: list[Any] = []
    origin: dict[str, tuple[int, int]] = {}
    for n, result in enumerate(extracted):
        if isinstance(result, BaseException):
            failures.append(_task_failure(result, _partition_name(partitions[n]), "read"))
            extracted[n] = {"key": "", "articles": [], "failures": []}  # nothing to load from it
            continue
        failures.extend(Failure.from_dict(f) for f in result["failures"])
        _count_time(summary, "extract", result, reused)
        for position, entry in enumerate(result["articles"]):
            header = Article.from_dict(entry["header"])
            origin.setdefault(header.id, (n, position))
            headers.append(header)
            signatures.append(dedup.from_bytes(bytes.fromhex(entry["signature"])))
    summary.articles = len(headers)
    named = name_outlets(headers, OutletNames.from_store(settings))
    kept = dedupe_copies(named, settings, signatures)
    del signatures
    summary.kept = len(kept)
    plans: dict[int, list[tuple[int, dict[str, Any]]]] = {}
    for article in kept:
        n, position = origin[article.id]
        plans.setdefault(n, []).append((position, article.to_dict()))
    summary.seconds["copies"] = time.perf_counter() - clock

    clock = time.perf_counter()
    analyse_keys = {n: digest([keys[n], plan, fingerprint]) for n, plan in plans.items()}
    order = sorted(plans)
    reused |= {analyse_keys[n] for n in order if done(str(out), "analyse", analyse_keys[n]) is not None}
    futures = [
        client.submit(
            analyse_partition,
            keys[n],
            analyse_keys[n],
            plans[n],
            settings_json,
            str(out),
            key=f"analyse-{analyse_keys[n]}",
            retries=1,
        )
        for n in order
    ]
    results = dict(zip(order, _gather(client, futures, "analyse", progress), strict=True))
    summary.seconds["analyse"] = time.perf_counter() - clock

    # Central: events over every analysed article's features (small), in the order of the kept articles.
    clock = time.perf_counter()
    features: dict[str, Any] = {}
    where: dict[str, tuple[str, int, int]] = {}
    for n in order:
        result = results[n]
        if isinstance(result, BaseException):
            failures.append(_task_failure(result, _partition_name(partitions[n]), "analyse"))
            continue
        summary.analysed += result["analysed"]
        _count_time(summary, "analyse", result, reused)
        failures.extend(Failure.from_dict(f) for f in result["failures"])
        for data in result["features"]:
            features[data["article_id"]] = features_from_dict(data)
        for article_id, (start, length) in result["offsets"].items():
            where[article_id] = (analyse_keys[n], start, length)
    clustered = [a for a in kept if a.id in features]
    events = group_events([features[a.id] for a in clustered], clustered, params_for(settings))
    summary.events = len(events)
    event_key = digest([sorted(analyse_keys.values()), fingerprint, "events"])
    rows: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        merge_rows(rows, event_rows(event))
    write_parts(out, event_key, rows)
    summary.seconds["events"] = time.perf_counter() - clock

    clock = time.perf_counter()
    chunks = _compare_chunks([e for e in events if comparable(e)], where)
    compare_keys = [digest([chunk, fingerprint]) for chunk in chunks]
    reused |= {k for k in compare_keys if done(str(out), "compare", k) is not None}
    futures = [
        client.submit(
            compare_chunk, chunk, k, settings_json, str(out), key=f"compare-{k}", retries=1, priority=len(chunks) - n
        )
        for n, (chunk, k) in enumerate(zip(chunks, compare_keys, strict=True))
    ]
    for chunk, result in zip(chunks, _gather(client, futures, "compare", progress), strict=True):
        if isinstance(result, BaseException):
            names = ", ".join(entry["event"]["id"] for entry in chunk)
            failures.append(_task_failure(result, f"events {names}", "compare"))
            continue
        summary.compared += result["compared"]
        _count_time(summary, "compare", result, reused)
        failures.extend(Failure.from_dict(f) for f in result["failures"])
    summary.seconds["compare"] = time.perf_counter() - clock

    summary.failures = failures
    summary.reused = len(reused)
    failure_key = digest([[f.to_dict() for f in failures], fingerprint, "failures"])
    write_parts(out, failure_key, {"failures": [failure_row(f) for f in failures]})
    keep = {*analyse_keys.values(), event_key, *compare_keys, failure_key}
    summary.removed = remove_stale_parts(out, keep)
    _remove_stale_work(out, {"extract": set(keys), "analyse": set(analyse_keys.values()), "compare": set(compare_keys)})
    if store is not None:
        from rashomon.scale.load import load_store

        clock = time.perf_counter()
        extract_keys = [result["key"] for result in extracted]
        summary.stored = load_store(store, settings, str(out), extract_keys, named, kept, events, features, where)
        summary.seconds["store"] = time.perf_counter() - clock
    manifest = {
        k: v for k, v in summary.to_dict().items() if k not in ("seconds", "dashboard", "reused", "removed", "stored")
    }
    (out / "_batch.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return summary


def _partition_name(partition: Partition) -> str:
    """A partition as a failure names it: its file, with the range of a container's part."""
    name = (
        partition.files[0] if len(partition.files) == 1 else f"{partition.files[0]} (+{len(partition.files) - 1} files)"
    )
    if partition.container:
        unit = "lines" if partition.container == "jsonl" else "records"
        name += f" {unit} {partition.start}-{partition.stop - 1}"
    return name


def _compare_cost(event: Event) -> int:
    """What comparing an event costs, roughly: its pairs of member articles."""
    return len(event.articles) * len(event.articles)


def _compare_chunks(events: list[Event], where: dict[str, tuple[str, int, int]]) -> list[list[dict[str, Any]]]:
    """Events to compare, with where each member's analysis is, in chunks of about ``COMPARE_TASK_PAIRS``
    pairs of members (an event is never split), the costliest chunk first: the scheduler starts the
    largest events first, so the last task to finish is a small one and no worker waits on a straggler."""
    chunks: list[tuple[int, list[dict[str, Any]]]] = []
    current: list[dict[str, Any]] = []
    cost = 0
    for event in events:
        entry = {"event": event.to_dict(), "members": [list(where[a.article_id]) for a in event.articles]}
        if _compare_cost(event) >= COMPARE_TASK_PAIRS:  # a large event: a task of its own
            chunks.append((_compare_cost(event), [entry]))
            continue
        current.append(entry)
        cost += _compare_cost(event)
        if cost >= COMPARE_TASK_PAIRS:
            chunks.append((cost, current))
            current, cost = [], 0
    if current:
        chunks.append((cost, current))
    return [chunk for _, chunk in sorted(chunks, key=lambda item: -item[0])]


def _count_time(summary: BatchSummary, stage: str, marker: dict[str, Any], reused: set[str]) -> None:
    """Add a task's times to its stage's (not a reused task's: its times are an earlier run's)."""
    if marker.get("key") in reused:
        return
    summary.task_seconds[stage] = summary.task_seconds.get(stage, 0.0) + float(marker.get("seconds", 0.0))
    summary.cpu_seconds[stage] = summary.cpu_seconds.get(stage, 0.0) + float(marker.get("cpu_seconds", 0.0))


def _remove_stale_work(out: Path, keep: dict[str, set[str]]) -> None:
    """Intermediate files of tasks that are not part of this run (other inputs or settings)."""
    for stage, keys in keep.items():
        folder = out / WORK / stage
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if path.name.split(".", 1)[0] not in keys:
                path.unlink()
