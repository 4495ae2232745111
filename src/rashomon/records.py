"""Records exchanged between stages.

Every stage takes and yields these frozen, keyword-only dataclasses and nothing else: no spaCy Doc,
lxml tree or database row crosses a stage boundary. Each record converts to and from plain JSON-ready
dicts (``to_dict`` / ``from_dict``) so that records travel between processes as JSON, not pickle.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T", bound="Record")


class Record:
    """Mixin: JSON-ready conversion for frozen dataclasses (nested records and tuples included)."""

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _dump(getattr(self, f.name)) for f in dataclasses.fields(self)}  # type: ignore[arg-type]

    @classmethod
    def from_dict(cls: type[T], data: dict[str, Any]) -> T:
        hints = typing.get_type_hints(cls)
        kwargs = {}
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            if f.name in data:
                kwargs[f.name] = _load(hints[f.name], data[f.name])
        return cls(**kwargs)

    def replace(self: T, **changes: Any) -> T:
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]


def _dump(value: Any) -> Any:
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, tuple | list):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {k: _dump(v) for k, v in value.items()}
    return value


def _load(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _load(inner[0], value) if len(inner) == 1 else value
    if origin is tuple:
        item = args[0] if args else Any
        return tuple(_load(item, v) for v in value)
    if origin is dict:
        vt = args[1] if len(args) == 2 else Any
        return {k: _load(vt, v) for k, v in value.items()}
    if isinstance(hint, type) and issubclass(hint, Record) and isinstance(value, dict):
        return hint.from_dict(value)
    return value


def published_instant(published: str | None) -> str | None:
    """The moment a publication time stands for, in UTC, as sortable text (``2020-05-02T01:54:00Z``).

    Articles keep their time as the page states it (``2020-05-01T21:54:00-04:00``: the local day is the
    day the outlet printed); ordering and time distances use this instant. A date without a time counts
    from its midnight, a time without an offset as UTC.
    """
    import datetime as dt

    if not published or published.startswith("--"):
        return None
    try:
        moment = dt.datetime.fromisoformat(published)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------------------------- ingest


@dataclass(frozen=True, kw_only=True)
class Dateline(Record):
    """The dateline that opens a news report: ``LISK, March 14 (MNA) —``.

    ``date`` is ISO (``2012-12-06``) when the year is known, else ``--12-06`` (ISO 8601 without year).
    """

    place: str | None = None
    date: str | None = None
    agency: str | None = None
    text: str | None = None


@dataclass(frozen=True, kw_only=True)
class Carrier(Record):
    """One outlet/url that carried an article's content (the original or a republished copy)."""

    source: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None
    relation: str = "original"  # original | exact | near
    similarity: float = 1.0


@dataclass(frozen=True, kw_only=True)
class RawDocument(Record):
    """An input unit before extraction: the bytes of one page, scrape, feed entry or JSONL record.

    ``hints`` carries metadata that came with the unit rather than inside it (a feed entry's title and
    date, a JSONL record's fields, the url a page was fetched from).
    """

    source: str
    kind: str  # html | text | markdown
    content: str
    url: str | None = None
    hints: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Article(Record):
    """One news report with its metadata and clean body text (paragraphs separated by blank lines)."""

    id: str
    source: str
    text: str
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    language: str | None = None
    dateline: Dateline | None = None
    description: str | None = None
    kind: str = "text"
    content_hash: str = ""
    published_from: str | None = None  # where the date came from: metadata | url | text | dateline+weekday
    carriers: tuple[Carrier, ...] = ()
    editors: str | None = None  # the byline's "Editing by ...", "; "-separated
    byline_place: str | None = None  # where the author filed from ("Jane Roe in Bengaluru")
    version_of: str | None = None  # the stored version this text replaced (same url or file)
    superseded_by: str | None = None  # the newer version, when this one is not the latest

    def summary(self) -> dict[str, Any]:
        """The fields ``rashomon extract`` prints."""
        keys = (
            "source",
            "url",
            "title",
            "outlet",
            "author",
            "published",
            "language",
            "dateline",
            "text",
            "editors",
            "byline_place",
        )
        data = self.to_dict()
        return {k: data[k] for k in keys}


@dataclass(frozen=True, kw_only=True)
class Failure(Record):
    """An input (or one article of it) that a stage could not handle, with the reason, for the summary.

    ``stage`` is where it failed: read (opening, decoding, splitting a container), extract, store,
    analyse, events or compare. ``error`` names the exception class when the cause was unexpected (a bug
    or a library's failure on hostile input), so a report can tell expected refusals from faults.
    """

    source: str
    reason: str
    stage: str = "read"
    error: str | None = None
    skipped: bool = False  # not a fault: left out on purpose (e.g. a language the model cannot read)


STAGES = ("read", "extract", "store", "analyse", "events", "compare")


def failures_by_stage(failures: Iterable[Failure]) -> dict[str, int]:
    """How many failures each stage had, in pipeline order."""
    counts: dict[str, int] = {}
    for failure in failures:
        counts[failure.stage] = counts.get(failure.stage, 0) + 1
    return {s: counts[s] for s in sorted(counts, key=lambda s: (STAGES.index(s) if s in STAGES else 99, s))}


