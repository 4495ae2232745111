"""Checks bench/gold/planted_conflicts.json: spans are exact substrings within one sentence, every type
appears often enough, ids are unique, weekdays agree with the calendar.

    python bench/gold/check_planted.py [path]
"""

import collections
import datetime as dt
import itertools
import json
import re
import sys

PATH = (
    sys.argv[1] if len(sys.argv) > 1 else str(__import__("pathlib").Path(__file__).with_name("planted_conflicts.json"))
)
CONFLICT_TYPES = ["count", "money", "percent", "date", "weekday_time", "place", "agent", "negation", "description"]
NC_TYPES = [
    "approximation",
    "subset",
    "containment",
    "same_day",
    "different_quantity",
    "different_action",
    "paraphrase",
]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = {
    m: i + 1
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ]
    )
}
MONTHS.update(
    {
        "jan": 1,
        "feb": 2,
        "mar": 3,
        "apr": 4,
        "jun": 6,
        "jul": 7,
        "aug": 8,
        "sep": 9,
        "sept": 9,
        "oct": 10,
        "nov": 11,
        "dec": 12,
    }
)
MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))

errors, warnings = [], []
err = errors.append
warn = warnings.append

with open(PATH, encoding="utf-8") as handle:
    doc = json.load(handle)
print(f"JSON loads: {len(doc['events'])} events")


def sentence_bounds(text):
    """(start, end) of each sentence; boundaries at .!? (+closing quote) + whitespace + capital/digit/quote,
    and at paragraph breaks."""
    cuts = [0]
    for m in re.finditer(r"[.!?][”’\"]?\s+(?=[“\"A-Z0-9])|\n\n", text):
        cuts.append(m.end())
    cuts.append(len(text))
    out = []
    for s, e in itertools.pairwise(cuts):
        seg = text[s:e].strip()
        if seg:
            s2 = text.index(seg, s)
            out.append((s2, s2 + len(seg)))
    return out


def resolve_weekday(name, sentence, pub):
    """Date meant by a bare weekday: the latest such day on or before publication, or the next one
    when 'due to' / 'will' comes shortly (<= 45 characters) before the weekday in the sentence."""
    target = WEEKDAYS.index(name.lower())
    d = pub.date()
    i = sentence.find(name)
    future = bool(re.search(r"\b(due to|will)\b", sentence[max(0, i - 45) : i]))
    if future:
        delta = (target - d.weekday()) % 7
        return d + dt.timedelta(days=delta), "future"
    delta = (d.weekday() - target) % 7
    return d - dt.timedelta(days=delta), "past"


def explicit_dates(s, year):
    out = []
    for m in re.finditer(rf"\b(\d{{1,2}}) ({MONTH_RE})\b(?: (\d{{4}}))?", s, re.I):
        out.append(dt.date(int(m.group(3) or year), MONTHS[m.group(2).lower()], int(m.group(1))))
    for m in re.finditer(rf"\b({MONTH_RE}) (\d{{1,2}})\b(?:,? (\d{{4}}))?", s, re.I):
        out.append(dt.date(int(m.group(3) or year), MONTHS[m.group(1).lower()], int(m.group(2))))
    return out


def times(s):
    out = []
    for m in re.finditer(r"\b(\d{1,2})(?:[.:](\d{2}))?\s*(am|pm)\b", s):
        h = int(m.group(1)) % 12 + (12 if m.group(3) == "pm" else 0)
        out.append((h, int(m.group(2) or 0)))
    if re.search(r"\bmidnight\b", s):
        out.append((0, 0))
    return out


