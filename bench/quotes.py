"""Quote benchmark on PolNeAR (dev): source, cue and content F1, exact and overlap; speaker resolution.

    python bench/quotes.py [--split dev] [--limit N] [--baseline REV]

``--baseline REV`` measures the code of that git revision too, in the same run (before / after).

Gold: ../shared/data/quotes/polnear/<split>/attributions/*.ann (brat standoff; one annotator's file per
article, the first by name when an article was annotated several times). Every predicted quotation gives
one (source, cue, content) triple of character spans; gold and predicted spans are matched one-to-one
per article and role:

* exact: same offsets after trimming surrounding whitespace and quote marks;
* overlap: the shared characters are at least 30 % of both the gold and the predicted span.

Published anchors on PolNeAR's test part (exact): CofeNet source 83.2, cue 75.3, content 72.9.

Speaker resolution is scored on bench/gold/polnear_speakers.jsonl (named speakers annotated for sources
written as pronouns or descriptions): for each gold source span, the predicted quotation whose source
span overlaps it; correct when its resolved speaker matches the annotated name (case-insensitive, surname
and first-name compatible). Results go to bench/results/quotes.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1] / "shared" / "data" / "quotes" / "polnear"
RESULTS = HERE / "results"
_TRIM = " \t\n\"'“”‘’.,;:"


def load_gold(split_dir: Path) -> dict[str, list[dict[str, list[tuple[int, int]]]]]:
    """Article file name -> list of relations {role: [spans]}."""
    chosen: dict[str, Path] = {}
    for ann in sorted((split_dir / "attributions").glob("*.ann")):
        stem = ann.stem.rsplit("_", 1)[0]
        chosen.setdefault(stem, ann)
    gold: dict[str, list[dict[str, list[tuple[int, int]]]]] = {}
    for stem, ann in chosen.items():
        text_file = split_dir / "text" / f"{stem}.txt"
        if not text_file.exists():
            continue
        spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
        relations = []
        for line in ann.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if parts[0].startswith("T") and len(parts) >= 2:
                kind, _, offsets = parts[1].partition(" ")
                pieces = [tuple(int(x) for x in piece.split()) for piece in offsets.split(";")]
                spans[parts[0]] = (kind, [(p[0], p[1]) for p in pieces])
            elif parts[0].startswith("E") and len(parts) >= 2:
                args = dict(arg.split(":", 1) for arg in parts[1].split() if ":" in arg)
                relation = {}
                for role in ("Source", "Cue", "Content"):
                    if role in args and args[role] in spans:
                        found = spans[args[role]][1]
                        relation[role] = [(min(s for s, _ in found), max(e for _, e in found))]
                relations.append(relation)
        gold[text_file.name] = relations
    return gold


def _trim(text: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end


def _match(gold: list[tuple[int, int]], pred: list[tuple[int, int]], exact: bool) -> int:
    used = set()
    hits = 0
    for g in gold:
        for i, p in enumerate(pred):
            if i in used:
                continue
            if exact:
                ok = g == p
            else:
                shared = max(0, min(g[1], p[1]) - max(g[0], p[0]))
                ok = shared >= 0.3 * (g[1] - g[0]) and shared >= 0.3 * (p[1] - p[0]) and shared > 0
            if ok:
                used.add(i)
                hits += 1
                break
    return hits


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4)}


def _names_match(predicted: str | None, gold: str) -> bool:
    if not predicted:
        return False
    a = predicted.lower().replace(".", "").split()
    b = gold.lower().replace(".", "").split()
    a, b = a[1:] if a[:1] == ["the"] else a, b[1:] if b[:1] == ["the"] else b  # "The Washington Post"
    if not a or not b:
        return False
    if a[-1] != b[-1]:
        return " ".join(a) == " ".join(b)
    return len(a) == 1 or len(b) == 1 or a[0] == b[0] or a[0][0] == b[0][0]


PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "us", "one"}
DOCUMENTS = {
    "statement",
    "report",
    "release",
    "letter",
    "study",
    "survey",
    "poll",
    "memo",
    "transcript",
    "filing",
    "complaint",
    "document",
    "documents",
    "email",
    "e-mail",
    "tweet",
    "post",
    "website",
    "analysis",
    "data",
    "records",
    "lawsuit",
    "ruling",
    "order",
    "indictment",
    "affidavit",
    "book",
    "article",
    "video",
    "ad",
}
ANONYMOUS = {
    "officials",
    "official",
    "sources",
    "source",
    "aides",
    "aide",
    "people",
    "experts",
    "analysts",
    "critics",
    "observers",
    "insiders",
    "person",
    "someone",
    "many",
    "some",
    "others",
    "residents",
    "witnesses",
}


def written_as(text: str, entity_label: str | None) -> str:
    """How a source is written: name, surname, pronoun, role, organisation, document, anonymous."""
    words = [w.strip(".,'’\"") for w in text.split()]
    words = [w for w in words if w]
    lower = [w.lower() for w in words]
    if not words:
        return "other"
    if len(words) == 1 and lower[0] in PRONOUNS:
        return "pronoun"
    if entity_label == "PERSON":
        return "name" if len(words) >= 2 else "surname"
    if entity_label in ("ORG", "GPE", "NORP"):
        return "organisation"
    if any(w in DOCUMENTS for w in lower[-2:]):
        return "document"
    if lower[-1] in ANONYMOUS or lower[0] in ("a", "an", "some", "several", "two", "three", "many"):
        return "anonymous"
    if words[0][:1].isupper() and lower[0] not in ("the", "a", "an", "his", "her", "their", "its"):
        return "name" if len(words) >= 2 else "surname"
    return "role"


def measure(args: argparse.Namespace) -> dict[str, object]:
    """Every figure of one run of the code on the import path (this checkout, or --baseline's)."""
    from rashomon.analyse.core import analyse_articles
    from rashomon.records import Article
    from rashomon.settings import Settings

    split_dir = args.root / args.split
    gold = load_gold(split_dir)
    names = sorted(gold)[: args.limit]
    texts = {n: (split_dir / "text" / n).read_text(encoding="utf-8") for n in names}
    articles = [Article(id=n, source=n, text=texts[n]) for n in names]
    started = time.perf_counter()
    analyses = {a.article.id: a.analysis for a in analyse_articles(articles, Settings())}
    elapsed = time.perf_counter() - started

    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for name in names:
        text = texts[name]
        relations = gold[name]
        for scope in ("all", "speech"):
            quotes = [q for q in analyses[name].quotes if scope == "all" or q.kind != "belief"]
            predicted = {
                "Source": [
                    _trim(text, (q.speaker_start, q.speaker_end)) for q in quotes if q.speaker_start is not None
                ],
                "Cue": [_trim(text, (q.cue_start, q.cue_end)) for q in quotes if q.cue_start is not None],
                "Content": [_trim(text, (q.start, q.end)) for q in quotes],
            }
            for role in ("Source", "Cue", "Content"):
                gold_spans = [_trim(text, s) for r in relations for s in r.get(role, [])]
                for mode in ("exact", "overlap"):
                    key = f"{role}/{mode}" if scope == "all" else f"speech only/{role}/{mode}"
                    counts[key]["tp"] += _match(gold_spans, predicted[role], exact=mode == "exact")
                    counts[key]["pred"] += len(predicted[role])
                    counts[key]["gold"] += len(gold_spans)
    results: dict[str, object] = {"split": args.split, "articles": len(names), "seconds": round(elapsed, 2)}
    for key, c in sorted(counts.items()):
        results[key] = _prf(c["tp"], c["pred"], c["gold"])
    results["quotes_by_kind"] = dict(sorted(Counter(q.kind for a in analyses.values() for q in a.quotes).items()))

    # Speaker resolution on the annotated pronoun/description sources.
    gold_file = HERE / "gold" / "polnear_speakers.jsonl"
    annotated: dict[tuple[str, int, int], str] = {}
    resolved = total = found = 0
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    if gold_file.exists():
        rows = [json.loads(line) for line in gold_file.read_text().splitlines() if line.strip()]
        rows = [r for r in rows if r["split"] == args.split and r["file"] in analyses and r.get("speaker")]
        for row in rows:
            total += 1
            span = (row["source_start"], row["source_end"])
            annotated[(row["file"], *span)] = row["speaker"]
            hit = _quote_at(analyses[row["file"]].quotes, span)
            ok = hit is not None and _names_match(hit.speaker, row["speaker"])
            resolved += ok
            found += hit is not None
            kind = row.get("source_kind", "other")
            by_kind[kind][0] += ok
            by_kind[kind][1] += 1
        results["speaker_resolution"] = {
            "annotated": total,
            "correct": resolved,
            "accuracy": round(resolved / total, 4) if total else None,
            "quote_found": found,
            "accuracy_where_found": round(resolved / found, 4) if found else None,
            "by_source_kind": {k: {"correct": v[0], "total": v[1]} for k, v in by_kind.items()},
        }
    results["speakers_by_how_written"] = speakers_by_how_written(names, texts, gold, analyses, annotated)
    return results


def _quote_at(quotes, span):  # type: ignore[no-untyped-def]
    return next(
        (
            q
            for q in quotes
            if q.speaker_start is not None and min(q.speaker_end, span[1]) > max(q.speaker_start, span[0])
        ),
        None,
    )


def speakers_by_how_written(names, texts, gold, analyses, annotated) -> dict[str, dict[str, object]]:  # type: ignore[no-untyped-def]
    """Every gold source, by how it is written, with the quotation found at it and whether its speaker is right:
    a name must come out as that name; a surname as a full name ending in it (joined to the person); an
    organisation as itself; pronouns and descriptions by the annotated speaker (bench/gold), where annotated.
    Documents and anonymous sources have no annotated speaker: only whether the quotation was found, and for
    documents how often an issuer was named instead of the document."""
    table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for name in names:
        text = texts[name]
        analysis = analyses[name]
        mentions = [(m.start, m.end, e.type, m.text) for e in analysis.entities for m in e.mentions]
        for relation in gold[name]:
            for span in relation.get("Source", []):
                start, end = _trim(text, span)
                written = text[start:end]
                mention = next(((t, w) for s, e, t, w in mentions if min(e, end) > max(s, start)), (None, ""))
                label = mention[0]
                if label in ("PERSON", "ORG", "GPE", "NORP"):
                    written = mention[1]  # the name inside the source ("Republican nominee Donald Trump")
                kind = written_as(written, label)
                row = table[kind]
                row["sources"] += 1
                hit = _quote_at(analysis.quotes, (start, end))
                if hit is None:
                    continue
                row["found"] += 1
                speaker = hit.speaker or ""
                key = (name, span[0], span[1])
                if kind == "name":
                    ok = _names_match(speaker, written)
                elif kind == "surname":
                    ok = len(speaker.split()) >= 2 and speaker.split()[-1].lower() == written.split()[-1].lower()
                elif kind == "organisation":
                    ok = bool(speaker) and (speaker.lower() in written.lower() or written.lower() in speaker.lower())
                elif key in annotated:
                    ok = _names_match(speaker, annotated[key])
                else:
                    if kind == "document" and speaker and speaker.lower() not in written.lower():
                        row["issuer_named"] += 1
                    continue
                row["judged"] += 1
                row["correct"] += int(ok)
    out: dict[str, dict[str, object]] = {}
    for kind in ("name", "surname", "pronoun", "role", "organisation", "document", "anonymous", "other"):
        if kind not in table:
            continue
        row = table[kind]
        out[kind] = {
            **dict(row),
            "accuracy_where_found": round(row["correct"] / row["judged"], 4) if row.get("judged") else None,
        }
    return out


def _baseline(rev: str, args: argparse.Namespace) -> dict[str, object]:
    """The same measurement with the code of git revision REV (exported to a temporary directory and put
    first on the import path of a child process): before and after in one run."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(
            ["git", "-C", str(HERE.parent), "archive", rev, "src"], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        out = Path(tmp) / "result.json"
        command = [sys.executable, __file__, "--root", str(args.root), "--split", args.split, "--json-to", str(out)]
        if args.limit:
            command += ["--limit", str(args.limit)]
        env = {**os.environ, "PYTHONPATH": str(Path(tmp) / "src")}
        subprocess.run(command, check=True, env=env)
        return json.loads(out.read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--split", default="dev")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--baseline", metavar="REV", help="also measure the code of this git revision (before)")
    parser.add_argument("--json-to", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    split_dir = args.root / args.split
    if not split_dir.exists():
        print(f"no PolNeAR data under {split_dir}", file=sys.stderr)
        return 2
    results = measure(args)
    if args.json_to:
        args.json_to.write_text(json.dumps(results))
        return 0
    runs = [("now", results)]
    if args.baseline:
        before = _baseline(args.baseline, args)
        results = {**results, "baseline": {"revision": args.baseline, **before}}
        runs.insert(0, (f"before ({args.baseline})", before))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "quotes.json").write_text(json.dumps(results, indent=2) + "\n")
    for label, run in runs:
        print(f"== {label}: PolNeAR {args.split}, {run['articles']} articles in {run['seconds']:.1f} s")
        print(f"{'':22} {'exact P/R/F1':>24} {'overlap P/R/F1':>24}")
        for prefix in ("", "speech only/"):
            for role in ("Source", "Cue", "Content"):
                if f"{prefix}{role}/exact" not in run:
                    continue
                e, o = run[f"{prefix}{role}/exact"], run[f"{prefix}{role}/overlap"]
                print(
                    f"{prefix + role:22} {e['precision']:>8.3f}{e['recall']:>8.3f}{e['f1']:>8.3f} "
                    f"{o['precision']:>8.3f}{o['recall']:>8.3f}{o['f1']:>8.3f}"
                )
        resolution = run.get("speaker_resolution")
        if resolution and resolution["annotated"]:
            print(
                f"speaker resolution: {resolution['correct']}/{resolution['annotated']} = {resolution['accuracy']:.3f} "
                f"of annotated sources; {resolution['accuracy_where_found']:.3f} where the quote was found "
                f"({resolution['by_source_kind']})"
            )
        table = run.get("speakers_by_how_written")
        if table:
            print(f"{'written as':14}{'sources':>9}{'found':>8}{'judged':>8}{'correct':>9}{'accuracy':>10}")
            for kind, row in table.items():
                accuracy = row["accuracy_where_found"]
                print(
                    f"{kind:14}{row.get('sources', 0):>9}{row.get('found', 0):>8}{row.get('judged', 0):>8}"
                    f"{row.get('correct', 0):>9}{accuracy if accuracy is not None else '—':>10}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
