"""Claims: an article's statements as units, each with its voice, entities, dates and numbers.

A claim is a sentence. When a quotation covers most of a sentence, the claim carries the quotation's
content and speaker as its voice; otherwise it is the outlet's own narration (voice "outlet"). Loaded
words in a quoted claim belong to the speaker, not the outlet; the compare stage relies on that split.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from rashomon.analyse.entities import EntityIndex
from rashomon.records import Claim, DateMention, Quote

_NUMBER_LABELS = ("CARDINAL", "QUANTITY", "MONEY", "PERCENT", "ORDINAL")
_NEGATIONS = {"not", "n't", "never", "no", "neither", "nor", "without"}


def _paragraph_of(paragraphs: list[tuple[int, int]], char: int) -> int:
    n = 0
    for i, (start, _) in enumerate(paragraphs):
        if start <= char:
            n = i
    return n


def build_claims(
    doc: Doc,
    index: EntityIndex,
    quotes: list[Quote],
    dates: list[DateMention],
    paragraphs: list[tuple[int, int]],
    *,
    skip_before: int = 0,
) -> list[Claim]:
    claims: list[Claim] = []
    for number, sent in enumerate(doc.sents):
        text = sent.text.strip()
        if len(text) < 3 or sent.end_char <= skip_before or not re.search(r"\w", text):
            continue
        start = max(sent.start_char, skip_before)
        if start > sent.start_char:
            text = doc.text[start : sent.end_char].strip(" —–-")
        voice, speaker_id, quote_id = "outlet", None, None
        best = 0
        for quote in quotes:
            overlap = max(0, min(quote.end, sent.end_char) - max(quote.start, start))
            if overlap > best and overlap >= 0.3 * (sent.end_char - start) and quote.speaker:
                best = overlap
                voice, speaker_id, quote_id = quote.speaker, quote.speaker_id, quote.id
        entity_ids = []
        for token in sent:
            eid = index.by_token.get(token.i)
            if eid and eid not in entity_ids:
                entity_ids.append(eid)
        numbers = tuple(
            ent.text
            for ent in doc.ents
            if ent.label_ in _NUMBER_LABELS and sent.start_char <= ent.start_char < sent.end_char
        )
        negated = any(t.dep_ == "neg" or t.lower_ in _NEGATIONS for t in sent)
        claims.append(
            Claim(
                id=f"c{number + 1}",
                text=text,
                start=start,
                end=sent.end_char,
                voice=voice,
                speaker_id=speaker_id,
                quote_id=quote_id,
                entities=tuple(entity_ids),
                dates=tuple(d for d in dates if sent.start_char <= d.start < sent.end_char),
                numbers=numbers,
                negated=negated,
                paragraph=_paragraph_of(paragraphs, sent.start_char),
            )
        )
    return claims
