"""``rashomon batch`` on a LocalCluster (one worker process, shared by the module): the same events as
``rashomon cluster`` and the same comparisons as ``rashomon compare`` on the same input, a rerun that
reuses every task, a worker killed mid-run that costs a retry and neither a gap nor a duplicate, the store
loaded with ``--db`` and exported back. The inputs are the invented demo corpus (examples/) and invented
reports of tests/events/texts.py written as JSON Lines, split into partitions of three lines."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("distributed")
pytest.importorskip("pyarrow")

import pyarrow.dataset as ds
from distributed import Client, LocalCluster
from typer.testing import CliRunner

from rashomon.pipeline import compare_sources
from rashomon.present.cli import app
from rashomon.scale.batch import run_batch
from rashomon.scale.export import export_store
from rashomon.settings import Settings
from rashomon.store import Store
from tests.events import texts

REPO = Path(__file__).resolve().parents[2]
PARTITION = 3  # lines of JSON Lines a task: the wire file below becomes four partitions


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with (
        LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as dask_client,
    ):
        yield dask_client


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The demo corpus and a JSON Lines file of invented reports (with one broken line)."""
    folder = tmp_path_factory.mktemp("inputs")
    records = [
        ("harwick-herald.example", "Oster floods Harwick", "2024-03-04", texts.HARWICK_HERALD),
        ("harwick-post.example", "Harwick counts the cost", "2024-03-04", texts.HARWICK_POST),
        ("harwick-herald.example", "Calne floods Mirefield", "2024-04-11", texts.MIREFIELD_HERALD),
        ("mirefield-courier.example", "Mirefield evacuated", "2024-04-11", texts.MIREFIELD_COURIER),
        ("fish-news.example", "Ministers meet in Carrow", "2024-05-06", texts.MEETING_PREVIEW),
        ("sea-times.example", "Herring deal struck", "2024-05-09", texts.MEETING_REPORT),
        ("dunhaven-daily.example", "Paint factory fire", "2024-06-04", texts.FACTORY_FIRE),
        ("pellham-post.example", "School closed", "2024-06-04", texts.SCHOOL_CLOSURE),
        ("portsby-news.example", "Museum reopens", None, texts.MUSEUM),
    ]
    lines = []
    for n, (outlet, title, day, text) in enumerate(records):
        record = {"url": f"https://{outlet}/story/{n}", "title": title, "text": text, "outlet": outlet}
        if day:
            record["published"] = day
        lines.append(json.dumps(record))
    lines.insert(4, "{not json")
    wire = folder / "reports.jsonl"
    wire.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [str(REPO / "examples"), str(wire)]


def _settings(tmp: Path) -> Settings:
    return Settings(db=str(tmp / "absent.db"))


def _table(out: Path, name: str) -> list[dict[str, Any]]:
    return ds.dataset(out / name, format="parquet", partitioning="hive").to_table().to_pylist()


def _events(out: Path) -> dict[str, tuple[Any, ...]]:
    members: dict[str, list[tuple[int, str]]] = {}
    for row in _table(out, "event_articles"):
        members.setdefault(row["event_id"], []).append((row["position"], row["article_id"]))
    return {
        row["event_id"]: (row["title"], row["start"], tuple(a for _, a in sorted(members[row["event_id"]])))
        for row in _table(out, "events")
    }


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.parquet")) if "_work" not in p.parts}


