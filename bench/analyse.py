"""Analysis throughput benchmark: ``rashomon analyse`` against spaCy's ``nlp.pipe`` alone, in one run.

    python bench/analyse.py [--limit 400] [--repeat 3] [--batch-size N] [--profile N]

Texts: the PolNeAR articles (../shared/data/quotes/polnear/{train,dev}/text/*.txt), the first --limit by
file name, copied as .txt files into a temporary folder so that every process reads the same inputs. The
model is the one Rashomon uses (``rashomon.analyse.nlp.load_model()``). Timings are wall clock
(``time.perf_counter``); the runs alternate and each figure is the best of --repeat runs.

Whole processes (start-up, imports and model load included):

* (a) ``rashomon analyse <folder> --format json > out.json`` (the console script next to this Python, else
  the same entry point through ``python -c``; ``python -m rashomon.present.cli`` has no ``__main__`` block
  and does nothing): the user-facing command (reading, extraction, model load, parse on two cores from
  200 articles on, entities, quotes, speakers, dates, claims, JSON output);
* (b) a ``python -c`` process that loads the model the same way, reads the same folder and runs
  ``for doc in nlp.pipe(texts, batch_size=B): pass`` on one process (the incumbent cost).

In this process (no start-up, no extraction; both over the extracted article texts):

* (c) ``analyse_articles(articles, settings, nlp=nlp, n_process=1)``;
* (d) ``nlp.pipe(texts, batch_size=B)`` with a separately loaded copy of the same model.

Tokens are counted once per text set: (b) over the files as read (it prints ``len(doc)`` summed), (a), (c)
and (d) over the extracted article texts (extraction drops a title line or a short header from some files,
so these are a little fewer). tokens/s = tokens / best seconds; the ratios (a)/(b) and (c)/(d) are of
tokens/s. The issue's target is (a)/(b) >= 0.75.

Each run also records its CPU seconds (a process with the workers it waited for; this process's own for (c)
and (d)), and the 1-minute load average is recorded before the runs and after each round: on a small
machine another busy process takes a core from the two-process run (a) first, so check the load before
trusting a ratio.

--profile N runs cProfile on ``analyse_articles`` over the first N articles (after the timings) and prints
the top cumulative entries inside src/rashomon/analyse/, and the functions outside it (spaCy's) that the
analyse/ code spends most time calling, with their callers.

Prints the figures and writes them to bench/results/analyse.json. Exit code 2 when the texts are absent.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import linecache
import os
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = Path(__file__).resolve().parents[2] / "shared" / "data" / "quotes" / "polnear"
RESULTS = HERE / "results"
SPLITS = ("train", "dev")

# (b): the bare spaCy process. argv: folder, batch size, model. Prints the token count.
BASELINE = """
import sys
from pathlib import Path
from rashomon.analyse.nlp import load_model
nlp = load_model(sys.argv[3])
texts = [p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[1]).glob("*.txt"))]
tokens = 0
for doc in nlp.pipe(texts, batch_size=int(sys.argv[2])):
    tokens += len(doc)
