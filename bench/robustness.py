"""Robustness benchmark: crawler-sized containers stream, with flat memory.

    python bench/robustness.py [--size-mb 1024] [--small-mb 100] [--skip-ingest]

Builds, from the Article Extraction Benchmark pages (../shared/data/extraction/scrapinghub, 181 pages),
a JSON Lines file and a WARC file (gzip per record) of about ``--size-mb`` megabytes each on disk (the pages
repeated under different urls, as a crawl of republished wire copy is), and a smaller pair of about
``--small-mb``. For each file it runs, as separate processes, and prints and writes to
bench/results/robustness.json:

* ``rashomon extract FILE --format json`` (output to /dev/null) and ``rashomon ingest FILE`` into a new
  SQLite store (extraction, dedup, storing; the few distinct pages are analysed and clustered):
  articles/s and peak resident memory;
* the incumbent, in the same run: the loop people write by hand over the same file (``json.loads`` per
  line, or warcio's ``ArchiveIterator``, then ``trafilatura.extract`` on each page): articles/s and peak
  memory.

Memory is flat when the peak for the large file is about the peak for the small one.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "shared" / "data" / "extraction" / "scrapinghub"

_INCUMBENT = r"""
import gzip, json, sys
import trafilatura
path, kind = sys.argv[1], sys.argv[2]
count = 0
if kind == "jsonl":
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if trafilatura.extract(record["html"], url=record["url"]):
                count += 1
else:
    from warcio.archiveiterator import ArchiveIterator
    with open(path, "rb") as handle:
        for record in ArchiveIterator(handle):
            if record.rec_type == "response":
                html = record.content_stream().read().decode("utf-8", "replace")
                if trafilatura.extract(html, url=record.rec_headers.get_header("WARC-Target-URI")):
                    count += 1
