"""Large events: comparing each report with its nearest reports against comparing every pair of reports.

    python bench/large_events.py [--articles 2000] [--events 3] [--work DIR]

Input: bench/scale.py's input of ``--articles`` articles (Scrapinghub pages and passages of the ECB+ and
PolNeAR development articles, never their held-out parts), grouped by the single-process pipeline
(``cluster_sources``). Its ``--events`` largest events of two or more outlets are each compared twice, in
a fresh process each (so that the peak memory is the comparison's): as `rashomon compare` does (the
incumbent of small events: every pair of reports up to ``NEIGHBOUR_ARTICLES + 1`` reports, each report with
its ``NEIGHBOUR_ARTICLES`` most similar ones beyond), and with the bound lifted (every pair of reports: the
incumbent of large events, what `rashomon compare` did before the bound).

Measured per event: seconds and peak memory (RSS) of each, candidate pairs scored, and how far the bounded
comparison agrees with the every-pair one (there is no gold for events this large: the every-pair
alignment is the reference): B-cubed precision, recall and F1 of its claim groups, the cross-report links
(pairs of claims in one group) both make, and the share of the every-pair conflicts it finds, and of its
conflicts the every-pair one finds. Results go to bench/results/large_events.json.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
RESULTS = HERE / "results"


def compare_in_child(data: Path, index: int, every_pair: bool, output: Path) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(data), str(index), str(int(every_pair))]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"comparison failed: {done.stderr[-2000:]}")
    result = json.loads(done.stdout)
    output.write_text(json.dumps(result.pop("compared")), encoding="utf-8")
    return result


def child(data: str, index: str, every_pair: str) -> None:
    """``--child``: compare one event (with the bound lifted when ``every_pair``), print the result, the
    seconds, the candidate pairs and the peak memory as one JSON object."""
    from rashomon.compare import align
    from rashomon.pipeline import compare_one
    from rashomon.settings import Settings

    events = pickle.loads(Path(data).read_bytes())
    event, items = events[int(index)]
    if every_pair == "1":
        align.NEIGHBOUR_ARTICLES = 10**9
    counted: list[int] = []
    candidates = align._candidates

    def counting(*args: Any) -> list[tuple[int, int]]:
        found = candidates(*args)
        counted.append(len(found))
        return found

    align._candidates = counting
    start = time.perf_counter()
    compared = compare_one(event, items, Settings())
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "seconds": round(seconds, 2),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "candidate_pairs": sum(counted),
                "nearest_reports": compared.nearest_reports,
                "compared": compared.to_dict(),
            }
        )
    )


def agreement(bounded: dict[str, Any], every: dict[str, Any]) -> dict[str, Any]:
    """How far the bounded comparison's claim groups and conflicts agree with the every-pair one's."""
    from events import bcubed  # bench/events.py

    def groups(compared: dict[str, Any]) -> list[list[str]]:
        return [[f"{s['article_id']}:{s['claim_id']}" for s in g["statements"]] for g in compared["claims"]]

    def links(compared: dict[str, Any]) -> set[tuple[str, str]]:
        found = set()
        for group in groups(compared):
            ordered = sorted(group)
            for n, a in enumerate(ordered):
                found.update((a, b) for b in ordered[n + 1 :] if a.split(":")[0] != b.split(":")[0])
        return found

    def conflicts(compared: dict[str, Any]) -> set[tuple[str, ...]]:
        return {tuple(sorted(c)) for g in compared["claims"] for c in g["conflicts"]}

    truth = {claim: str(n) for n, group in enumerate(groups(every)) for claim in group}
    b_links, e_links = links(bounded), links(every)
    b_conflicts, e_conflicts = conflicts(bounded), conflicts(every)
    return {
        "claim_groups_bcubed": bcubed(groups(bounded), truth),
        "groups": {"bounded": len(bounded["claims"]), "every_pair": len(every["claims"])},
        "links": {"bounded": len(b_links), "every_pair": len(e_links), "both": len(b_links & e_links)},
        "conflicts": {
            "bounded": len(b_conflicts),
            "every_pair": len(e_conflicts),
            "both": len(b_conflicts & e_conflicts),
        },
        "every_pair_conflicts_found": round(len(b_conflicts & e_conflicts) / max(1, len(e_conflicts)), 3),
        "bounded_conflicts_confirmed": round(len(b_conflicts & e_conflicts) / max(1, len(b_conflicts)), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--events", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    from rashomon.compare.align import NEIGHBOUR_ARTICLES
    from rashomon.pipeline import cluster_sources, comparable
    from rashomon.settings import Settings
    from scale import bench_input  # bench/scale.py

    work, folder, count = bench_input(args.work, args.articles, "rashomon-large-")
    os.environ.setdefault("RASHOMON_DB", str(work / "absent.db"))
    events, analysed, _ = cluster_sources([str(folder)], Settings())
    by_id = {item.article.id: item for item in analysed}
    largest = sorted((e for e in events if comparable(e)), key=lambda e: (-len(e.articles), e.id))[: args.events]
    data = work / "events.pickle"
    data.write_bytes(pickle.dumps([(e, [by_id[a.article_id] for a in e.articles]) for e in largest]))
    rows = []
    for index, event in enumerate(largest):
        bounded = compare_in_child(data, index, False, work / f"bounded-{index}.json")
        every = compare_in_child(data, index, True, work / f"every-{index}.json")
        row = {
            "reports": len(event.articles),
            "claims": sum(len(by_id[a.article_id].analysis.claims) for a in event.articles),
            "bounded": bounded,
            "every_pair": every,
            "seconds_ratio": round(every["seconds"] / max(bounded["seconds"], 1e-9), 2),
            "agreement": agreement(
                json.loads((work / f"bounded-{index}.json").read_text(encoding="utf-8")),
                json.loads((work / f"every-{index}.json").read_text(encoding="utf-8")),
            ),
        }
        rows.append(row)
        f1 = row["agreement"]["claim_groups_bcubed"]["f1"]
        print(
            f"event of {row['reports']} reports ({row['claims']} claims): bounded {bounded['seconds']} s "
            f"{bounded['peak_rss_mb']} MB, every pair {every['seconds']} s {every['peak_rss_mb']} MB; "
            f"claim groups B3 F1 {f1}",
            file=sys.stderr,
        )
    result = {
        "articles": count,
        "neighbour_reports": NEIGHBOUR_ARTICLES,
        "events": rows,
        "command": f"python bench/large_events.py --articles {args.articles} --events {args.events}",
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "large_events.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
