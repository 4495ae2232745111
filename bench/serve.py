"""Load on `rashomon serve`: latency and throughput of its pages and API from a second process.

    python bench/serve.py [--articles 10000] [--clients 1,10,50] [--requests 200] [--databases sqlite,postgres]

Store (built by this bench): the demo, then the ECB+ train and dev articles of ../shared/data/clustering/ecbplus
(772 real articles, their cached analyses from bench/events.py reused) in as many editions as it takes to
reach ``--articles``: edition k is dated k months after the first and its text ends with "(Edition k.)",
and editions are stored as articles of their own (the store's near-duplicate folding is bypassed here:
this bench measures volume, dedup is measured in bench/robustness.py). Clustered into events as
`rashomon ingest` does. The comparisons the load asks for are computed before it (the steady state of a
server whose background comparer has caught up; its rate is reported), and the server runs with
``--no-compare`` so that the comparer does not compete with the load. SQLite (a temporary file) and, with
``--pg-url`` or RASHOMON_BENCH_PG_URL, PostgreSQL (the bench empties that database first).

The server runs as `rashomon serve` in its own process on 127.0.0.1; this process is the client (httpx, a
thread per concurrent client). For each database, number of clients and route: p50 and p99 latency and
requests per second over ``--requests`` requests after one warm-up request. Results go to
bench/results/serve.json.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
RESULTS = HERE / "results"


def build_store(db: str, target: int) -> dict[str, float]:
    """The demo and editions of the analysed ECB+ articles, stored and clustered: counts and seconds."""
    import datetime as dt

    import events as bench_events
    from rashomon.events.incremental import assign_events
    from rashomon.ingest.extract import content_hash
    from rashomon.pipeline import ingest
    from rashomon.settings import Settings
    from rashomon.store import Store

    class EditionStore(Store):
        def _near_duplicate(self, conn, sig):  # type: ignore[no-untyped-def]
            return None, 0.0  # editions are articles of their own here (see the module's docstring)

    settings = Settings(db=db)
    store = EditionStore.open(settings)
    started = time.perf_counter()
    try:
        ingest([str(HERE.parent / "examples")], settings, store)
        items = [item for split in ("train", "dev") for item in bench_events.analyse_split(split)]
        first = dt.date(2024, 1, 15)
        ids: list[str] = []
        edition = 0
        while store.count_articles() < target:
            day = (first + dt.timedelta(days=30 * edition)).isoformat()
            want = target - store.count_articles()
            chosen = items[:want]
            for start in range(0, len(chosen), 200):
                batch = chosen[start : start + 200]
                articles = []
                for item in batch:
                    text = item.article.text + (f"\n\n(Edition {edition}.)" if edition else "")
                    source = f"{item.article.source}#edition{edition}"
                    articles.append(
                        item.article.replace(
                            id=f"e{edition}-{item.article.id}"[:32],
                            source=source,
                            text=text,
                            published=day,
                            content_hash=content_hash(text),
                        )
                    )
                outcomes = store.add_articles([(a.source, a) for a in articles])
                store.save_analyses(
                    [
                        i.analysis.replace(article_id=o.article_id)
                        for i, o in zip(batch, outcomes, strict=True)
                        if o.status == "added"
                    ]
                )
                ids += [o.article_id for o in outcomes if o.status == "added"]
            edition += 1
        stored = time.perf_counter() - started
        assign_events(store, settings, ids)
        return {
            "articles": store.count_articles(),
            "events": len(store.list_events()),
            "editions": edition,
            "store_s": round(stored, 1),
            "cluster_s": round(time.perf_counter() - started - stored, 1),
        }
    finally:
        store.close()


def compare_now(db: str, event_ids: list[int]) -> float:
    """Compute and store these events' comparisons as the background comparer does: seconds per event."""
    from rashomon.present.web.background import Comparer
    from rashomon.settings import Settings
    from rashomon.store import Store
    from rashomon.store.search_db import event_version

    settings = Settings(db=db)
    with Store.open(settings) as store:
        comparer = Comparer(store, settings)
        started = time.perf_counter()
        for event_id in event_ids:
            row = store.event_row(event_id)
            comparer.compare(event_id, event_version(row, comparer.version))
        return (time.perf_counter() - started) / max(1, len(event_ids))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def measure(base: str, path: str, clients: int, requests: int) -> dict[str, float]:
    import httpx

    latencies: list[float] = []

    def one(client: httpx.Client) -> None:
        start = time.perf_counter()
        response = client.get(base + path)
        latencies.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code}")

    with httpx.Client(timeout=60, limits=httpx.Limits(max_connections=clients)) as client:
        one(client)  # warm-up
        latencies.clear()
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            list(pool.map(lambda _: one(client), range(requests)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "p50_ms": round(1000 * statistics.median(latencies), 1),
        "p99_ms": round(1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))], 1),
        "requests_per_s": round(requests / elapsed, 1),
    }


