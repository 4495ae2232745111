"""Stage order and the runner: sources -> raw documents -> articles -> store.

Each stage is a function over records; this module strings them together, applies the per-input
error policy (a bad input becomes a Failure with its reason and the batch goes on) and batches the
writes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from rashomon.boundary import failure_of, time_budget
from rashomon.ingest import Fetcher, extract_document, read_sources
from rashomon.ingest.outlets import OutletNames
from rashomon.records import (
    AnalysedArticle,
    Article,
    ComparedEvent,
    Event,
    Failure,
    IngestOutcome,
    RawDocument,
    failures_by_stage,
)
from rashomon.settings import Settings
from rashomon.store import Store, input_key

logger = logging.getLogger(__name__)

Progress = Callable[[str, str], None]  # (source, status)
OnFailure = Callable[[Failure], None]


@dataclass
class IngestSummary:
    """Counts of what an ingest run did, and every failure with its reason."""

    added: int = 0
    analysed: int = 0
    clustered: int = 0
    duplicate: int = 0
    republished: int = 0
    skipped: int = 0  # inputs processed by an earlier run (resume)
    versions: int = 0  # new texts of stored articles (same url or file, different text)
    failures: list[Failure] = field(default_factory=list)
    outcomes: list[IngestOutcome] = field(default_factory=list)
    interrupted: bool = False  # stopped by the user (Ctrl-C) after the current batch

    @property
    def succeeded(self) -> int:
        return self.added + self.duplicate + self.republished + self.skipped + self.versions

    def to_dict(self) -> dict[str, object]:
        return {
            "added": self.added,
            "duplicate": self.duplicate,
            "republished": self.republished,
            "skipped": self.skipped,
            "versions": self.versions,
            "failed": len([f for f in self.failures if not f.skipped]),
            "failed_by_stage": failures_by_stage(self.failures),
            "failures": [f.to_dict() for f in self.failures],
            "analysed": self.analysed,
            "clustered": self.clustered,
            "interrupted": self.interrupted,
        }


def extract_one(raw: RawDocument, settings: Settings) -> Article | Failure:
    """Extract one raw document inside the extraction stage's failure boundary: whatever it raises, and an
    overrun of the time budget, becomes a Failure with the reason."""
    try:
        with time_budget(settings.article_time_budget, "extraction"):
            return extract_document(raw, settings)
    except Exception as exc:  # the extraction stage's boundary: this input fails alone
        return failure_of(exc, raw.source, "extract")


def extract_articles(
    sources: Iterable[str], settings: Settings, fetcher: Fetcher | None = None
) -> Iterator[Article | Failure]:
    """Articles (or Failures) from SOURCE arguments, without a store."""
    for raw in read_sources(sources, settings, fetcher):
        yield raw if isinstance(raw, Failure) else extract_one(raw, settings)


def name_outlets(articles: list[Article], names: OutletNames | None = None) -> list[Article]:
    """Articles known only by their domain named as pages of that domain declare (ingest/outlets.py)."""
    return (names or OutletNames()).apply(articles)


def _language_skip(article: Article, settings: Settings) -> list[Failure]:
    """A stored article the model cannot read: reported once, when it is stored (analyse/core.py says why)."""
    from rashomon.analyse.core import language_skip

    skipped = language_skip(article, settings, settings.model.split("_", 1)[0])
    return [skipped] if skipped else []


def ingest(
    sources: Iterable[str],
    settings: Settings,
    store: Store,
    fetcher: Fetcher | None = None,
    progress: Progress | None = None,
    stop: Callable[[], bool] | None = None,
) -> IngestSummary:
    """Read, extract and store articles; idempotent, resumable, one transaction per batch.

    ``stop`` is asked between inputs (the CLI answers yes after Ctrl-C): the batch read so far is stored,
    the run ends with ``interrupted`` set, and running the same command again resumes where it stopped
    (inputs already stored are skipped; stored articles without an analysis or an event get them).
    """
    documents = read_sources(sources, settings, fetcher, absolute=True)
    summary = store_documents(documents, settings, store, progress=progress, stop=stop)
    if settings.analyse_on_ingest:
        catch_up(store, settings, summary, stop)
    return summary


def _stopper(summary: IngestSummary, stop: Callable[[], bool] | None) -> Callable[[], bool]:
    """Whether the run was asked to stop; once it was, ``summary.interrupted`` says so."""

    def stopped() -> bool:
        if stop is not None and stop():
            summary.interrupted = True
        return summary.interrupted

    return stopped


def store_documents(
    documents: Iterable[RawDocument | Failure],
    settings: Settings,
    store: Store,
    summary: IngestSummary | None = None,
    progress: Progress | None = None,
    stop: Callable[[], bool] | None = None,
) -> IngestSummary:
    """The store half of ``ingest``: extract and store documents already read (``rashomon watch`` reads a
    feed itself, with a conditional GET), counting into ``summary``. Analysis and clustering are left to
    ``catch_up``."""
    summary = IngestSummary() if summary is None else summary
    batch: list[tuple[str, Article]] = []
    outlet_names = OutletNames.of(store)

    def flush() -> None:
        if not batch:
            return
        learned = outlet_names.learn([article for _, article in batch])
        if learned:
            store.save_outlet_names(learned)  # earlier articles of these domains are renamed too
        named = outlet_names.apply([article for _, article in batch])
        batch[:] = [(key, article) for (key, _), article in zip(batch, named, strict=True)]
        stored = {article.source: article for _, article in batch}
        for outcome in store.add_articles(batch):
            if outcome.status == "failed":
                summary.failures.append(
                    Failure(source=outcome.source, reason=outcome.reason or "not stored", stage="store")
                )
            else:
                counter = "versions" if outcome.status == "version" else outcome.status
                setattr(summary, counter, getattr(summary, counter) + 1)
                summary.outcomes.append(outcome)
                if outcome.status in ("added", "version") and settings.analyse_on_ingest:
                    summary.failures.extend(_language_skip(stored[outcome.source], settings))
            if progress:
                progress(outcome.source, outcome.status)
        batch.clear()

    stopped = _stopper(summary, stop)
    for raw in documents:
        if isinstance(raw, Failure):
            summary.failures.append(raw)
            if progress:
                progress(raw.source, "failed")
        else:
            key = input_key(raw.source, raw.content)
            if store.seen_inputs([key]) or any(k == key for k, _ in batch):
                summary.skipped += 1
                if progress:
                    progress(raw.source, "skipped")
            else:
                result = extract_one(raw, settings)
                if isinstance(result, Failure):
                    summary.failures.append(result)
                    if progress:
                        progress(result.source, "failed")
                else:
                    batch.append((key, result))
                    if len(batch) >= settings.batch_size:
                        flush()
        if stopped():
            break
    flush()
    return summary


def catch_up(
    store: Store, settings: Settings, summary: IngestSummary, stop: Callable[[], bool] | None = None
) -> IngestSummary:
    """Analyse every stored article without an analysis and cluster the analysed ones into events (the
    second half of ``ingest``), counting into ``summary``; nothing when the run was interrupted."""

    stopped = _stopper(summary, stop)
    if stopped():
        return summary
    for _ in analyse_stored(store, settings, on_failure=summary.failures.append, stop=stopped):
        summary.analysed += 1
    if not stopped():
        from rashomon.events.incremental import cluster_pending

        summary.clustered += len(cluster_pending(store, settings, on_failure=summary.failures.append))
    return summary


def stored_event(store: Store, event_id: int) -> Event | None:
    """An event of the store as a record, members ordered by publication."""
    from rashomon.events.build import make_event

    row = store.event_row(event_id)
    if row is None:
        return None
    members = list(store.iter_articles(ids=list(row["members"])))  # latest versions only
    event = make_event(str(row["id"]), members, row["members"], merged_from=row["merged_from"])
    return event.replace(title=row["title"] or event.title)


def cluster_sources(
    sources: Iterable[str], settings: Settings, fetcher: Fetcher | None = None, *, one_event: bool = False
) -> tuple[list[Event], list[AnalysedArticle], list[Failure]]:
    """``rashomon cluster``: extract, analyse and group into events, without a store (``one_event``: the
    user says the inputs tell one event; they are not clustered). Failures of every stage are returned, in
    the order they happened."""
    from rashomon.events import cluster_events
    from rashomon.events.build import make_event
    from rashomon.events.incremental import params_for

    articles: list[Article] = []
    failures: list[Failure] = []
    for item in extract_articles(sources, settings, fetcher):
        (failures if isinstance(item, Failure) else articles).append(item)  # type: ignore[arg-type]
    analysed = list(analyse_extracted(prepare_extracted(articles, settings), settings, failures.append))
    if one_event:
        events = [make_event("ev1", [item.article for item in analysed], {})] if analysed else []
        return events, analysed, failures
    events = cluster_events(analysed, params_for(settings), on_failure=failures.append)
    clustered = {a.article_id for event in events for a in event.articles}
    return events, [item for item in analysed if item.article.id in clustered], failures


def prepare_extracted(
    articles: list[Article], settings: Settings, signatures: list[Any] | None = None
) -> list[Article]:
    """The articles of one input set as they are analysed: outlets named (the store's names and those pages
    of the same domain declare), then copies merged (``dedupe_copies``). ``rashomon batch`` calls it on the
    articles without their texts, with the signatures its workers computed."""
    return dedupe_copies(OutletNames.from_store(settings).apply(articles), settings, signatures)


def dedupe_copies(articles: list[Article], settings: Settings, signatures: list[Any] | None = None) -> list[Article]:
    """Copies in one input set (the same text, or a wire story republished with small edits: MinHash
    similarity above the store's threshold) become one article whose carriers list every copy, as the store
    keeps them. ``signatures``: the texts' MinHash signatures when they were computed elsewhere."""
    from rashomon.ingest import dedup
    from rashomon.records import Carrier

    kept: list[Article] = []
    index = dedup.CopyIndex(settings.near_duplicate_threshold, settings.minhash_permutations)
    by_hash: dict[str, int] = {}
    for number, article in enumerate(articles):
        sig = (
            signatures[number]
            if signatures is not None
            else dedup.signature(article.text, settings.minhash_permutations)
        )
        home, relation, score = by_hash.get(article.content_hash), "exact", 1.0
        if home is None:
            home, score = index.best(sig)
            relation = "near"
        if home is None:
            by_hash[article.content_hash] = len(kept)
            kept.append(article)
            index.add(sig)
            continue
        first = kept[home]
        carrier = Carrier(
            source=article.source,
            url=article.url,
            outlet=article.outlet,
            title=article.title,
            published=article.published,
            relation=relation,
            similarity=round(score, 4),
        )
        kept[home] = first.replace(carriers=(*first.carriers, carrier))
    return kept


def comparable(event: Event, min_outlets: int = 2) -> bool:
    """An event reported by enough outlets (or sources, for articles of no known outlet) to compare."""
    return len({a.outlet or a.source for a in event.articles}) >= min_outlets


def _processes(count: int, settings: Settings) -> int:
    """Worker processes for parsing: the setting when given, else both cores when there is enough work
    to pay for starting them (about two seconds each)."""
    import os

    if settings.workers > 0:
        return settings.workers
    return min(2, os.cpu_count() or 1) if count >= 200 else 1


def analyse_extracted(
    articles: list[Article], settings: Settings, on_failure: OnFailure | None = None
) -> Iterator[AnalysedArticle]:
    """Analyse articles that are not stored (``rashomon analyse SOURCE``)."""
    from rashomon.analyse.core import analyse_articles

    yield from analyse_articles(
        articles, settings, n_process=_processes(len(articles), settings), on_failure=on_failure
    )


def analyse_stored(
    store: Store,
    settings: Settings,
    ids: list[str] | None = None,
    *,
    redo: bool = False,
    on_failure: OnFailure | None = None,
    stop: Callable[[], bool] | None = None,
) -> Iterator[AnalysedArticle]:
    """Analyse stored articles (the given ids, else every article without a current analysis) and save
    the analyses in batches; yields each analysed article. An article that fails stays stored without an
    analysis (the next run tries it again); ``stop`` ends the run after the current batch is saved."""
    from rashomon.analyse.core import analyse_articles
    from rashomon.analyse.nlp import load_model, model_name

    nlp = load_model(settings.model)
    if ids is None:  # articles in other languages were reported as skipped when they were stored
        ids = store.unanalysed_ids(model_name(nlp) if redo else None, language=nlp.meta.get("lang"))
    elif not redo:
        done = store.get_analyses(ids)
        for article in store.iter_articles(ids=[i for i in ids if i in done]):
            yield AnalysedArticle(article=article, analysis=done[article.id])
        ids = [i for i in ids if i not in done]
    processes = _processes(len(ids), settings)

    def save(items: list[AnalysedArticle]) -> None:
        if not store.read_only:  # a read-only store is compared from analyses made on the fly
            store.save_analyses([p.analysis for p in items])

    def chunks() -> Iterator[Article]:
        for start in range(0, len(ids), 500):
            if stop is not None and stop():
                return
            yield from store.iter_articles(ids=ids[start : start + 500])

    pending: list[AnalysedArticle] = []
    analysed = analyse_articles(chunks(), settings, nlp=nlp, n_process=processes, on_failure=on_failure)
    try:
        for item in analysed:
            pending.append(item)
            if len(pending) >= settings.batch_size:
                save(pending)
                yield from pending
                pending = []
                if stop is not None and stop():
                    break
    finally:
        analysed.close()  # ends the worker processes, whichever way the loop ended
        if pending:
            save(pending)
    yield from pending


def compare_sources(
    sources: Iterable[str],
    settings: Settings,
    fetcher: Fetcher | None = None,
    *,
    min_outlets: int = 2,
    one_event: bool = False,
) -> tuple[list[ComparedEvent], list[Event], list[Failure]]:
    """``rashomon compare SOURCE...``: cluster the inputs (or, with ``one_event``, take them as one event),
    then compare every event with two or more outlets. An event whose comparison fails is a Failure of
    stage "compare" naming the event and its articles; the other events are compared."""
    events, analysed, failures = cluster_sources(sources, settings, fetcher, one_event=one_event)
    by_id = {item.article.id: item for item in analysed}
    compared = []
    for event in events:
        if not comparable(event, min_outlets):
            continue
        result = compare_one(event, [by_id[a.article_id] for a in event.articles], settings)
        (failures if isinstance(result, Failure) else compared).append(result)  # type: ignore[arg-type]
    return compared, events, failures


def compare_one(
    event: Event, items: list[AnalysedArticle], settings: Settings | None = None
) -> ComparedEvent | Failure:
    """Compare one event inside the compare stage's failure boundary."""
    from rashomon.compare.align import Alignment
    from rashomon.compare.core import compare_event

    alignment = Alignment(embeddings=settings.compare_embeddings) if settings else None

    try:
        return compare_event(event, items, alignment)
    except Exception as exc:  # the compare stage's boundary: this event fails alone
        sources = ", ".join(a.source for a in event.articles)
        return failure_of(exc, f"event {event.id} ({sources})", "compare")


COMPARE_VERSION = "2"  # raise when a change to the compare stage should recompute stored comparisons


def comparison_version(settings: Settings) -> str:
    """What a stored comparison depends on besides its event: the compare code's and the analysis' versions
    and whether sentence embeddings align the claims."""
    from rashomon.store.db import ANALYSIS_VERSION

    return f"c{COMPARE_VERSION}.a{ANALYSIS_VERSION}.e{int(settings.compare_embeddings)}"


def current_comparison(store: Store, settings: Settings, event_id: int) -> ComparedEvent | None:
    """The event's stored comparison when it is current (computed on the event as it stands, by this
    version), else None."""
    from rashomon.store.search_db import event_version

    row = store.event_row(event_id)
    stored = store.stored_comparison(int(row["id"])) if row is not None else None
    if row is None or stored is None or stored["failure"]:
        return None
    return stored["data"] if stored["version"] == event_version(row, comparison_version(settings)) else None


def compare_stored(store: Store, settings: Settings, event_id: int) -> tuple[ComparedEvent | None, Event | None]:
    """``rashomon compare --event ID``: the stored event compared (analysing members that lack an analysis),
    and the event itself; the comparison is None when the event has fewer than two outlets."""
    from rashomon.compare.core import compare_event

    event = stored_event(store, event_id)
    if event is None:
        return None, None
    if not comparable(event):
        return None, event
    from rashomon.compare.align import Alignment

    ids = [a.article_id for a in event.articles]
    items = list(analyse_stored(store, settings, ids))
    return compare_event(event, items, Alignment(embeddings=settings.compare_embeddings)), event
