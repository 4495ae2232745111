"""Load on `rashomon serve`: latency and throughput of its pages and API from a second process.

    python bench/serve.py [--clients 1,10,50] [--requests 200]

Store: the ECB+ train and dev articles of ../shared/data/clustering/ecbplus (772 articles, 66 events when
clustered; their cached analyses from bench/events.py are reused) and the demo, in a temporary SQLite
file. The server runs as `rashomon serve` in its own process on 127.0.0.1; this process is the client
(httpx, a thread per concurrent client). For each number of clients and each route: p50 and p99 latency
and requests per second over ``--requests`` requests, after one warm-up request per route (an event's
comparison is computed on its first request and kept: the warm figures are what a reader sees after the
first). Results go to bench/results/serve.json.
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


def build_store(db: str) -> int:
    """ECB+ articles (with their cached analyses) and the demo, stored and clustered: the article count."""
    import events as bench_events
    from rashomon.events.incremental import assign_events
    from rashomon.ingest.extract import content_hash
    from rashomon.pipeline import ingest
    from rashomon.settings import Settings
    from rashomon.store import Store

    settings = Settings(db=db)
    store = Store.open(settings)
    try:
        ingest([str(HERE.parent / "examples")], settings, store)
        items = [item for split in ("train", "dev") for item in bench_events.analyse_split(split)]
        ids = []
        for start in range(0, len(items), 200):
            batch = items[start : start + 200]
            articles = [i.article.replace(content_hash=content_hash(i.article.text)) for i in batch]
            outcomes = store.add_articles([(a.source, a) for a in articles])
            store.save_analyses(  # copies (near-duplicate ECB+ articles) were stored once, as carriers
                [
                    i.analysis.replace(article_id=o.article_id)
                    for i, o in zip(batch, outcomes, strict=True)
                    if o.status == "added"
                ]
            )
            ids += [o.article_id for o in outcomes if o.status == "added"]
        assign_events(store, settings, ids)
        return store.count_articles()
    finally:
        store.close()


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="1,10,50")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args(argv)
    import httpx

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "serve.db")
        started = time.perf_counter()
        count = build_store(db)
        print(f"store: {count} articles in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "rashomon", "serve", "--db", db, "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    httpx.get(base + "/api/v1/events?limit=1", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            events = httpx.get(base + "/api/v1/events?limit=500&min_size=2", timeout=30).json()["events"]
            event = max(events, key=lambda e: (len(e["outlets"]), e["size"]))
            routes = {
                "events page": "/",
                "event page": f"/events/{event['id']}",
                "search page": "/search?q=police+said",
                "API events": "/api/v1/events",
                "API comparison": f"/api/v1/events/{event['id']}/comparison",
            }
            results: dict[str, object] = {"articles": count, "event": event, "requests": args.requests, "runs": {}}
            for clients in [int(c) for c in args.clients.split(",")]:
                for name, path in routes.items():
                    row = measure(base, path, clients, args.requests)
                    results["runs"][f"{name} @ {clients}"] = row  # type: ignore[index]
                    print(
                        f"{name:15} {clients:>3} clients: p50 {row['p50_ms']:7.1f} ms  p99 {row['p99_ms']:7.1f} ms  "
                        f"{row['requests_per_s']:7.1f} req/s"
                    )
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "serve.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
