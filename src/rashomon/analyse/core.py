"""The analyse stage: Article -> Analysis, one spaCy Doc per article.

Fields read from Article: ``id``, ``text`` (paragraphs separated by blank lines), ``published``,
``dateline``. Fields assigned in Analysis: ``entities``, ``quotes``, ``claims``, ``dates``,
``reference_date``, ``tokens``, ``model``.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from rashomon.analyse.claims import build_claims
from rashomon.analyse.dates import find_dates, reference_date
from rashomon.analyse.entities import EntityIndex, doc_text, extract_entities
from rashomon.analyse.nlp import load_model, model_name
from rashomon.analyse.quotes import (
    RawQuote,
    find_attributions,
    find_layout_attributions,
    find_mark_spans,
    join_quotes,
    paragraph_spans,
)
from rashomon.analyse.speakers import SpeakerResolver
from rashomon.boundary import failure_of, time_budget
from rashomon.errors import RashomonError
from rashomon.records import AnalysedArticle, Analysis, Article, Failure, Mention, Quote
from rashomon.settings import Settings

logger = logging.getLogger(__name__)

PARAGRAPHS = "rashomon_paragraphs"


@Language.component(PARAGRAPHS)
def paragraph_boundaries(doc: Doc) -> Doc:
    """A sentence never crosses a paragraph break (a blank line in the article text)."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if (previous.is_space and "\n" in previous.text) or "\n" in previous.whitespace_:
            token.is_sent_start = True
    return doc


def prepare(nlp: Language) -> Language:
    if PARAGRAPHS not in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPHS, before="parser")
    return nlp


def _dateline_end(article: Article) -> int:
    dateline = article.dateline
    if dateline and dateline.text and article.text.startswith(dateline.text):
        return len(dateline.text)
    return 0


def analyse_doc(
    doc: Doc, article: Article, model: str, *, atomic_claims: bool = False, speaker_trace: list[dict] | None = None
) -> Analysis:
    """Entities, quotes with speakers, dates and claims of one parsed article."""
    skip = _dateline_end(article)
    paragraphs = paragraph_spans(doc_text(doc))
    index = extract_entities(doc, skip_before=skip)
    marks = find_mark_spans(doc_text(doc), paragraphs)
    attributions = find_attributions(doc, paragraphs) + find_layout_attributions(doc, marks, paragraphs)
    raw = join_quotes(doc, marks, attributions, paragraphs, skip_before=skip)
    quotes, role_mentions = resolve_quotes(doc, index, raw, paragraphs, trace=speaker_trace)
    entities = tuple(
        e.replace(mentions=tuple(sorted((*e.mentions, *role_mentions.get(e.id, ())), key=lambda m: m.start)))
        if e.id in role_mentions
        else e
        for e in index.entities
    )
    ref = reference_date(article.published, article.dateline.date if article.dateline else None)
    dates = find_dates(doc, ref, skip_before=skip)
    claims = build_claims(doc, index, quotes, dates, paragraphs, skip_before=skip, atomic=atomic_claims)
    return Analysis(
        article_id=article.id,
        model=model,
        entities=entities,
        quotes=tuple(quotes),
        claims=tuple(claims),
        dates=tuple(dates),
        reference_date=ref.isoformat() if ref else None,
        tokens=len(doc),
        terms=content_terms(doc, skip_before=skip),
    )


_TERM_POS = {"NOUN", "PROPN", "VERB", "ADJ", "NUM"}
MAX_TERMS = 300


def content_terms(doc: Doc, *, skip_before: int = 0) -> tuple[tuple[str, int], ...]:
    """Lemmas of content words with counts (the events stage's bag of words), most frequent first."""
    counts: Counter[str] = Counter()
    for token in doc:
        if token.idx < skip_before or token.pos_ not in _TERM_POS or token.is_stop or token.is_punct:
            continue
        lemma = (token.lemma_ or token.text).lower().strip(".,'’\"")
        if len(lemma) < 2 and not lemma.isdigit():
            continue
        counts[lemma] += 1
    return tuple(counts.most_common(MAX_TERMS))