@dataclass(frozen=True, kw_only=True)
class IngestOutcome(Record):
    """What ingesting one article did to the store."""

    source: str
    status: str  # added | duplicate | republished | version | failed
    article_id: str | None = None
    reason: str | None = None


# -------------------------------------------------------------------------------------------- analyse


@dataclass(frozen=True, kw_only=True)
class Mention(Record):
    """One span of text that refers to an entity (character offsets into the article's text)."""

    text: str
    start: int
    end: int
    label: str = ""


@dataclass(frozen=True, kw_only=True)
class Entity(Record):
    """A canonical actor, place or thing of one article: every mention of it, whatever the spelling.

    ``key`` is the canonical key the cross-article canonicalisation matches on (normalised name; for
    people, the surname-first form).
    """

    id: str
    name: str
    type: str
    key: str
    role: str | None = None
    aliases: tuple[str, ...] = ()
    mentions: tuple[Mention, ...] = ()
    acronym: str | None = None
    country: str | None = None  # for governments standing as speakers ("Moscow" -> Russia)

    @property
    def count(self) -> int:
        return len(self.mentions)


@dataclass(frozen=True, kw_only=True)
class Quote(Record):
    """Who said what: a direct, indirect or mixed quotation with its resolved speaker.

    ``speaker`` is the canonical name of the speaker entity (``speaker_id``); ``speaker_as_written`` is
    the source span as the text gives it ("the diplomat", "he", "Moscow"). Offsets are characters in
    the article's text.
    """

    id: str
    text: str
    kind: str  # direct | indirect | mixed | belief (attributed belief, perception or finding: not speech)
    start: int
    end: int
    cue: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    speaker: str | None = None
    speaker_id: str | None = None
    speaker_as_written: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_type: str | None = None  # PERSON | ORG | GPE | NORP | anonymous
    on_behalf_of: str | None = None  # "Moscow" when a spokesman's words are given as "Moscow believes"
    paragraph: int = 0
    resolution: str = ""  # how the speaker was found: name | surname | pronoun | role | continuation | ...
    cue_lemma: str | None = None

    @property
    def is_speech(self) -> bool:
        """A speech or writing act (or words in quote marks): counted in who said what and in voices."""
        return self.kind != "belief"


@dataclass(frozen=True, kw_only=True)
class DateMention(Record):
    """A date expression with its normalised value (ISO date, ``YYYY-MM``, ``YYYY``, or a range a/b)."""

    text: str
    start: int
    end: int
    value: str | None = None
    relative: bool = False


@dataclass(frozen=True, kw_only=True)
class Quantity(Record):
    """A number in a claim with what it counts ("19 dead" -> value 19, noun "dead")."""

    text: str
    value: float | None
    noun: str | None = None
    verb: str | None = None  # what happened to what is counted: "lose" in "12 people lost their lives"
    part: bool = False  # a part of a whole named elsewhere ("four of the patients", "including five children")


@dataclass(frozen=True, kw_only=True)
class Claim(Record):
    """A statement of an article: a sentence (or the content of an attribution) with its voice.

    ``voice`` is ``"outlet"`` for the outlet's own narration, else the canonical speaker name.
    """

    id: str
    text: str
    start: int
    end: int
    voice: str = "outlet"
    speaker_id: str | None = None
    quote_id: str | None = None
    entities: tuple[str, ...] = ()
    dates: tuple[DateMention, ...] = ()
    numbers: tuple[str, ...] = ()
    negated: bool = False
    paragraph: int = 0
    lemmas: tuple[str, ...] = ()  # content lemmas, for alignment across outlets
    quantities: tuple[Quantity, ...] = ()  # counted things: 12 "people", 3,400 "resident"
    places: tuple[str, ...] = ()  # places named in the claim
    date_verbs: tuple[str | None, ...] = ()  # per date of ``dates``: the verb it dates ("die" in "died on Friday")
    times: tuple[str, ...] = ()  # times of day as "HH:MM", "~HH:MM" when approximate ("about 7pm")
    time_verbs: tuple[str | None, ...] = ()  # per time: the verb it times
    predicate_negated: bool = False  # the predicate itself is denied ("no siren sounded"), not another clause
    items: tuple[str, ...] = ()  # described things: "vehicle:van:white panel" (kind:noun:modifiers)
    predicate: str | None = None  # lemma of the main verb ("arrest"), or of the head word of a fragment
    subject: str | None = None  # who or what does it: an entity id ("e3") or a lemma ("police")
    object: str | None = None  # whom or what it is done to, likewise


@dataclass(frozen=True, kw_only=True)
class Analysis(Record):
    """Everything the analyse stage knows about one article."""

    article_id: str
    model: str
    entities: tuple[Entity, ...] = ()
    quotes: tuple[Quote, ...] = ()
    claims: tuple[Claim, ...] = ()
    dates: tuple[DateMention, ...] = ()
    reference_date: str | None = None
    tokens: int = 0
    terms: tuple[tuple[str, int], ...] = ()  # content lemmas and counts, most frequent first