@pytest.fixture(scope="module")
def first_run(client: Client, inputs: list[str], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    out = tmp_path_factory.mktemp("batch")
    summary = run_batch(inputs, _settings(out), out / "data", client, partition_size=PARTITION)
    return out / "data", summary


def test_batch_agrees_with_cluster_and_compare(first_run: tuple[Path, Any], inputs: list[str], tmp_path: Path) -> None:
    out, summary = first_run
    compared, events, failures = compare_sources(inputs, _settings(tmp_path))
    assert summary.partitions >= 4
    assert _events(out) == {e.id: (e.title, e.start, tuple(a.article_id for a in e.articles)) for e in events}
    rows = {row["event_id"]: row for row in _table(out, "comparisons")}
    assert sorted(rows) == sorted(c.id for c in compared)
    for comparison in compared:
        expected = json.loads(json.dumps(comparison.to_dict()))
        row = rows[comparison.id]
        for name, value in expected.items():
            if name == "id":
                continue
            stored = row[name]
            assert (json.loads(stored) if isinstance(value, list | dict) else stored) == value, name
    assert sorted((f.source, f.stage) for f in summary.failures) == sorted((f.source, f.stage) for f in failures)
    assert [(r["source"], r["stage"]) for r in _table(out, "failures")] == [(f"{inputs[1]}:5", "read")]
    articles = _table(out, "articles")
    assert len(articles) == summary.kept == len({r["article_id"] for r in articles})
    assert {r["published_month"] for r in articles} >= {"2024-03", "2025-03", "undated"}
    assert len(_table(out, "claims")) > 50 and len(_table(out, "quotes")) > 10


def test_batch_rerun_reuses_every_task(first_run: tuple[Path, Any], client: Client, inputs: list[str]) -> None:
    out, summary = first_run
    before = _files(out)
    again = run_batch(inputs, _settings(out), out, client, partition_size=PARTITION)
    tasks = again.partitions * 2 + len([p for p in (out / "_work" / "compare").glob("*.json")])
    assert again.reused == tasks
    assert again.seconds["analyse"] < summary.seconds["analyse"]
    assert _files(out) == before  # same names, same bytes


def test_batch_lost_worker_costs_a_retry(
    client: Client, inputs: list[str], first_run: tuple[Path, Any], tmp_path: Path
) -> None:
    """The worker process dies (os._exit) when it starts its first analysis task: the nanny starts a new
    worker, the scheduler runs the task again, and the tables are complete, without duplicates."""
    from distributed.diagnostics.plugin import WorkerPlugin

    flag = tmp_path / "killed"

    class KillOnce(WorkerPlugin):  # type: ignore[misc]
        name = "kill-once"

        def __init__(self, flag: str) -> None:
            self.flag = flag

        def transition(self, key: Any, start: str, finish: str, **kwargs: Any) -> None:
            if finish == "executing" and str(key).startswith("analyse-") and not os.path.exists(self.flag):
                open(self.flag, "w").close()
                os._exit(1)

    client.register_plugin(KillOnce(str(flag)))
    try:
        summary = run_batch(inputs, _settings(tmp_path), tmp_path / "data", client, partition_size=PARTITION)
    finally:
        client.unregister_worker_plugin("kill-once")
    assert flag.exists()
    out, first = first_run
    articles = _table(tmp_path / "data", "articles")
    assert len(articles) == len({r["article_id"] for r in articles}) == first.kept
    assert _events(tmp_path / "data") == _events(out)
    assert len(_table(tmp_path / "data", "comparisons")) == first.compared == summary.compared
    assert not [p for p in (tmp_path / "data").rglob("*.tmp")]


def test_batch_store_and_export_round_trip(client: Client, inputs: list[str], store: Store, tmp_path: Path) -> None:
    """``--db`` on SQLite and PostgreSQL, then ``export`` of that store: the same events and articles."""
    settings = store.settings
    summary = run_batch(inputs, settings, tmp_path / "data", client, partition_size=PARTITION, store=store)
    assert summary.stored["added"] == summary.kept
    counts = export_store(store, settings, tmp_path / "export", "parquet")
    export_store(store, settings, tmp_path / "flat", "jsonl")
    batch_members = {v[2] for v in _events(tmp_path / "data").values()}
    exported = _events(tmp_path / "export")
    assert {v[2] for v in exported.values()} == batch_members
    assert counts["articles"] == summary.kept == len(_table(tmp_path / "export", "articles"))
    assert len(_table(tmp_path / "export", "comparisons")) == summary.compared
    assert sorted(r["article_id"] for r in _table(tmp_path / "export", "claims")) == sorted(
        r["article_id"] for r in _table(tmp_path / "data", "claims")
    )
    lines = (tmp_path / "flat" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == summary.kept
    # Comparisons the web app's background comparer stored are exported as they are: the same bytes as
    # those export computes itself.
    from rashomon.present.web.background import Comparer

    assert Comparer(store, settings).run_once(limit=1000) >= summary.compared
    export_store(store, settings, tmp_path / "again", "jsonl")
    assert (tmp_path / "again" / "comparisons.jsonl").read_bytes() == (
        tmp_path / "flat" / "comparisons.jsonl"
    ).read_bytes()


def test_batch_cli_prints_one_json_object(
    client: Client, inputs: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    address = client.scheduler.address
    command = ["batch", inputs[0], "--out", "data", "--scheduler", address, "-f", "json", "--partition-size", "4"]
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert (payload["kept"], payload["events"], payload["compared"]) == (9, 4, 2)
    assert (tmp_path / "data" / "events").is_dir()


def test_batch_names_failed_articles_and_goes_on(client: Client, tmp_path: Path) -> None:
    """Articles too long to analyse fail alone, named with their stage, as in the single-process run."""
    settings = Settings(db=str(tmp_path / "absent.db"), max_analysis_chars=2500)
    sources = [str(REPO / "examples")]
    summary = run_batch(sources, settings, tmp_path / "data", client, partition_size=PARTITION)
    _compared, events, failures = compare_sources(sources, settings)
    failed = sorted((f.source, f.stage, f.reason) for f in failures)
    assert failed and {stage for _, stage, _ in failed} == {"analyse"}
    assert sorted((f.source, f.stage, f.reason) for f in summary.failures) == failed
    rows = _table(tmp_path / "data", "failures")
    assert sorted((r["source"], r["stage"], r["reason"]) for r in rows) == failed
    assert summary.events == len(events) > 0