def resolve_quotes(
    doc: Doc,
    index: EntityIndex,
    raw: list[RawQuote],
    paragraphs: list[tuple[int, int]],
    trace: list[dict] | None = None,
) -> tuple[list[Quote], dict[str, list[Mention]]]:
    """Quotes with speakers, in text order, and the role-noun mentions ("the minister") found on the way."""
    resolver = SpeakerResolver(doc, index, paragraphs, trace)
    quotes: list[Quote] = []
    role_mentions: dict[str, list[Mention]] = {}
    for number, item in enumerate(raw, 1):
        att = item.attribution
        previous = resolver.state.last_quote
        paragraph_start = paragraphs[item.paragraph][0] if item.paragraph < len(paragraphs) else 0
        if item.follows_previous:
            # A quote with no cue of its own: the previous quote's speaker goes on, else the next cue's.
            base = Quote(
                id=f"q{number}",
                text=doc_text(doc)[item.start : item.end].strip(),
                kind=item.kind,
                start=item.start,
                end=item.end,
                paragraph=item.paragraph,
                resolution="unattributed",
            )
            at_start = item.start - paragraph_start <= 2
            if (
                previous is not None
                and previous.speaker
                and (previous.paragraph == item.paragraph or (previous.paragraph == item.paragraph - 1 and at_start))
            ):
                quote = base.replace(
                    speaker=previous.speaker,
                    speaker_id=previous.speaker_id,
                    speaker_as_written=previous.speaker_as_written,
                    speaker_type=previous.speaker_type,
                    on_behalf_of=previous.on_behalf_of,
                    resolution="continuation",
                )
            else:
                following = _next_attributed(raw, item)
                resolved = resolver.resolve(following) if following is not None else None
                quote = base
                if resolved is not None and resolved.name:
                    quote = base.replace(
                        speaker=resolved.name,
                        speaker_id=resolved.entity.id if resolved.entity else None,
                        speaker_as_written=resolved.as_written,
                        speaker_type=resolved.type,
                        resolution="next-attribution",
                    )
            quotes.append(quote)
            resolver.record(quote, item.start)
            continue
        resolved = resolver.resolve(item)
        if item.kind in ("direct", "mixed"):
            resolved = resolver.government_voice(resolved, att.cue[0] if att else item.start)
        quote = Quote(
            id=f"q{number}",
            text=doc_text(doc)[item.start : item.end].strip(),
            kind=item.kind,
            start=item.start,
            end=item.end,
            cue=att.cue_text if att else None,
            cue_start=att.cue[0] if att else None,
            cue_end=att.cue[1] if att else None,
            speaker=resolved.name,
            speaker_id=resolved.entity.id if resolved.entity else None,
            speaker_as_written=resolved.as_written,
            speaker_start=resolved.span[0] if resolved.span else None,
            speaker_end=resolved.span[1] if resolved.span else None,
            speaker_type=resolved.type,
            on_behalf_of=resolved.on_behalf_of,
            paragraph=item.paragraph,
            resolution=resolved.how,
            cue_lemma=att.cue_lemma if att else None,
        )
        if resolved.how in ("role", "relative:role") and resolved.entity is not None and resolved.span:
            role_mentions.setdefault(resolved.entity.id, []).append(
                Mention(text=resolved.as_written or "", start=resolved.span[0], end=resolved.span[1], label="ROLE")
            )
        quotes.append(quote)
        resolver.record(quote, att.cue[0] if att else item.start)
    return quotes, role_mentions


def _next_attributed(raw: list[RawQuote], item: RawQuote) -> RawQuote | None:
    """For a quote that opens a paragraph with no attribution: the next attributed quote in that paragraph."""
    for other in raw:
        if other.start > item.start and other.paragraph == item.paragraph and other.attribution is not None:
            return other
    return None


def analyse_articles(
    articles: Iterable[Article],
    settings: Settings,
    *,
    nlp: Language | None = None,
    n_process: int = 1,
    batch_size: int = 16,
    on_failure: Callable[[Failure], None] | None = None,
) -> Iterator[AnalysedArticle]:
    """Analyse articles: parsed in batches with ``nlp.pipe`` in this process, or on ``n_process`` worker
    processes (analyse/workers.py).

    Without ``on_failure`` any exception propagates (the library's strict default, which tests rely on);
    with it, an article that fails (an exception, a text too long to parse, the time budget) is handed
    to ``on_failure`` as a Failure of stage "analyse" and the others go on.
    """
    strict = on_failure is None
    if n_process > 1:
        from rashomon.analyse.workers import analyse_in_pool

        checked = _checked(articles, settings, None, on_failure)
        results: Iterable[AnalysedArticle | Failure] = analyse_in_pool(checked, settings, n_process)
    else:
        nlp = prepare(nlp or load_model(settings.model))
        checked = _checked(articles, settings, nlp, on_failure)
        results = analyse_batches(checked, settings, nlp, strict=strict, batch_size=batch_size)
    try:
        for result in results:
            if isinstance(result, Failure):
                if on_failure is None:
                    raise AnalysisFailed(f"{result.source}: {result.reason}")
                on_failure(result)
            else:
                yield result
    finally:
        results.close()  # type: ignore[attr-defined]  # a generator: ends worker processes at once