def load(db: str, clients_list: list[int], requests: int) -> dict[str, object]:
    """Serve ``db`` from a second process and measure each route at each number of clients."""
    import httpx

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "rashomon", "serve", "--db", db, "--port", str(port), "--no-compare"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(base + "/api/v1/events?limit=1", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        events = httpx.get(base + "/api/v1/events?limit=500&min_size=2", timeout=60).json()["events"]
        event = max(events, key=lambda e: (len(e["outlets"]), e["size"], e["id"]))
        compared = compare_now(db, [int(e["id"]) for e in events[:20] if e["id"] != event["id"]] + [int(event["id"])])
        routes = {
            "events page": "/",
            "event page": f"/events/{event['id']}",
            "search page": "/search?q=police+said",
            "API events": "/api/v1/events",
            "API comparison": f"/api/v1/events/{event['id']}/comparison",
            "API search": "/api/v1/search?q=earthquake",
        }
        runs: dict[str, object] = {}
        for clients in clients_list:
            for name, path in routes.items():
                row = measure(base, path, clients, requests)
                runs[f"{name} @ {clients}"] = row
                print(
                    f"{name:15} {clients:>3} clients: p50 {row['p50_ms']:7.1f} ms  p99 {row['p99_ms']:7.1f} ms  "
                    f"{row['requests_per_s']:7.1f} req/s"
                )
        return {"event": event, "compare_s_per_event": round(compared, 3), "runs": runs}
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def _reused(db: str, target: int) -> dict[str, object] | None:
    """The store an earlier run built at ``db`` (brought to the current schema), if it is the right size."""
    from rashomon.settings import Settings
    from rashomon.store import Store

    try:
        with Store.open(Settings(db=db)) as store:
            if store.count_articles() != target:
                return None
            return {"articles": target, "events": len(store.list_events()), "reused": True}
    except Exception:
        return None


def _empty_postgres(url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def main(argv: list[str] | None = None) -> int:
    import os

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--clients", default="1,10,50")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--pg-url", default=os.environ.get("RASHOMON_BENCH_PG_URL"))
    parser.add_argument(
        "--reuse-postgres",
        action="store_true",
        help="keep the PostgreSQL store an earlier run built when it holds --articles articles (building "
        "one takes about 15 minutes for 10,000: incremental clustering into PostgreSQL)",
    )
    args = parser.parse_args(argv)
    clients = [int(c) for c in args.clients.split(",")]
    results: dict[str, object] = {"requests": args.requests, "clients": clients, "databases": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.databases.split(","):
            if kind == "postgres" and not args.pg_url:
                print("postgres: skipped (give --pg-url or RASHOMON_BENCH_PG_URL)", file=sys.stderr)
                continue
            db = str(Path(tmp) / "serve.db") if kind == "sqlite" else args.pg_url
            built = _reused(db, args.articles) if kind == "postgres" and args.reuse_postgres else None
            if built is None:
                if kind == "postgres":
                    _empty_postgres(args.pg_url)
                built = build_store(db, args.articles)
            print(f"{kind}: store of {built}", file=sys.stderr)
            results["databases"][kind] = {"store": built, **load(db, clients, args.requests)}  # type: ignore[index]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "serve.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