@dataclass(frozen=True, kw_only=True)
class AnalysedArticle(Record):
    article: Article
    analysis: Analysis


# --------------------------------------------------------------------------------------------- events


@dataclass(frozen=True, kw_only=True)
class EventArticle(Record):
    """An article as a member of an event."""

    article_id: str
    source: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    url: str | None = None
    similarity: float = 0.0
    copies: tuple[str, ...] = ()  # sources of the same text (or a near copy) met in the input or the store


@dataclass(frozen=True, kw_only=True)
class Event(Record):
    """Reports of one real-world event: who reported it, when, and under which headline."""

    id: str
    title: str | None
    start: str | None = None
    end: str | None = None
    outlets: tuple[str, ...] = ()
    articles: tuple[EventArticle, ...] = ()
    merged_from: tuple[str, ...] = ()

    def summary(self) -> dict[str, Any]:
        """The fields ``rashomon cluster --format json`` prints."""
        return {
            "id": self.id,
            "title": self.title,
            "start": self.start,
            "end": self.end,
            "outlets": list(self.outlets),
            "articles": [
                {
                    "source": a.source,
                    "title": a.title,
                    "outlet": a.outlet,
                    "published": a.published,
                    "id": a.article_id,
                    "url": a.url,
                    "copies": list(a.copies),
                }
                for a in self.articles
            ],
            "size": len(self.articles),
            "merged_from": list(self.merged_from),
        }


# -------------------------------------------------------------------------------------------- compare


@dataclass(frozen=True, kw_only=True)
class Statement(Record):
    """One outlet's wording of a claim."""

    source: str
    text: str
    voice: str
    outlet: str | None = None
    article_id: str = ""
    claim_id: str = ""


@dataclass(frozen=True, kw_only=True)
class Conflict(Record):
    """Two statements about one happening that disagree on one slot (compare/conflicts.py)."""

    statements: tuple[str, str]  # "article id:claim id" of each
    sources: tuple[str, str]
    slot: str  # "death toll", "amount", "percentage", "date", "time", "place", "who", "description", ...
    values: tuple[str, str]  # what each says
    note: str
    confidence: float  # the slot rule's certainty times the link's
    possible: bool = False  # confidence under 0.5: shown apart, as a possible conflict


@dataclass(frozen=True, kw_only=True)
class ClaimGroup(Record):
    """Statements of several outlets aligned as one claim: shared, unique or in conflict."""

    id: str
    status: str  # shared | unique | conflict
    statements: tuple[Statement, ...]
    note: str | None = None
    sources: tuple[str, ...] = ()
    similarity: float = 0.0
    conflicts: tuple[tuple[str, str], ...] = ()  # the statements that disagree, as "article id:claim id" pairs
    confidence: float = 0.0  # mean link probability of the group's cross-article pairs (compare/pairs.py)
    conflict_details: tuple[Conflict, ...] = ()  # each conflict (or possible conflict) with slot and values
    closest: dict[str, float] = field(default_factory=dict)  # other sources: their likeliest claim stating it


@dataclass(frozen=True, kw_only=True)
class Omission(Record):
    """Claims other outlets report and this source lacks, most reported first."""

    source: str
    outlet: str | None
    missing: tuple[dict[str, Any], ...] = ()  # {"claim": id, "reported_by": n, "sources": [...], "text": ...}


@dataclass(frozen=True, kw_only=True)
class LoadedTerm(Record):
    term: str
    category: str
    polarity: str
    sentence: str
    speaker: str | None = None  # None: the outlet's own voice


@dataclass(frozen=True, kw_only=True)
class Voice(Record):
    speaker: str
    quotes: int
    words: int
    affiliation: str | None = None
    type: str | None = None


@dataclass(frozen=True, kw_only=True)
class Framing(Record):
    """How one source frames the event."""

    source: str
    outlet: str | None
    headline: str | None
    attribution_verbs: dict[str, int] = field(default_factory=dict)
    loaded_terms: tuple[LoadedTerm, ...] = ()
    quoted_loaded_terms: tuple[LoadedTerm, ...] = ()
    tone: dict[str, dict[str, Any]] = field(default_factory=dict)
    voices: tuple[Voice, ...] = ()
    voices_by_affiliation: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class TimelineEntry(Record):
    date: str
    kind: str  # published | mentioned
    source: str
    outlet: str | None = None
    text: str | None = None
    relation: str | None = None  # before | same day | after (publication relative to the event's main date)


@dataclass(frozen=True, kw_only=True)
class ComparedEvent(Record):
    """Everything ``rashomon compare`` reports about one event."""

    id: str
    title: str | None
    articles: tuple[dict[str, Any], ...]
    entities: tuple[dict[str, Any], ...]
    quotes: tuple[dict[str, Any], ...]
    claims: tuple[ClaimGroup, ...]
    omissions: tuple[Omission, ...]
    framing: tuple[Framing, ...]
    timeline: tuple[TimelineEntry, ...]
    main_date: str | None = None
    # A large event: each report's claims were compared with those of its this many most similar reports
    # (compare/align.py, NEIGHBOUR_ARTICLES); None: with every other report's.
    nearest_reports: int | None = None