class AnalysisFailed(RashomonError):
    """An article failed analysis in a strict run of several processes (the worker's traceback is in its log)."""


def language_skip(article: Article, settings: Settings, language: str | None) -> Failure | None:
    """The skip an article gets when it is in another language than the model's (declared by its page,
    else detected): it stays stored and listed but is not analysed with that model."""
    from rashomon.ingest.metadata import language_name

    if not (article.language and language and len(language) == 2 and article.language != language):
        return None
    return Failure(
        source=article.source,
        reason=f"written in {language_name(article.language)} ({article.language}); the {settings.model} model "
        f"reads {language_name(language)}: pass --model with a {language_name(article.language)} spaCy pipeline "
        "to analyse it",
        stage="analyse",
        error=f"language {article.language}",
        skipped=True,
    )


def _checked(
    articles: Iterable[Article],
    settings: Settings,
    nlp: Language | None = None,
    on_failure: Callable[[Failure], None] | None = None,
) -> Iterator[Article]:
    """The articles the model can read; the others are reported as skipped (``language_skip``)."""
    language = nlp.meta.get("lang") if nlp is not None else settings.model.split("_", 1)[0]
    for article in articles:
        skipped = language_skip(article, settings, language)
        if skipped is None:
            yield article
        elif on_failure is not None:
            on_failure(skipped)
        else:
            logger.warning("%s: %s", skipped.source, skipped.reason)


def analyse_batches(
    articles: Iterable[Article], settings: Settings, nlp: Language, *, strict: bool, batch_size: int = 16
) -> Iterator[AnalysedArticle | Failure]:
    """Analyse articles in batches of ``batch_size``, in order."""
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= batch_size:
            yield from analyse_batch(batch, settings, nlp, strict=strict)
            batch = []
    if batch:
        yield from analyse_batch(batch, settings, nlp, strict=strict)


def analyse_batch(
    articles: list[Article], settings: Settings, nlp: Language, *, strict: bool
) -> Iterator[AnalysedArticle | Failure]:
    """One batch inside the per-article failure boundary: parsed together with ``nlp.pipe``; when the batch
    fails or overruns the time budget, each article is parsed again on its own so that only the culprit
    fails. With ``strict`` any exception propagates instead."""
    name = model_name(nlp)
    budget = settings.article_time_budget
    fits: list[Article] = []
    refused: dict[str, Failure] = {}
    for article in articles:
        if len(article.text) > settings.max_analysis_chars:
            failure = Failure(
                source=article.source,
                reason=f"text of {len(article.text):,} characters is longer than the "
                f"{settings.max_analysis_chars:,} the analysis parses (setting max_analysis_chars)",
                stage="analyse",
            )
            if strict:
                raise AnalysisFailed(f"{failure.source}: {failure.reason}")
            refused[article.id + article.source] = failure
        else:
            fits.append(article)
    docs: dict[int, Doc] = {}
    if strict:
        docs = dict(enumerate(nlp.pipe([a.text for a in fits], batch_size=len(fits) or 1)))
    elif fits:
        try:
            with time_budget(budget, f"parsing a batch of {len(fits)} articles"):
                docs = dict(enumerate(nlp.pipe([a.text for a in fits], batch_size=len(fits))))
        except Exception:  # parsed again one by one below: only the article at fault fails
            logger.debug("batch parse failed; parsing its articles one by one", exc_info=True)
            docs = {}
    position = 0
    for article in articles:
        key = article.id + article.source
        if key in refused:
            yield refused[key]
            continue
        index, position = position, position + 1
        if strict:
            analysis = analyse_doc(docs[index], article, name, atomic_claims=settings.atomic_claims)
            yield AnalysedArticle(article=article, analysis=analysis)
            continue
        try:
            with time_budget(budget, "analysis"):
                doc = docs.get(index) or nlp(article.text)
                analysis = analyse_doc(doc, article, name, atomic_claims=settings.atomic_claims)
        except Exception as exc:  # the analysis stage's boundary: this article fails alone
            yield failure_of(exc, article.source, "analyse")
            continue
        yield AnalysedArticle(article=article, analysis=analysis)


def analyse_article(article: Article, settings: Settings, nlp: Language | None = None) -> Analysis:
    return next(analyse_articles([article], settings, nlp=nlp)).analysis
