"""Claims: an article's statements as units, each with its voice, entities, dates and numbers.

A claim is a sentence. When a quotation covers most of a sentence, the claim carries the quotation's
content and speaker as its voice; otherwise it is the outlet's own narration (voice "outlet"). Loaded
words in a quoted claim belong to the speaker, not the outlet; the compare stage relies on that split.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from rashomon.analyse.entities import EntityIndex, doc_text
from rashomon.records import Claim, DateMention, Quantity, Quote

_NUMBER_LABELS = ("CARDINAL", "QUANTITY", "MONEY", "PERCENT", "ORDINAL")
_NEGATIONS = {"not", "n't", "never", "no", "neither", "nor", "without", "nobody", "none", "nothing", "nowhere"}


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
    number_ents = [ent for ent in doc.ents if ent.label_ in _NUMBER_LABELS]  # Doc.ents is rebuilt on each access
    for number, sent in enumerate(doc.sents):
        text = sent.text.strip()
        if len(text) < 3 or sent.end_char <= skip_before or not re.search(r"\w", text):
            continue
        start = max(sent.start_char, skip_before)
        if start > sent.start_char:
            text = doc_text(doc)[start : sent.end_char].strip().strip("—–-").strip()
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
            for ent in number_ents
            if ent.label_ in _NUMBER_LABELS and sent.start_char <= ent.start_char < sent.end_char
        )
        negated = any(t.dep_ == "neg" or t.lower_ in _NEGATIONS for t in sent)
        lemmas = tuple(
            t.lemma_.lower()
            for t in sent
            if t.pos_ in _LEMMA_POS and not t.is_stop and not t.is_punct and len(t.text) > 1 and t.idx >= start
        )
        quantities = tuple(
            _quantity(ent)
            for ent in number_ents
            if ent.label_ in ("CARDINAL", "QUANTITY", "MONEY", "PERCENT")
            and sent.start_char <= ent.start_char < sent.end_char
        )
        places = tuple(
            dict.fromkeys(
                index.by_id[eid].name
                for eid in entity_ids
                if index.by_id[eid].type in ("GPE", "LOC", "FAC") and not _inside_name(sent, index, eid)
            )
        )
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
                lemmas=lemmas,
                quantities=quantities,
                places=places,
            )
        )
    return claims


_LEMMA_POS = {"NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV"}
_NUMBER_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
    "dozens": 24,
    "hundreds": 200,
    "thousands": 2000,
}
_SCALE = {"thousand": 1e3, "million": 1e6, "mln": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12, "k": 1e3, "m": 1e6}


def parse_number(text: str) -> float | None:
    """The value of a number as news writes it: "3,400", "12", "twelve", "1.5 million", "310 mln", "6.8%"."""
    low = text.lower().replace(",", "").replace("%", " ").strip()
    match = re.search(r"(\d+(?:\.\d+)?)\s*([a-z]+)?", low)
    if match:
        value = float(match[1])
        scale = _SCALE.get(match[2] or "")
        return value * scale if scale else value
    total = 0.0
    found = False
    for word in re.findall(r"[a-z]+", low):
        if word in _NUMBER_WORDS:
            value = _NUMBER_WORDS[word]
            total = total * value if value == 100 and total else total + value
            found = True
        elif word in _SCALE and found:
            total *= _SCALE[word]
    return total if found else None


def _quantity(ent: Span) -> Quantity:
    """What a number counts: the noun it modifies ("19 people"), the noun of "toll at 19", or its own unit."""
    root = ent.root
    noun = None
    if root.dep_ in ("nummod", "quantmod", "npadvmod", "amod") and root.head.pos_ in ("NOUN", "PROPN", "ADJ"):
        noun = root.head.lemma_.lower()
    elif root.dep_ == "pobj" and root.head.head.pos_ in ("NOUN", "VERB"):
        noun = root.head.head.lemma_.lower()
    elif root.dep_ in ("dobj", "attr", "appos"):
        noun = root.head.lemma_.lower()
    if ent.label_ == "PERCENT":
        noun = "%" + (f" {noun}" if noun else "")
    elif ent.label_ == "MONEY":
        noun = "money"
    verb = None
    token = root
    for _ in range(4):  # up the tree to the verb the counted phrase depends on
        token = token.head
        if token.pos_ in ("VERB", "AUX") and token.lemma_.lower() not in ("be", "have"):
            verb = token.lemma_.lower()
            break
        if token.head is token:
            break
    return Quantity(text=ent.text, value=parse_number(ent.text), noun=noun, verb=verb)


def _inside_name(sent: Span, index: EntityIndex, eid: str) -> bool:
    """Whether every mention of a place in the sentence ends an organisation's name the tagger split
    ("... Cooperation in Europe"): such a place is no location of the claim."""
    tokens = [t for t in sent if index.by_token.get(t.i) == eid]
    if not tokens:
        return False
    for token in tokens:
        before = token.doc[token.i - 1] if token.i > 0 else None
        owner = index.entity_at(token.i - 2) if token.i > 1 else None
        if not (
            before is not None and before.lower_ in ("in", "of", "for") and owner is not None and owner.type == "ORG"
        ):
            return False
    return True