def weekdays_in(s):
    return [
        m.group(1) for m in re.finditer(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:'s)?\b", s)
    ]


# ---- ids, articles, sentence counts, publication dates
ids = collections.Counter()
articles = {}
for ev in doc["events"]:
    ids[ev["id"]] += 1
    if not (2 <= len(ev["articles"]) <= 3):
        err(f"{ev['id']}: {len(ev['articles'])} articles")
    for a in ev["articles"]:
        ids[a["id"]] += 1
        if not a["id"].startswith(ev["id"]):
            err(f"{a['id']} not prefixed by {ev['id']}")
        pub = dt.datetime.fromisoformat(a["published"])
        if pub.tzinfo is None or pub.year != 2025:
            err(f"{a['id']}: bad published {a['published']}")
        a["_pub"] = pub
        a["_sents"] = sentence_bounds(a["text"])
        a["_event"] = ev["id"]
        n = len(a["_sents"])
        if not (8 <= n <= 14):
            err(f"{a['id']}: {n} sentences (want 8-14)")
        for k in ("id", "outlet", "published", "title", "text"):
            if not a.get(k):
                err(f"{a['id']}: missing {k}")
        articles[a["id"]] = a
dups = [k for k, v in ids.items() if v > 1]
if dups:
    err(f"duplicate ids: {dups}")
print(f"articles: {len(articles)}; ids unique: {not dups}")

# ---- cross-article sentence copying (exact duplicate sentences within an event)
for ev in doc["events"]:
    seen = {}
    for a in ev["articles"]:
        for s, e in a["_sents"]:
            sent = a["text"][s:e]
            if len(sent.split()) >= 6 and sent in seen and seen[sent] != a["id"]:
                warn(f"{ev['id']}: sentence shared by {seen[sent]} and {a['id']}: {sent[:60]}")
            seen.setdefault(sent, a["id"])


def locate(aid, span, where):
    a = articles.get(aid)
    if a is None:
        err(f"{where}: unknown article {aid}")
        return None
    text = a["text"]
    n = text.count(span)
    if n == 0:
        err(f"{where}: span not in {aid}: {span!r}")
        return None
    if n > 1:
        warn(f"{where}: span occurs {n} times in {aid}: {span!r}")
    start = text.index(span)
    end = start + len(span)
    for s, e in a["_sents"]:
        if s <= start and end <= e:
            sent = text[s:e]
            break
    else:
        err(f"{where}: span crosses a sentence boundary in {aid}: {span!r}")
        return None
    wc = len(span.split())
    if not (6 <= wc <= 25):
        err(f"{where}: span has {wc} words: {span!r}")
    return sent


def describe_when(aid, span, sent):
    """(dates, times) referred to by a span; bare weekdays resolved against publication date."""
    a = articles[aid]
    dates = set(explicit_dates(span, a["_pub"].year))
    for w in weekdays_in(span):
        d, _ = resolve_weekday(w, sent, a["_pub"])
        dates.add(d)
    return dates, set(times(span))


# ---- pairs
tcount = collections.Counter()
ncount = collections.Counter()
for ev in doc["events"]:
    evarts = {a["id"] for a in ev["articles"]}
    for kind, items, allowed, counter in (
        ("conflict", ev.get("conflicts", []), CONFLICT_TYPES, tcount),
        ("not_conflict", ev.get("not_conflicts", []), NC_TYPES, ncount),
    ):
        for i, p in enumerate(items):
            where = f"{ev['id']} {kind}[{i}] ({p.get('type')})"
            if p["type"] not in allowed:
                err(f"{where}: unknown type")
            counter[p["type"]] += 1
            if p["a"] == p["b"] or p["a"] not in evarts or p["b"] not in evarts:
                err(f"{where}: bad article refs {p['a']} {p['b']}")
                continue
            sa = locate(p["a"], p["a_span"], where + " a")
            sb = locate(p["b"], p["b_span"], where + " b")
            if sa is None or sb is None:
                continue
            if kind == "conflict":
                if not p.get("slot") or len(p.get("values", [])) != 2:
                    err(f"{where}: slot/values missing")
                else:
                    for v, sp in zip(p["values"], (p["a_span"], p["b_span"]), strict=False):
                        if v.lower() not in sp.lower():
                            err(f"{where}: value {v!r} not in span {sp!r}")
                    if p["values"][0].lower() == p["values"][1].lower():
                        err(f"{where}: identical values")
            elif not p.get("why"):
                err(f"{where}: why missing")
            da, ta = describe_when(p["a"], p["a_span"], sa)
            db, tb = describe_when(p["b"], p["b_span"], sb)
            if p["type"] == "weekday_time":
                ok = (da and db and da != db) or (ta and tb and ta != tb)
                print(
                    f"  weekday_time {ev['id']}: {p['a']} {sorted(map(str, da))} {sorted(ta)} vs "
                    f"{p['b']} {sorted(map(str, db))} {sorted(tb)} -> {'disagree' if ok else 'AGREE?'}"
                )
                if not ok:
                    err(f"{where}: weekday/time values do not disagree once resolved")
            if p["type"] == "same_day":
                ok = da and db and da == db
                print(
                    f"  same_day {ev['id']}: {p['a']} {sorted(map(str, da))} vs {p['b']} {sorted(map(str, db))}"
                    f" -> {'same' if ok else 'DIFFERENT'}"
                )
                if not ok:
                    err(f"{where}: same_day spans resolve to different dates")
            if p["type"] == "date" and not (da and db and da != db):
                err(f"{where}: date spans do not give two different dates ({da} vs {db})")

# ---- weekday claims across all texts
print("weekday mentions (resolved against each article's publication date):")
for aid, a in articles.items():
    text = a["text"]
    pub = a["_pub"]
    for s, e in a["_sents"]:
        sent = text[s:e]
        for m in re.finditer(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b", sent):
            d, mode = resolve_weekday(m.group(1), sent, pub)
            # explicit date right after the weekday must match the calendar
            tail = sent[m.end() : m.end() + 25]
            mm = re.match(rf",? (?:the )?(\d{{1,2}}) ({MONTH_RE})\b|,? ({MONTH_RE}) (\d{{1,2}})\b", tail, re.I)
            note = ""
            if mm:
                if mm.group(1):
                    ed = dt.date(pub.year, MONTHS[mm.group(2).lower()], int(mm.group(1)))
                else:
                    ed = dt.date(pub.year, MONTHS[mm.group(3).lower()], int(mm.group(4)))
                real = ed.strftime("%A")
                note = f" explicit {ed} is a {real}"
                if real != m.group(1):
                    err(f"{aid}: '{m.group(1)}' next to {ed}, which is a {real}")
            if mm:
                d, mode = ed, "explicit"
            age = (pub.date() - d).days
            if mode == "past" and age > 6:
                err(f"{aid}: {m.group(1)} resolves {age} days back")
            print(f"  {aid} pub {pub.strftime('%a %d %b %H:%M')}: {m.group(1):9s} -> {d} ({d.strftime('%a')}, {mode})")
    # dateline day must match publication date
    dl = re.match(rf"[A-Z ]+, ({MONTH_RE}) (\d{{1,2}}) \(", text, re.I)
    if dl:
        d = dt.date(pub.year, MONTHS[dl.group(1).lower()], int(dl.group(2)))
        if d != pub.date():
            err(f"{aid}: dateline {d} != publication date {pub.date()}")

# ---- type counts
print("conflict types:", dict(tcount), "total", sum(tcount.values()))
print("not-conflict types:", dict(ncount), "total", sum(ncount.values()))
for t in CONFLICT_TYPES:
    if tcount[t] < 3:
        err(f"conflict type {t}: {tcount[t]} < 3")
for t in NC_TYPES:
    if ncount[t] < 2:
        err(f"not-conflict type {t}: {ncount[t]} < 2")
# spread over events
for t in CONFLICT_TYPES:
    evs = {ev["id"] for ev in doc["events"] for p in ev["conflicts"] if p["type"] == t}
    if len(evs) < 3:
        err(f"conflict type {t} only in {len(evs)} events")

for w in warnings:
    print("WARNING:", w)
for e in errors:
    print("ERROR:", e)
print(f"{len(errors)} errors, {len(warnings)} warnings")
sys.exit(1 if errors else 0)
