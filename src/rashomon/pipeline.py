"""Stage order and the runner: sources -> raw documents -> articles -> store.

Each stage is a function over records; this module strings them together, applies the per-input
error policy (a bad input becomes a Failure with its reason and the batch goes on) and batches the
writes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from rashomon.errors import BadInput, RashomonError
from rashomon.ingest import Fetcher, extract_document, read_sources
from rashomon.records import Article, Failure, IngestOutcome, RawDocument
from rashomon.settings import Settings
from rashomon.store import Store, input_key

logger = logging.getLogger(__name__)

Progress = Callable[[str, str], None]  # (source, status)


@dataclass
class IngestSummary:
    """Counts of what an ingest run did, and every failure with its reason."""

    added: int = 0
    duplicate: int = 0
    republished: int = 0
    skipped: int = 0  # inputs processed by an earlier run (resume)
    failures: list[Failure] = field(default_factory=list)
    outcomes: list[IngestOutcome] = field(default_factory=list)

    @property
    def succeeded(self) -> int:
        return self.added + self.duplicate + self.republished + self.skipped

    def to_dict(self) -> dict[str, object]:
        return {
            "added": self.added,
            "duplicate": self.duplicate,
            "republished": self.republished,
            "skipped": self.skipped,
            "failed": len(self.failures),
            "failures": [f.to_dict() for f in self.failures],
        }


def extract_one(raw: RawDocument, settings: Settings) -> Article | Failure:
    """Extract one raw document, turning expected errors into a Failure with the reason."""
    try:
        return extract_document(raw, settings)
    except BadInput as exc:
        return Failure(source=raw.source, reason=exc.reason)
    except RashomonError as exc:
        return Failure(source=raw.source, reason=str(exc))


def extract_articles(
    sources: Iterable[str], settings: Settings, fetcher: Fetcher | None = None
) -> Iterator[Article | Failure]:
    """Articles (or Failures) from SOURCE arguments, without a store."""
    for raw in read_sources(sources, settings, fetcher):
        yield raw if isinstance(raw, Failure) else extract_one(raw, settings)


def ingest(
    sources: Iterable[str],
    settings: Settings,
    store: Store,
    fetcher: Fetcher | None = None,
    progress: Progress | None = None,
) -> IngestSummary:
    """Read, extract and store articles; idempotent, resumable, one transaction per batch."""
    summary = IngestSummary()
    batch: list[tuple[str, Article]] = []

    def flush() -> None:
        if not batch:
            return
        for outcome in store.add_articles(batch):
            summary.outcomes.append(outcome)
            if outcome.status == "failed":
                summary.failures.append(Failure(source=outcome.source, reason=outcome.reason or "not stored"))
            else:
                setattr(summary, outcome.status, getattr(summary, outcome.status) + 1)
            if progress:
                progress(outcome.source, outcome.status)
        batch.clear()

    for raw in read_sources(sources, settings, fetcher):
        if isinstance(raw, Failure):
            summary.failures.append(raw)
            if progress:
                progress(raw.source, "failed")
            continue
        key = input_key(raw.source, raw.content)
        if store.seen_inputs([key]) or any(k == key for k, _ in batch):
            summary.skipped += 1
            if progress:
                progress(raw.source, "skipped")
            continue
        result = extract_one(raw, settings)
        if isinstance(result, Failure):
            summary.failures.append(result)
            if progress:
                progress(result.source, "failed")
            continue
        batch.append((key, result))
        if len(batch) >= settings.batch_size:
            flush()
    flush()
    return summary