print(count)
"""

_MEASURE = r"""
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
sys.stdout.write(f"{seconds} {peak} {done.returncode}\n")
sys.stdout.write(done.stderr.decode("utf-8", "replace")[-2000:])
"""


def _pages(root: Path) -> list[tuple[str, bytes]]:
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for name in sorted(truth):
        path = root / "html" / f"{name}.html.gz"
        if path.exists():
            pages.append(
                (truth[name].get("url") or f"https://bench.example/{name}", gzip.decompress(path.read_bytes()))
            )
    return pages


def _copy_url(url: str, copy: int) -> str:
    return f"{url}{'&' if '?' in url else '?'}copy={copy}" if copy else url


def write_jsonl(path: Path, pages: list[tuple[str, bytes]], size: int) -> int:
    written = records = copy = 0
    with open(path, "w", encoding="utf-8") as handle:
        while written < size:
            for url, html in pages:
                line = json.dumps({"url": _copy_url(url, copy), "html": html.decode("utf-8", "replace")}) + "\n"
                handle.write(line)
                written += len(line.encode("utf-8"))
                records += 1
                if written >= size:
                    break
            copy += 1
    return records


def write_warc(path: Path, pages: list[tuple[str, bytes]], size: int) -> int:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    written = records = copy = 0
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        while written < size:
            for url, html in pages:
                http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
                record = writer.create_warc_record(
                    _copy_url(url, copy), "response", payload=io.BytesIO(html), http_headers=http
                )
                writer.write_record(record)
                written = handle.tell()  # the file's own size, compressed
                records += 1
                if written >= size:
                    break
            copy += 1
    return records


def _measure(command: list[str]) -> dict[str, float]:
    """Wall time and the peak resident memory of the command (its largest process), in a fresh process."""
    done = subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, check=True)
    first, _, rest = done.stdout.partition("\n")
    seconds, peak_kb, code = first.split()
    if int(code) not in (0,):
        print(f"warning: {' '.join(command[:4])} exited {code}: {rest[-500:]}", file=sys.stderr)
    return {"seconds": float(seconds), "peak_mb": int(peak_kb) / 1024, "exit_code": int(code)}


def run(root: Path, size_mb: int, small_mb: int, skip_ingest: bool) -> dict[str, object]:
    pages = _pages(root)
    results: dict[str, object] = {"pages": len(pages)}
    env_rashomon = [sys.executable, "-m", "rashomon"]
    with tempfile.TemporaryDirectory(prefix="rashomon-bench-") as tmp:
        folder = Path(tmp)
        for label, megabytes in (("small", small_mb), ("large", size_mb)):
            for kind, writer in (("jsonl", write_jsonl), ("warc", write_warc)):
                path = folder / (f"{label}.jsonl" if kind == "jsonl" else f"{label}.warc.gz")
                records = writer(path, pages, megabytes * 1_000_000)
                entry: dict[str, object] = {"records": records, "file_mb": round(path.stat().st_size / 1e6, 1)}
                timings = {
                    "rashomon_extract": [*env_rashomon, "extract", str(path), "--format", "json", "--no-fetch"],
                    "incumbent": [sys.executable, "-c", _INCUMBENT, str(path), kind],
                }
                if not skip_ingest:
                    db = folder / f"{label}-{kind}.db"
                    timings["rashomon_ingest"] = [*env_rashomon, "ingest", str(path), "--db", str(db), "--no-fetch"]
                for name, command in timings.items():
                    measured = _measure(command)
                    measured["articles_per_s"] = records / measured["seconds"]
                    entry[name] = measured
                    print(
                        f"{label} {kind} ({entry['file_mb']} MB, {records} records) {name}: "
                        f"{measured['articles_per_s']:.1f} articles/s, peak {measured['peak_mb']:.0f} MB",
                        flush=True,
                    )
                    if name.startswith("rashomon_ingest"):
                        (folder / f"{label}-{kind}.db").unlink(missing_ok=True)
                extract = entry["rashomon_extract"]
                incumbent = entry["incumbent"]
                entry["extract_speed_ratio"] = extract["articles_per_s"] / incumbent["articles_per_s"]  # type: ignore[index]
                results[f"{label}_{kind}"] = entry
                path.unlink()
    for kind in ("jsonl", "warc"):
        small, large = results[f"small_{kind}"], results[f"large_{kind}"]
        for name in ("rashomon_extract", "rashomon_ingest", "incumbent"):
            if name in large:  # type: ignore[operator]
                ratio = large[name]["peak_mb"] / small[name]["peak_mb"]  # type: ignore[index]
                results[f"{kind}_{name}_peak_ratio_large_to_small"] = round(ratio, 3)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--size-mb", type=int, default=1024, help="size of the large files (MB of pages)")
    parser.add_argument("--small-mb", type=int, default=100, help="size of the small files, for the memory ratio")
    parser.add_argument("--skip-ingest", action="store_true", help="measure extract and the incumbent only")
    args = parser.parse_args(argv)
    if not (args.root / "ground-truth.json").exists():
        print(f"no benchmark data under {args.root}", file=sys.stderr)
        return 2
    started = time.time()
    results = run(args.root, args.size_mb, args.small_mb, args.skip_ingest)
    results["seconds"] = round(time.time() - started, 1)
    results["cpu_count"] = os.cpu_count()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "robustness.json").write_text(json.dumps(results, indent=2) + "\n")
    for kind in ("jsonl", "warc"):
        large = results[f"large_{kind}"]
        print(
            f"{kind}: extract {large['rashomon_extract']['articles_per_s']:.1f} articles/s vs incumbent "  # type: ignore[index]
            f"{large['incumbent']['articles_per_s']:.1f} (ratio {large['extract_speed_ratio']:.2f}); "  # type: ignore[index]
            f"peak memory large/small: extract {results[f'{kind}_rashomon_extract_peak_ratio_large_to_small']}, "
            f"incumbent {results[f'{kind}_incumbent_peak_ratio_large_to_small']}"
        )
    print(f"peak memory is for the largest single process; ru_maxrss; total {results['seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
