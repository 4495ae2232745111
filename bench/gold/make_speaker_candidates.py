#!/usr/bin/env python3
"""List PolNeAR attributions whose Source span is a pronoun or a description.

These are the candidates for the speaker-resolution gold set
(``polnear_speakers.jsonl``): attributions whose source, as written, is "he",
"she", "they", "the official", "a spokesman", "the Republican nominee", "his
campaign"... and so needs resolving to a named speaker.

The corpus is third-party text and is never copied into the repository: it is
read at run time from ``../shared/data/quotes/polnear`` (relative to the repo
root), or from ``--data-dir``.

Usage::

    python bench/gold/make_speaker_candidates.py                 # dev, text report
    python bench/gold/make_speaker_candidates.py --split train --format jsonl
    python bench/gold/make_speaker_candidates.py --check-gold bench/gold/polnear_speakers.jsonl

brat standoff offsets in PolNeAR are offsets into the UTF-8 text decoded as a
Python ``str`` (verified by slicing: all but 3 of ~95k spans match exactly).
Discontinuous spans ("Source 10 20;25 30") are kept as a list of fragments;
their text is the fragments joined by a space, as brat writes it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "quotes" / "polnear"

# --------------------------------------------------------------------------
# Source-span classification
# --------------------------------------------------------------------------

# fmt: off
PERSONAL_PRONOUNS = {
    "he", "she", "they", "him", "her", "them", "his", "hers", "their", "theirs",
    "it", "its", "we", "us", "our", "i", "me", "my", "you", "your",
    "himself", "herself", "themselves", "itself", "ourselves", "myself",
}
RELATIVE_PRONOUNS = {"who", "whom", "whose", "which", "that"}
OTHER_PRONOUNS = {"one", "others", "another", "some", "many", "most", "both", "each",
                  "all", "few", "several", "none", "someone", "somebody", "everyone"}

DETERMINERS = {
    "the", "a", "an", "this", "that", "these", "those", "another", "other", "one",
    "some", "several", "many", "most", "two", "three", "four", "five", "both",
    "his", "her", "their", "its", "our", "my", "your", "each", "every", "no",
    "such", "any", "all", "few", "more", "top",
}
# Capitalised words that do not make a phrase a name ("the Republican nominee",
# "the former Secretary of State", "a GOP strategist").
CAPITALISED_NON_NAMES = {
    "republican", "republicans", "democratic", "democrat", "democrats", "gop",
    "u.s.", "us", "american", "americans", "secretary", "state", "president",
    "vice", "senator", "sen.", "governor", "gov.", "rep.", "representative",
    "congressman", "congresswoman", "speaker", "senate", "house", "party",
    "chairman", "chairwoman", "director", "attorney", "general", "justice",
    "supreme", "court", "federal", "national", "independent", "libertarian",
    "green", "presidential", "former", "first", "lady", "mr.", "mrs.", "ms.",
    "campaign", "committee", "department", "officials", "official", "chief",
    "executive", "minister", "prime", "press", "spokesman", "spokeswoman",
    "administration", "nominee", "candidate", "i",
}
# words after which the head noun has been passed ("the head of ...")
POSTMOD = {"of", "who", "that", "for", "at", "in", "with", "from", "on", "to",
           "whose", "which", "and", ",", "--", "—"}
# fmt: on


def _tokens(s: str) -> list[str]:
    return re.findall(r"[\w.'’-]+|[,—]|--", s)


def classify_source(text: str) -> str | None:
    """Return 'pronoun', 'relative', 'description' or None (a name / other)."""
    s = " ".join(text.split())
    toks = _tokens(s)
    if not toks:
        return None
    low = [t.lower() for t in toks]
    if len(toks) == 1 and low[0] in PERSONAL_PRONOUNS:
        return "pronoun"
    if len(toks) <= 3 and all(t in PERSONAL_PRONOUNS or t == "and" for t in low):
        return "pronoun"  # "he and she", "she and her"
    if len(toks) == 1 and low[0] in RELATIVE_PRONOUNS:
        return "relative"
    if len(toks) == 1 and low[0] in OTHER_PRONOUNS:
        return "description"
    # description: no capitalised word that could be (part of) a name
    for i, t in enumerate(toks):
        if not t[:1].isupper():
            continue
        if i == 0 and (low[0] in DETERMINERS or low[0] in PERSONAL_PRONOUNS):
            continue
        if low[i] in CAPITALISED_NON_NAMES:
            continue
        return None
    # head noun (last token before a post-modifier) must be lowercase, or a
    # capitalised title word ("the former Secretary of State")
    head = None
    for t in toks:
        if t.lower() in POSTMOD and head is not None:
            break
        head = t
    if head is None:
        return None
    if head[:1].isupper() and head.lower() not in CAPITALISED_NON_NAMES:
        return None
    if not any(c.isalpha() for c in head):
        return None
    return "description"


# --------------------------------------------------------------------------
# brat parsing
# --------------------------------------------------------------------------

SPAN_RE = re.compile(r"^(T\d+)\t(\S+) ([\d ;]+)\t(.*)$")


@dataclass
class Span:
    tid: str
    type: str
    frags: list[tuple[int, int]]
    text: str

    @property
    def start(self) -> int:
        return min(a for a, _ in self.frags)

    @property
    def end(self) -> int:
        return max(b for _, b in self.frags)


@dataclass
class Attribution:
    split: str
    file: str  # text file name
    ann: str  # annotation file name
    source: Span
    cue: Span | None
    content: Span | None
    extra: dict = field(default_factory=dict)


def base_name(ann_name: str) -> str:
    """'foo_bar_4e07.ann' -> 'foo_bar.txt' (the suffix is the annotator id)."""
    return re.sub(r"_[0-9a-f]{4}\.ann$", ".txt", ann_name)


def parse_ann(path: Path, text: str) -> tuple[dict[str, Span], list[dict[str, str]]]:
    spans: dict[str, Span] = {}
    events: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = SPAN_RE.match(line)
        if m:
            tid, typ, offs, stext = m.groups()
            frags = [tuple(map(int, f.split())) for f in offs.split(";")]
            spans[tid] = Span(tid, typ, frags, stext)  # type: ignore[arg-type]
            continue
        if line.startswith("E"):
            parts = line.split("\t", 1)[1].split()
            ev = {}
            for p in parts:
                if ":" in p:
                    role, ref = p.split(":", 1)
                    ev[role] = ref
            events.append(ev)
    return spans, events


def iter_attributions(data_dir: Path, split: str):
    tdir = data_dir / split / "text"
    seen: set[tuple[str, int, int, int]] = set()
    for ann in sorted((data_dir / split / "attributions").glob("*.ann")):
        fname = base_name(ann.name)
        text = (tdir / fname).read_text(encoding="utf-8")
        spans, events = parse_ann(ann, text)
        for ev in events:
            src = spans.get(ev.get("Source", ""))
            if src is None:
                continue
            cue = spans.get(ev.get("Cue", ""))
            content = spans.get(ev.get("Content", ""))
            # doubly annotated articles: keep one copy of identical relations
            key = (fname, src.start, src.end, cue.start if cue else -1)
            if key in seen:
                continue
            seen.add(key)
            yield Attribution(split, fname, ann.name, src, cue, content), text


# --------------------------------------------------------------------------
# output
# --------------------------------------------------------------------------


def context(text: str, a: Attribution, before: int, after: int) -> str:
    """Text around the source, source in [[...]], cue in <<...>> when inside the window."""
    s, e = a.source.start, a.source.end
    lo = max(0, s - before)
    hi = min(len(text), e + after)
    marks = [(s, "[["), (e, "]]")]
    if a.cue is not None and lo <= a.cue.start and a.cue.end <= hi and (a.cue.end <= s or a.cue.start >= e):
        marks += [(a.cue.start, "<<"), (a.cue.end, ">>")]
    out, pos = [], lo
    for off, m in sorted(marks, key=lambda x: x[0]):
        out.append(text[pos:off])
        out.append(m)
        pos = off
    out.append(text[pos:hi])
    return ("..." if lo else "") + "".join(out) + ("..." if hi < len(text) else "")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--split", action="append", choices=["dev", "train"], help="split(s) to scan (default: dev)")
    ap.add_argument("--format", choices=["text", "jsonl", "summary"], default="text")
    ap.add_argument("--before", type=int, default=1200, help="context chars before the source")
    ap.add_argument("--after", type=int, default=300, help="context chars after the source")
    ap.add_argument("--kinds", default="pronoun,description", help="comma list of pronoun,relative,description")
    ap.add_argument("--file", help="only this article (text file name or prefix)")
    ap.add_argument("--check-gold", type=Path, help="verify a gold jsonl against the corpus (offsets/strings) and exit")
    args = ap.parse_args(argv)

    if not args.data_dir.is_dir():
        print(f"PolNeAR data not found at {args.data_dir}", file=sys.stderr)
        return 2

    if args.check_gold:
        return check_gold(args.data_dir, args.check_gold)

    splits = args.split or ["dev"]
    kinds = set(args.kinds.split(","))
    n = 0
    counts: dict[str, int] = {}
    for split in splits:
        for a, text in iter_attributions(args.data_dir, split):
            if args.file and not a.file.startswith(args.file):
                continue
            kind = classify_source(a.source.text)
            if kind not in kinds:
                continue
            n += 1
            counts[f"{split}/{kind}"] = counts.get(f"{split}/{kind}", 0) + 1
            rec = {
                "split": split,
                "file": a.file,
                "ann": a.ann,
                "kind": kind,
                "source_start": a.source.start,
                "source_end": a.source.end,
                "source_frags": a.source.frags,
                "source_text": a.source.text,
                "cue_start": a.cue.start if a.cue else None,
                "cue_end": a.cue.end if a.cue else None,
                "cue_text": a.cue.text if a.cue else None,
            }
            if args.format == "jsonl":
                rec["context"] = context(text, a, args.before, args.after)
                print(json.dumps(rec, ensure_ascii=False))
            elif args.format == "text":
                print("=" * 100)
                print(
                    f"#{n} {split}/{a.file} [{kind}] source {a.source.start}-{a.source.end} "
                    f"{a.source.text!r} cue {rec['cue_start']}-{rec['cue_end']} {rec['cue_text']!r}"
                )
                print("-" * 100)
                print(context(text, a, args.before, args.after))
    if args.format in ("summary", "text"):
        print(f"\n{n} candidates: {counts}", file=sys.stderr if args.format == "text" else sys.stdout)
    return 0


def check_gold(data_dir: Path, gold: Path) -> int:
    """Check every gold row against the corpus: offsets slice to the strings."""
    bad = 0
    rows = [json.loads(ln) for ln in gold.read_text(encoding="utf-8").splitlines() if ln.strip()]
    rel: dict[tuple[str, str], set[tuple[int, int, int, int]]] = {}
    for split in {r["split"] for r in rows}:
        for a, _ in iter_attributions(data_dir, split):
            if a.cue is None:
                continue
            rel.setdefault((split, a.file), set()).add((a.source.start, a.source.end, a.cue.start, a.cue.end))
    for i, r in enumerate(rows, 1):
        text = (data_dir / r["split"] / "text" / r["file"]).read_text(encoding="utf-8")
        s = text[r["source_start"] : r["source_end"]]
        c = text[r["cue_start"] : r["cue_end"]]
        key = (r["source_start"], r["source_end"], r["cue_start"], r["cue_end"])
        errs = []
        if s != r["source_text"] and " ".join(s.split()) != r["source_text"]:
            errs.append(f"source {s!r} != {r['source_text']!r}")
        if c != r["cue_text"] and " ".join(c.split()) != r["cue_text"]:
            errs.append(f"cue {c!r} != {r['cue_text']!r}")
        if key not in rel.get((r["split"], r["file"]), set()):
            errs.append("no such attribution relation in the .ann")
        if r.get("speaker") and r["speaker"].split()[-1].lower() not in text.lower():
            errs.append(f"speaker {r['speaker']!r} (last word) not found in the article")
        if errs:
            bad += 1
            print(f"row {i} {r['file']}: " + "; ".join(errs))
    print(f"{len(rows)} rows checked, {bad} with problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
