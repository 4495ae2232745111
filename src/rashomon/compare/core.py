"""The compare stage: one event's analysed articles -> a ComparedEvent.

Fields read: Event (id, title, articles), AnalysedArticle (article metadata; analysis entities, quotes,
claims, dates). Fields assigned: entities (canonical across outlets), quotes (canonical speakers),
claims (aligned groups), omissions, framing, timeline.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

from rashomon.analyse.entities import canonicalise
from rashomon.compare.align import Alignment, align_event, nearest_reports
from rashomon.compare.framing import frame, is_self_reference
from rashomon.compare.pairs import ClaimRef
from rashomon.records import AnalysedArticle, ComparedEvent, Event, Omission, TimelineEntry, published_instant

MAIN_ACTORS = 6
_SUBSTANTIVE_WORDS = 6  # a claim shorter than this is not worth listing as an omission
# A source whose likeliest claim for a fact has this share of the pair model's link threshold as its link
# probability may state it in other words: the fact is not listed as its omission.
OMISSION_FLOOR = 0.5


def compare_event(event: Event, items: list[AnalysedArticle], alignment: Alignment | None = None) -> ComparedEvent:
    """Compare the articles of one event, outlet by outlet and claim by claim (``alignment``: the pair model
    and whether sentence embeddings are used; the packaged defaults when None)."""
    items = sorted(items, key=lambda i: (published_instant(i.article.published) or "9999", i.article.source))
    actors_all = canonicalise([(i.article.id, i.analysis.entities) for i in items])
    by_member: dict[tuple[str, str], Any] = {}
    for actor in actors_all:
        for member in actor.members:
            by_member[member] = actor
    source_of = {i.article.id: i.article.source for i in items}
    entities = []
    for actor in actors_all:
        per_source: Counter[str] = Counter()
        for article_id, entity_id in actor.members:
            item = next(i for i in items if i.article.id == article_id)
            entity = next(e for e in item.analysis.entities if e.id == entity_id)
            per_source[source_of[article_id]] += len(entity.mentions)
        entities.append(
            {
                "id": actor.id,
                "name": actor.name,
                "type": actor.type,
                "aliases": list(actor.aliases),
                "role": actor.role,
                "articles": dict(per_source),
                "mentions": sum(per_source.values()),
            }
        )
    canonical_names: dict[str, dict[str, str]] = defaultdict(dict)
    canonical_ids: dict[str, dict[str, str]] = defaultdict(dict)
    for (article_id, entity_id), actor in by_member.items():
        canonical_names[article_id][entity_id] = actor.name
        canonical_ids[article_id][entity_id] = actor.id
    roles = {a.name: a.role for a in actors_all}
    actors = [a.name for a in actors_all if a.type in ("PERSON", "ORG", "GPE", "NORP")][:MAIN_ACTORS]

    quotes = []
    for item in items:
        names = canonical_names[item.article.id]
        for quote in item.analysis.quotes:
            if not quote.is_speech:
                continue  # who said what: beliefs and findings stay in the article's analysis
            speaker = names.get(quote.speaker_id or "", quote.speaker)
            quotes.append(
                {
                    "source": item.article.source,
                    "outlet": item.article.outlet,
                    "speaker": speaker,
                    "speaker_as_written": quote.speaker_as_written,
                    "cue": quote.cue,
                    "text": quote.text,
                    "kind": quote.kind,
                    "speaker_type": quote.speaker_type,
                    "on_behalf_of": quote.on_behalf_of,
                    "actor": canonical_ids[item.article.id].get(quote.speaker_id or ""),
                }
            )

    refs = build_refs(items, canonical_ids, canonical_names)
    mentioned = {i.article.id: {n.lower() for e in i.analysis.entities for n in (e.name, *e.aliases)} for i in items}
    groups, compared = align_event(
        refs,
        alignment,
        names={a.id: a.name for a in actors_all},
        doers={a.id for a in actors_all if a.type in ("PERSON", "ORG", "NORP")},
        mentioned=mentioned,
    )
    threshold = (alignment or Alignment()).resolved(_embeddings_on(alignment)).threshold
    omissions = _omissions(groups, items, OMISSION_FLOOR * threshold, compared)
    organisations = [a.name for a in actors_all if a.type == "ORG"]
    framing = tuple(frame(item, canonical_names[item.article.id], actors, roles, organisations) for item in items)
    timeline, main_date = _timeline(items)
    articles = tuple(
        {
            "source": i.article.source,
            "id": i.article.id,
            "title": i.article.title,
            "outlet": i.article.outlet,
            "published": i.article.published,
            "url": i.article.url,
            "author": i.article.author,
            "language": i.article.language,
            "carriers": [c.outlet or c.source for c in i.article.carriers if c.relation != "original"],
        }
        for i in items
    )
    return ComparedEvent(
        id=event.id,
        title=event.title,
        articles=articles,
        entities=tuple(entities),
        quotes=tuple(quotes),
        claims=tuple(groups),
        omissions=omissions,
        framing=framing,
        timeline=timeline,
        main_date=main_date,
        nearest_reports=None if compared is None else nearest_reports(len({r.article_id for r in refs})),
    )


def build_refs(
    items: list[AnalysedArticle], canonical_ids: dict[str, dict[str, str]], canonical_names: dict[str, dict[str, str]]
) -> list[ClaimRef]:
    """Every claim of the event with its canonical entities, doer and done-to (actor ids across articles)
    and its voice by canonical speaker name."""
    refs = []
    for item in items:
        ids = canonical_ids[item.article.id]
        names = canonical_names[item.article.id]
        for claim in item.analysis.claims:
            voice = names.get(claim.speaker_id or "", claim.voice)
            if is_self_reference(voice, item.article.outlet):
                voice = "outlet"  # "the Torch can reveal": the outlet speaking for itself
            refs.append(
                ClaimRef(
                    source=item.article.source,
                    outlet=item.article.outlet,
                    article_id=item.article.id,
                    claim=claim.replace(
                        voice=voice,
                        subject=ids.get(claim.subject or "", claim.subject),
                        object=ids.get(claim.object or "", claim.object),
                    ),
                    entities=frozenset(ids[e] for e in claim.entities if e in ids),
                )
            )
    return refs


def event_refs(items: list[AnalysedArticle]) -> list[ClaimRef]:
    """``build_refs`` with the entities canonicalised across these articles (for benchmarks and fitting)."""
    canonical_ids: dict[str, dict[str, str]] = defaultdict(dict)
    canonical_names: dict[str, dict[str, str]] = defaultdict(dict)
    for actor in canonicalise([(i.article.id, i.analysis.entities) for i in items]):
        for article_id, entity_id in actor.members:
            canonical_ids[article_id][entity_id] = actor.id
            canonical_names[article_id][entity_id] = actor.name
    return build_refs(items, canonical_ids, canonical_names)


def _embeddings_on(alignment: Alignment | None) -> bool:
    from rashomon.embeddings import available

    return (alignment is None or alignment.embeddings) and available()


def _omissions(
    groups: list[Any],
    items: list[AnalysedArticle],
    floor: float,
    compared: frozenset[tuple[str, str]] | None = None,
) -> tuple[Omission, ...]:
    """Per source: the facts others report and no claim of its states, most reported first. A claim of the
    source that the pair scorer holds even half as likely as a link to state the fact (probability at least
    ``floor``) means the fact is there in other words: no omission. In a large event (``compared``: the
    pairs of reports whose claims were compared), only the facts of the reports a source was compared with
    can be its omissions: the others were never looked for in it."""
    partners: dict[str, set[str]] = defaultdict(set)
    for a, b in compared or ():
        partners[a].add(b)
        partners[b].add(a)
    result = []
    for item in items:
        source = item.article.source
        near = partners[item.article.id]
        missing = []
        for group in groups:
            if source in group.sources or group.closest.get(source, 0.0) >= floor:
                continue
            if compared is not None and not any(s.article_id in near for s in group.statements):
                continue
            if max(len(s.text.split()) for s in group.statements) < _SUBSTANTIVE_WORDS:
                continue
            missing.append(
                {
                    "claim": group.id,
                    "status": group.status,
                    "reported_by": len(group.sources),
                    "sources": list(group.sources),
                    "text": group.statements[0].text,
                }
            )
        missing.sort(key=lambda m: (-m["reported_by"], m["claim"]))
        result.append(Omission(source=source, outlet=item.article.outlet, missing=tuple(missing)))
    return tuple(result)


def _timeline(items: list[AnalysedArticle]) -> tuple[tuple[TimelineEntry, ...], str | None]:
    """Publication times and the dates each report mentions; each publication placed before, on or after
    the event's main date: the specific day the most reports tell of as having happened (a final
    announced for next week is not the match the reports are about)."""
    main_date = _main_date(items, happened=True) or _main_date(items, happened=False)
    entries = []
    for item in items:
        article = item.article
        if article.published:
            day = article.published[:10]
            relation = None
            if main_date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
                relation = "before" if day < main_date else "same day" if day == main_date else "after"
                if relation == "same day":
                    # Published on the day: the tense of the sentences about that day tells a preview
                    # ("will take part on Thursday") from a report ("criticized ... Thursday").
                    relation = _tense_relation(item, main_date) or relation
            entries.append(
                TimelineEntry(
                    date=article.published,
                    kind="published",
                    source=article.source,
                    outlet=article.outlet,
                    text=article.title,
                    relation=relation,
                )
            )
        seen = set()
        for claim in item.analysis.claims:
            for date in claim.dates:
                if not date.value or date.value.startswith("--") or (date.value, claim.id) in seen:
                    continue
                seen.add((date.value, claim.id))
                entries.append(
                    TimelineEntry(
                        date=date.value, kind="mentioned", source=article.source, outlet=article.outlet, text=claim.text
                    )
                )
    entries.sort(key=lambda e: (e.date[:10], e.kind != "published", e.source))
    return tuple(entries), main_date


_FUTURE = re.compile(r"\b(?:will|shall|'ll|plans? to|is to|are to|expected to|scheduled|to be held|going to)\b", re.I)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _main_date(items: list[AnalysedArticle], *, happened: bool) -> str | None:
    """The day the most reports mention (with ``happened``: in sentences that are not about the future,
    and not after the report's own publication day); ties go to the day mentioned more often, then the
    earlier, so the choice never rests on the order of a set."""
    reports: Counter[str] = Counter()  # day -> how many reports mention it
    mentions: Counter[str] = Counter()  # day -> how often all the reports mention it
    for item in items:
        published = (item.article.published or "")[:10]
        days = []
        for claim in item.analysis.claims:
            if happened and _FUTURE.search(claim.text):
                continue
            for date in claim.dates:
                value = (date.value or "").split("/")[0]
                if not _DAY.fullmatch(value):
                    continue
                if happened and _DAY.fullmatch(published) and value > published:
                    continue
                days.append(value)
        mentions.update(days)
        reports.update(dict.fromkeys(days, 1))
    return min(reports, key=lambda day: (-reports[day], -mentions[day], day)) if reports else None


def _tense_relation(item: AnalysedArticle, day: str) -> str | None:
    """ "before" when the article's sentences about ``day`` look forward, "after" when they look back."""
    future = past = 0
    for claim in item.analysis.claims:
        if not any(d.value and d.value.startswith(day) for d in claim.dates):
            continue
        if _FUTURE.search(claim.text):
            future += 1
        else:
            past += 1
    if future > past:
        return "before"
    if past > future:
        return "after"
    return None
