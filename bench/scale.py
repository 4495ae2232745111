"""Scale-out: `rashomon batch` on Dask with 1 and 2 workers against the single-process `rashomon cluster`.

    python bench/scale.py [--articles 10000] [--partition-size 250] [--work DIR]

Input (built under ``--work``, default a temporary folder): ``--articles`` distinct articles as JSON Lines
files of 500 records, with outlets and publication dates spread over twelve months, from the development
parts of the corpora in ../shared/data (never their held-out parts: ECB+ topics 36-45 are not in the train
and dev folders, and only PolNeAR's train and dev texts are read):

- the 181 Scrapinghub pages as HTML records (the extraction stage parses real pages);
- ECB+ train and dev (772 articles, one sentence a line) and PolNeAR train and dev (924 articles) cut into
  non-overlapping passages of consecutive sentences, as many sentences a passage (at most 8) as still
  gives ``--articles`` in all (5 for 10,000). These corpora hold about 1,900 articles: the passages are
  how 10,000 distinct texts are reached without repeating any text (a repeated text would be merged as a
  copy). Passages of one ECB+ event share its date (within three days), so they group as reports of one
  event would.

Measured: articles a second of the single-process pipeline (one process, ``RASHOMON_WORKERS=1``: the
incumbent; what `rashomon cluster` runs, then what `rashomon compare` adds, timed apart) and of
`rashomon batch` with 1 and 2 local workers (each a fresh output folder, times without starting the
cluster), the speedup 1 -> 2 workers, the peak memory (RSS) of each worker process and of the
single process, the seconds of each stage, the Parquet bytes per article, and the B-cubed agreement of the
batch's events with the single process's (its events taken as the truth). Results go to
bench/results/scale.json.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
RESULTS = HERE / "results"
DATA = HERE.parent.parent / "shared" / "data"
RECORDS_PER_FILE = 500
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")


def _day(name: str, spread: int = 365) -> int:
    return int(hashlib.sha256(name.encode()).hexdigest()[:8], 16) % spread


def _date(base: int, offset: int = 0) -> str:
    import datetime as dt

    return (dt.date(2024, 1, 1) + dt.timedelta(days=base + offset)).isoformat()


def _documents() -> list[dict[str, Any]]:
    """(name, sentences, outlet, base day) of every development document, in a fixed order."""
    docs = []
    for part in ("train", "dev"):
        folder = DATA / "clustering" / "ecbplus" / part
        labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.txt")):
            label = labels[path.name]
            assert int(label["topic"]) <= 35, "held-out ECB+ topic found"  # topics 36-45 are never read
            lines = [ln.replace("``", "“").replace("''", "”") for ln in path.read_text(encoding="utf-8").splitlines()]
            sentences = [ln.strip() for ln in lines if ln.strip()]
            outlet = f"outlet{_day(path.name, 40)}.example"
            docs.append(
                {"name": f"ecb/{path.stem}", "sentences": sentences, "outlet": outlet, "day": _day(label["event"])}
            )
    meta = {}
    with open(DATA / "quotes" / "polnear" / "metadata.tsv", encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split("\t")
        for line in handle:
            row = dict(zip(header, line.rstrip("\n").split("\t"), strict=False))
            meta[row["filename"]] = row
    for part in ("train", "dev"):  # never "test": held out
        for path in sorted((DATA / "quotes" / "polnear" / part / "text").glob("*.txt")):
            row = meta.get(path.stem, {})
            text = path.read_text(encoding="utf-8")
            sentences = [s.strip() for p in text.split("\n") for s in _SENTENCE.split(p) if s.strip()]
            outlet = (row.get("publisher") or "polnear") + ".example"
            docs.append(
                {"name": f"polnear/{path.stem}", "sentences": sentences, "outlet": outlet, "day": _day(path.stem)}
            )
    return docs


def build_input(folder: Path, articles: int) -> int:
    """Write ``articles`` distinct records as JSON Lines files under ``folder``; returns how many."""
    folder.mkdir(parents=True, exist_ok=True)
    records: list[dict[str, Any]] = []
    truth = json.loads((DATA / "extraction" / "scrapinghub" / "ground-truth.json").read_text(encoding="utf-8"))
    for page in sorted(truth):
        html = gzip.decompress((DATA / "extraction" / "scrapinghub" / "html" / f"{page}.html.gz").read_bytes())
        records.append({"url": truth[page].get("url") or f"https://page.example/{page}", "html": html.decode("utf-8")})
    docs = _documents()
    wanted = max(0, articles - len(records))
    size = 8  # sentences a passage: the most that still gives enough distinct passages
    while size > 2 and sum(len(d["sentences"]) // size for d in docs) < wanted * 1.01:
        size -= 1
    passages, seen = [], set()
    for doc in docs:
        sentences = doc["sentences"]
        for k, first in enumerate(range(0, len(sentences) - size + 1, size) if wanted else []):
            text = " ".join(sentences[first : first + size])
            if text in seen:  # a repeated passage (a boilerplate paragraph) would be merged as a copy
                continue
            seen.add(text)
            slug = f"{doc['name']}/{k}"
            passages.append(
                {
                    "url": f"https://{doc['outlet']}/{slug}",
                    "title": sentences[first][:120],
                    "text": text,
                    "outlet": doc["outlet"],
                    "published": _date(doc["day"], k % 3),
                    "_order": hashlib.sha256(slug.encode()).hexdigest(),
                }
            )
    passages.sort(key=lambda p: p["_order"])  # every corpus in every file, in a fixed order
    for passage in passages[:wanted]:
        passage.pop("_order")
        records.append(passage)
    records = records[:articles]
    for n in range(0, len(records), RECORDS_PER_FILE):
        lines = [json.dumps(r, ensure_ascii=False) for r in records[n : n + RECORDS_PER_FILE]]
        (folder / f"part-{n // RECORDS_PER_FILE:04d}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(records)


def bench_input(work: Path | None, articles: int, prefix: str) -> tuple[Path, Path, int]:
    """(work folder, input folder, articles written): ``build_input`` under ``work`` (a new temporary
    folder named ``prefix...`` when None)."""
    work = work or Path(tempfile.mkdtemp(prefix=prefix))
    folder = work / "input"
    return work, folder, build_input(folder, articles)


def _peak_rss(pid: int, stop: list[bool], peaks: dict[str, int]) -> None:
    import psutil

    process = psutil.Process(pid)
    while not stop[0]:
        try:
            tree = [process, *process.children(recursive=True)]
            peaks["rss"] = max(peaks.get("rss", 0), max(p.memory_info().rss for p in tree))
        except psutil.Error:
            pass
        time.sleep(0.2)


def run_single(folder: Path, work: Path) -> dict[str, Any]:
    """The single-process pipeline in its own process (one parsing process): what `rashomon cluster` runs
    (``cluster_sources``), then what `rashomon compare` adds (``compare_one`` per event of two or more
    outlets), timed apart; its peak memory is watched from here."""
    import threading

    output = work / "single.json"
    env = {**os.environ, "RASHOMON_DB": str(work / "absent.db"), "RASHOMON_WORKERS": "1"}
    command = [sys.executable, str(Path(__file__).resolve()), "--single", str(folder), str(output)]
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    stop, peaks = [False], {}
    watcher = threading.Thread(target=_peak_rss, args=(process.pid, stop, peaks), daemon=True)
    watcher.start()
    _, stderr = process.communicate()
    stop[0] = True
    if process.returncode != 0:
        raise SystemExit(f"the single-process run failed: {stderr[-2000:]}")
    return {**json.loads(output.read_text(encoding="utf-8")), "peak_rss_mb": round(peaks.get("rss", 0) / 2**20, 1)}


def single_process(folder: str, output: str) -> None:
    """``--single``: the body of ``compare_sources`` (pipeline.py), with the time of each part."""
    from rashomon.pipeline import cluster_sources, comparable, compare_one
    from rashomon.records import Failure
    from rashomon.settings import Settings

    settings = Settings()
    start = time.perf_counter()
    events, analysed, _failures = cluster_sources([folder], settings)
    clustered = time.perf_counter()
    by_id = {item.article.id: item for item in analysed}
    compared = 0
    for event in events:
        if comparable(event):
            result = compare_one(event, [by_id[a.article_id] for a in event.articles], settings)
            compared += not isinstance(result, Failure)
    done = time.perf_counter()
    result = {
        "seconds": round(done - start, 2),
        "cluster_seconds": round(clustered - start, 2),
        "compare_seconds": round(done - clustered, 2),
        "compared": compared,
        "groups": [[a.article_id for a in e.articles] for e in events],
    }
    Path(output).write_text(json.dumps(result), encoding="utf-8")


def run_batch_with(folder: Path, work: Path, workers: int, partition_size: int) -> dict[str, Any]:
    """`rashomon batch` on a LocalCluster of ``workers`` processes; times exclude starting the cluster."""
    import resource

    from rashomon.scale.batch import dask_client, run_batch
    from rashomon.settings import Settings

    out = work / f"batch-{workers}"
    settings = Settings(db=str(work / "absent.db"))
    with dask_client(workers=workers) as client:
        start = time.perf_counter()
        summary = run_batch([str(folder)], settings, out, client, partition_size=partition_size)
        seconds = time.perf_counter() - start
        peaks = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # KiB, per worker
    members: dict[str, list[tuple[int, str]]] = {}
    import pyarrow.dataset as ds

    for row in ds.dataset(out / "event_articles", format="parquet", partitioning="hive").to_table().to_pylist():
        members.setdefault(row["event_id"], []).append((row["position"], row["article_id"]))
    tokens = ds.dataset(out / "articles", format="parquet", partitioning="hive").to_table(columns=["tokens"])
    parquet = sum(p.stat().st_size for p in out.rglob("*.parquet") if "_work" not in p.parts)
    work_bytes = sum(p.stat().st_size for p in (out / "_work").rglob("*") if p.is_file())
    return {
        "seconds": round(seconds, 2),
        "stages": summary.to_dict()["seconds"],
        "task_seconds": summary.to_dict()["task_seconds"],
        "cpu_seconds": summary.to_dict()["cpu_seconds"],
        "tokens": sum(t or 0 for t in tokens.column("tokens").to_pylist()),
        "articles": summary.articles,
        "kept": summary.kept,
        "analysed": summary.analysed,
        "events": summary.events,
        "compared": summary.compared,
        "failed": len([f for f in summary.failures if not f.skipped]),
        "partitions": summary.partitions,
        "peak_rss_mb_per_worker": sorted(round(v / 1024, 1) for v in peaks.values()),
        "parquet_bytes": parquet,
        "work_bytes": work_bytes,
        "groups": [[a for _, a in sorted(m)] for m in members.values()],
    }


def _costs(run: dict[str, Any]) -> dict[str, Any]:
    """CPU seconds of a worker per article (and per 1,000 analysed tokens) in each stage, from the 1-worker
    run (CPU time, so that other load on the machine does not count): what sizing a cluster starts from."""
    kept, tokens = max(1, run["kept"]), max(1, run["tokens"])
    cpu = run["cpu_seconds"]
    central = run["stages"].get("copies", 0.0) + run["stages"].get("events", 0.0)
    return {
        "extract_s": round(cpu.get("extract", 0.0) / max(1, run["articles"]), 4),
        "analyse_s": round(cpu.get("analyse", 0.0) / kept, 4),
        "analyse_s_per_1000_tokens": round(1000 * cpu.get("analyse", 0.0) / tokens, 4),
        "central_s": round(central / kept, 4),
        "compare_s_per_event": round(cpu.get("compare", 0.0) / max(1, run["compared"]), 3),
        "compare_s": round(cpu.get("compare", 0.0) / kept, 4),
        "tokens_per_article": round(tokens / kept),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--partition-size", type=int, default=250)
    parser.add_argument(
        "--work", type=Path, default=None, help="Folder for the input and outputs (default: temporary)."
    )
    parser.add_argument("--single", nargs=2, metavar=("INPUT", "OUTPUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.single:
        single_process(*args.single)
        return
    from events import bcubed  # bench/events.py

    work, folder, count = bench_input(args.work, args.articles, "rashomon-scale-")
    print(f"input: {count} articles in {len(list(folder.glob('*.jsonl')))} files under {folder}", file=sys.stderr)
    single = run_single(folder, work)
    print(f"single process: {single['seconds']} s ({single['cluster_seconds']} s to cluster)", file=sys.stderr)
    runs = {}
    for workers in (1, 2):
        runs[workers] = run_batch_with(folder, work, workers, args.partition_size)
        print(f"batch, {workers} worker(s): {runs[workers]['seconds']} s", file=sys.stderr)
    gold = {a: str(n) for n, group in enumerate(single["groups"]) for a in group}
    agreement = {}
    for workers, run in runs.items():
        predicted = [[a for a in group if a in gold] for group in run["groups"]]
        agreement[workers] = bcubed([g for g in predicted if g], gold)
    kept = runs[2]["kept"]
    result = {
        "articles": count,
        "kept": kept,
        "partition_size": args.partition_size,
        "cores": os.cpu_count(),
        "single_process": {
            "seconds": single["seconds"],
            "cluster_seconds": single["cluster_seconds"],
            "compare_seconds": single["compare_seconds"],
            "articles_per_second": round(count / single["seconds"], 2),
            "articles_per_second_cluster": round(count / single["cluster_seconds"], 2),
            "peak_rss_mb": single["peak_rss_mb"],
            "events": len(single["groups"]),
            "compared": single["compared"],
        },
        "batch": {
            str(w): {
                **{k: v for k, v in run.items() if k != "groups"},
                "articles_per_second": round(count / run["seconds"], 2),
                "bcubed_vs_single": agreement[w],
                "parquet_bytes_per_article": round(run["parquet_bytes"] / max(1, kept)),
                "work_bytes_per_article": round(run["work_bytes"] / max(1, kept)),
            }
            for w, run in runs.items()
        },
        "speedup_1_to_2_workers": round(runs[1]["seconds"] / runs[2]["seconds"], 3),
        "cost_per_article": _costs(runs[1]),
        "command": f"python bench/scale.py --articles {args.articles} --partition-size {args.partition_size}",
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "scale.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