print(tokens)
"""


def find_texts(root: Path, limit: int) -> list[Path]:
    files = [p for split in SPLITS for p in (root / split / "text").glob("*.txt")]
    return sorted(files, key=lambda p: (p.name, str(p)))[:limit]


def copy_texts(files: list[Path], folder: Path) -> None:
    for number, path in enumerate(files):
        # The index keeps the name order and keeps a name found in both splits apart.
        shutil.copyfile(path, folder / f"{number:05d}_{path.name}")


def rashomon_command() -> list[str]:
    """The installed ``rashomon`` console script of this interpreter, else its entry point through python -c."""
    script = Path(sys.executable).with_name("rashomon")
    if script.exists():
        return [str(script)]
    found = shutil.which("rashomon")
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; from rashomon.present.cli import app; sys.argv[0] = 'rashomon'; app()"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_process(command: list[str], stdout_path: Path, cwd: Path) -> tuple[float, float]:
    """Wall seconds and CPU seconds (the process and the workers it waited for) of one command."""
    with stdout_path.open("wb") as stdout:
        cpu = _children_cpu()
        start = time.perf_counter()
        done = subprocess.run(command, stdout=stdout, stderr=subprocess.PIPE, cwd=cwd, check=False)
        seconds = time.perf_counter() - start
        cpu = _children_cpu() - cpu
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])} ... exited {done.returncode}: {done.stderr.decode()[-2000:]}")
    return seconds, cpu


def load_average() -> float | None:
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None


def rate(tokens: int, seconds: float) -> float:
    return tokens / seconds if seconds > 0 else 0.0


def _in_analyse(filename: str) -> bool:
    return f"rashomon{os.sep}analyse{os.sep}" in filename


def _label(key: tuple[str, int, str]) -> str:
    """file:line(function); a Cython property getter (``__get__``) is named after the property."""
    filename, line, name = key
    if filename == "~":
        return name
    if name == "__get__" and filename.endswith(".pyx"):
        source = _source_file(filename)
        for number in range(line, line + 3):
            text = linecache.getline(source, number).strip()
            if text.startswith("def "):
                name = f"{Path(filename).stem}.{text[4:].split('(')[0]} (property)"
                break
    return f"{Path(filename).name}:{line}({name})"


def _source_file(filename: str) -> str:
    """The installed path of a Cython source named relative to site-packages (``spacy/tokens/doc.pyx``)."""
    if Path(filename).is_absolute():
        return filename
    import spacy

    return str(Path(spacy.__file__).resolve().parents[1] / filename)


def profile(articles: list, settings, nlp, top: int = 25) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """cProfile of analyse_articles: the top cumulative entries inside src/rashomon/analyse/, and the
    functions with the most own time anywhere with the analyse/ functions that call them.

    cProfile inflates many small calls (spaCy's Cython generators among them) several times over: read
    the shares, not the seconds.
    """
    from rashomon.analyse.core import analyse_articles

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in analyse_articles(articles, settings, nlp=nlp, n_process=1):
        pass
    profiler.disable()
    stats = pstats.Stats(profiler)
    table = stats.stats  # type: ignore[attr-defined]
    total = stats.total_tt  # type: ignore[attr-defined]
    ours = []
    for key, (_cc, calls, own, cumulative, _callers) in table.items():
        if _in_analyse(key[0]):
            ours.append(
                {
                    "function": _label(key),
                    "calls": calls,
                    "cumulative_s": round(cumulative, 3),
                    "own_s": round(own, 3),
                    "cumulative_share": round(cumulative / total, 3) if total else 0.0,
                }
            )
    ours.sort(key=lambda r: -float(r["cumulative_s"]))  # type: ignore[arg-type]
    # Functions outside analyse/ by the time spent in calls made to them from analyse/ code.
    external: dict[tuple[str, int, str], list] = {}
    for key, (_cc, calls, _own, _cumulative, callers) in table.items():
        if _in_analyse(key[0]):
            continue
        edges = sorted(
            ((caller, figures[3]) for caller, figures in callers.items() if _in_analyse(caller[0])),
            key=lambda item: -item[1],
        )
        if edges:
            external[key] = [sum(seconds for _, seconds in edges), calls, edges]
    hottest = []
    for key, (seconds, calls, edges) in sorted(external.items(), key=lambda kv: -kv[1][0])[:6]:
        edges = [edge for edge in edges if edge[1] >= 0.005 * total] or edges[:1]
        hottest.append(
            {
                "function": _label(key),
                "calls": calls,
                "cumulative_s": round(seconds, 3),
                "cumulative_share": round(seconds / total, 3) if total else 0.0,
                "called_from": [f"{_label(caller)} {sec:.2f} s" for caller, sec in edges[:5]],
            }
        )
    print(f"\nprofile: analyse_articles over {len(articles)} articles, {total:.2f} s under cProfile")
    print(f"{'cumulative s':>12} {'own s':>8} {'share':>6} {'calls':>8}  function (src/rashomon/analyse/)")
    for row in ours[:top]:
        print(
            f"{row['cumulative_s']:>12.3f} {row['own_s']:>8.3f} {row['cumulative_share']:>6.1%} "
            f"{row['calls']:>8}  {row['function']}"
        )
    print("outside analyse/, by the time of the calls analyse/ makes to them (cumulative seconds per caller):")
    for row in hottest:
        print(f"{row['cumulative_s']:>12.3f} {row['cumulative_share']:>6.1%} {row['calls']:>10}  {row['function']}")
        for caller in row["called_from"]:  # type: ignore[attr-defined]
            print(f"{'':>30}<- {caller}")
    return {"articles": len(articles), "seconds": round(total, 3), "top_cumulative": ours[:top], "top_called": hottest}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--limit", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--batch-size", type=int, default=16, help="nlp.pipe batch size of (b) and (d); analyse_articles uses 16."
    )
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="Profile analyse_articles on N articles.")
    args = parser.parse_args(argv)

    files = find_texts(args.root, args.limit)
    if not files:
        print(f"no PolNeAR texts under {args.root}/{{{','.join(SPLITS)}}}/text: skipped", file=sys.stderr)
        return 2

    from rashomon.analyse.core import analyse_articles, prepare
    from rashomon.analyse.nlp import load_model
    from rashomon.pipeline import _processes, extract_articles
    from rashomon.records import Failure
    from rashomon.settings import Settings

    settings = Settings()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="rashomon-bench-") as tmp:
        work = Path(tmp)
        folder = work / "texts"
        folder.mkdir()
        copy_texts(files, folder)

        extracted = list(extract_articles([str(folder)], settings))
        articles = [a for a in extracted if not isinstance(a, Failure)]
        failed = len(extracted) - len(articles)
        texts = [a.text for a in articles]
        # Two copies of the model: analyse_articles adds its paragraph component to the one it is given.
        nlp_rashomon = prepare(load_model(settings.model))
        nlp_bare = load_model.__wrapped__(settings.model)

        command_a = [*rashomon_command(), "analyse", str(folder), "--format", "json"]
        command_b = [sys.executable, "-c", BASELINE, str(folder), str(args.batch_size), settings.model]
        best = dict.fromkeys("abcd", float("inf"))
        runs: dict[str, list[float]] = {k: [] for k in "abcd"}
        cpu: dict[str, list[float]] = {k: [] for k in "abcd"}
        loads: list[float | None] = [load_average()]
        if (loads[0] or 0.0) >= 0.5:
            print(f"warning: load average {loads[0]} before the runs: another process is busy", file=sys.stderr)
        tokens_raw = tokens_articles = tokens_analysed = 0
        json_articles = 0
        for round_number in range(1, args.repeat + 1):
            seconds, used = run_process(command_b, work / "b.out", work)
            tokens_raw = int((work / "b.out").read_text().strip())
            runs["b"].append(seconds)
            cpu["b"].append(used)

            seconds, used = run_process(command_a, work / "a.json", work)
            json_articles = len(json.loads((work / "a.json").read_text(encoding="utf-8"))["articles"])
            runs["a"].append(seconds)
            cpu["a"].append(used)

            start, used = time.perf_counter(), time.process_time()
            tokens_articles = 0
            for doc in nlp_bare.pipe(texts, batch_size=args.batch_size):
                tokens_articles += len(doc)
            runs["d"].append(time.perf_counter() - start)
            cpu["d"].append(time.process_time() - used)

            start, used = time.perf_counter(), time.process_time()
            tokens_analysed = 0
            for item in analyse_articles(articles, settings, nlp=nlp_rashomon, n_process=1):
                tokens_analysed += item.analysis.tokens
            runs["c"].append(time.perf_counter() - start)
            cpu["c"].append(time.process_time() - used)
            loads.append(load_average())

            print(
                f"round {round_number}/{args.repeat}: "
                + ", ".join(f"({k}) {runs[k][-1]:.2f} s ({cpu[k][-1]:.2f} s CPU)" for k in "abcd")
                + f"; load average {loads[-1]}",
                file=sys.stderr,
            )
        for key in "abcd":
            best[key] = min(runs[key])

        profiled: dict[str, object] = {}
        if args.profile:
            profiled = profile(articles[: args.profile], settings, nlp_rashomon)

    if json_articles != len(articles):
        print(f"warning: the command analysed {json_articles} articles, extraction here gave {len(articles)}")
    if tokens_analysed != tokens_articles:
        print(f"warning: analyse_articles counted {tokens_analysed} tokens, nlp.pipe {tokens_articles}")

    tokens = {"a": tokens_articles, "b": tokens_raw, "c": tokens_articles, "d": tokens_articles}
    per_second = {k: rate(tokens[k], best[k]) for k in "abcd"}
    ratio_process = per_second["a"] / per_second["b"] if per_second["b"] else 0.0
    ratio_inprocess = per_second["c"] / per_second["d"] if per_second["d"] else 0.0
    labels = {
        "a": "rashomon analyse --format json (process)",
        "b": "nlp.pipe alone (process)",
        "c": "analyse_articles n_process=1 (in-process)",
        "d": "nlp.pipe alone (in-process)",
    }
    print(
        f"{len(files)} texts ({len(articles)} articles extracted, {failed} failed); "
        f"{tokens_raw:,} tokens in the files, {tokens_articles:,} in the article texts; "
        f"{os.cpu_count()} CPUs; best of {args.repeat}"
    )
    for key in "abcd":
        print(f"({key}) {labels[key]:<44} {best[key]:8.2f} s {per_second[key]:10,.0f} tokens/s")
    verdict = "meets" if ratio_process >= 0.75 else "below"
    processes = _processes(len(articles))
    print(f"(a)/(b) = {ratio_process:.3f}  ({verdict} the 0.75 target; (a) parses on {processes} processes)")
    print(f"(c)/(d) = {ratio_inprocess:.3f}  (analysis overhead over the parse: {1 / ratio_inprocess - 1:+.1%} time)")

    results: dict[str, object] = {
        "texts": len(files),
        "articles": len(articles),
        "failed": failed,
        "tokens_files": tokens_raw,
        "tokens_articles": tokens_articles,
        "cpu_count": os.cpu_count(),
        "cpu_affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "repeat": args.repeat,
        "batch_size": args.batch_size,
        "n_process_a": processes,
        "command_a": ("rashomon" if len(command_a) == 5 else "python -c <entry point>")
        + " analyse <folder> --format json",
        "model": nlp_bare.meta.get("name"),
        "model_version": nlp_bare.meta.get("version"),
        "python": sys.version.split()[0],
        "runs": {
            key: {
                "label": labels[key],
                "tokens": tokens[key],
                "best_seconds": round(best[key], 3),
                "seconds": [round(s, 3) for s in runs[key]],
                "cpu_seconds": [round(s, 3) for s in cpu[key]],
                "tokens_per_second": round(per_second[key], 1),
            }
            for key in "abcd"
        },
        "ratio_a_b": round(ratio_process, 4),
        "ratio_c_d": round(ratio_inprocess, 4),
        "target_a_b": 0.75,
        "load_average_1min": loads,  # before the runs, then after each round
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    if profiled:
        results["profile"] = profiled
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "analyse.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"written to {RESULTS / 'analyse.json'} ({results['total_seconds']} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
