"""Claims: an article's statements as units, each with its voice, entities, dates and numbers.

A claim is a sentence. When a quotation covers most of a sentence, the claim carries the quotation's
content and speaker as its voice; otherwise it is the outlet's own narration (voice "outlet"). Loaded
words in a quoted claim belong to the speaker, not the outlet; the compare stage relies on that split.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

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
    atomic: bool = False,
) -> list[Claim]:
    """One claim per sentence, or (``atomic``) per coordinated clause of a sentence."""
    claims: list[Claim] = []
    number_ents = [ent for ent in doc.ents if ent.label_ in _NUMBER_LABELS]  # Doc.ents is rebuilt on each access
    units = [unit for sent in doc.sents for unit in (clauses(sent) if atomic else [sent])]
    for number, sent in enumerate(units):
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
        predicate, subject, obj = _frame(sent, index)
        timed = [
            (t, _governing_verb(ent.root))
            for ent in doc.ents
            if ent.label_ == "TIME" and sent.start_char <= ent.start_char < sent.end_char
            for t in [parse_time(_with_prefix(ent))]
            if t
        ]
        claim_dates = tuple(d for d in dates if sent.start_char <= d.start < sent.end_char)
        date_verbs = tuple(_governing_verb(_token_at(doc, d.start)) for d in claim_dates)
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
                dates=claim_dates,
                date_verbs=date_verbs,
                numbers=numbers,
                negated=negated,
                paragraph=_paragraph_of(paragraphs, sent.start_char),
                lemmas=lemmas,
                quantities=quantities,
                places=places,
                predicate=predicate,
                subject=subject,
                object=obj,
                times=tuple(t for t, _ in timed),
                time_verbs=tuple(v for _, v in timed),
                items=_items(sent),
                predicate_negated=_predicate_negated(sent, predicate),
            )
        )
    return claims


_MIN_CLAUSE_WORDS = 4


def clauses(sent: Span) -> list[Span]:
    """A sentence cut before each conjunction that joins two clauses of its main verb ("... was arrested in
    Florida on Friday | and charged with five crimes, police said") and after a semicolon between clauses.
    Cuts keep each piece contiguous (its own character span) and at least four words long; a sentence with
    no such joint is one piece."""
    doc = sent.doc
    cuts: list[int] = []
    # The main verb, the clause it reports ("police said | X was arrested and charged"), and their
    # coordinated verbs.
    main = [sent.root, *(t for t in sent.root.children if t.dep_ == "ccomp" and t.pos_ in ("VERB", "AUX"))]
    for verb in main:  # grows while it is read: conjuncts of conjuncts ("cut ..., closed ... and fell")
        main += [t for t in verb.children if t.dep_ == "conj" and t.pos_ in ("VERB", "AUX") and t not in main]
    for verb in main:
        for child in verb.children:
            if child.dep_ == "conj" and child.pos_ in ("VERB", "AUX") and child.i > verb.i:
                joints = [
                    t
                    for t in verb.children
                    if verb.i < t.i < child.i and (t.dep_ == "cc" or (t.dep_ == "punct" and t.text == ";"))
                ]
                joint = joints[-1] if joints else None  # the conjunction right before this clause
                if joint is not None:
                    cuts.append(joint.i + (1 if joint.text == ";" else 0))
    for token in sent:
        if token.text == ";" and token.head.i == sent.root.i:
            cuts.append(token.i + 1)
    pieces: list[Span] = []
    start = sent.start
    for cut in sorted(set(cuts)):
        if cut <= start or cut >= sent.end:
            continue
        piece = doc[start:cut]
        rest = doc[cut : sent.end]
        if _words(piece) >= _MIN_CLAUSE_WORDS and _words(rest) >= _MIN_CLAUSE_WORDS:
            pieces.append(piece)
            start = cut
    pieces.append(doc[start : sent.end])
    return pieces


def _words(span: Span) -> int:
    return sum(1 for t in span if t.is_alpha)


_APPROX = re.compile(r"\b(?:about|around|approximately|roughly|some|shortly|just|nearly|almost|circa|ca\.?)\b", re.I)
_TIME = re.compile(
    r"(?:(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ap>a\.?m\.?|p\.?m\.?)|(?P<h24>[01]?\d|2[0-3])[:.h](?P<m24>[0-5]\d)"
    r"|(?P<word>midnight|noon|midday))",
    re.IGNORECASE,
)


def _token_at(doc: Doc, char: int) -> Token | None:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _governing_verb(token: Token | None) -> str | None:
    """The verb a date or time phrase belongs to ("died" in "died on Friday"); a verb of speech ("said on
    Monday") dates the statement, not the happening: it is returned as "say"."""
    for _ in range(6):
        if token is None:
            return None
        if (token.pos_ in ("VERB", "AUX") and token.lemma_.lower() not in ("be", "have")) or token.dep_ == "ROOT":
            return token.lemma_.lower()
        token = token.head if token.head is not token else None
    return None


def _predicate_negated(sent: Span, predicate: str | None) -> bool:
    """Whether the claim's main verb is denied: a "not" on it, or "no"/"nobody" on its subject or object."""
    for token in sent:
        if token.lemma_.lower() != predicate:
            continue
        for child in token.children:
            if child.dep_ == "neg":
                return True
            if child.dep_ in ("nsubj", "nsubjpass", "dobj", "attr") and (
                child.lower_ in ("nobody", "nothing", "none", "no one")
                or any(g.dep_ == "det" and g.lower_ in ("no", "neither") for g in child.children)
            ):
                return True
        return False
    return False


def _with_prefix(ent: Span) -> str:
    """A time entity with the word before it ("shortly" in "shortly after 2am")."""
    before = ent.doc[ent.start - 2 : ent.start].text if ent.start >= 2 else ""
    return f"{before} {ent.text}"


def parse_time(text: str) -> str | None:
    """A time of day as "HH:MM" ("~HH:MM" when approximate): "6pm", "18:30", "about 7 p.m.", "midnight"."""
    match = _TIME.search(text)
    if not match:
        return None
    if match["word"]:
        hour, minute = (0, 0) if match["word"].lower() == "midnight" else (12, 0)
    elif match["h24"] is not None:
        hour, minute = int(match["h24"]), int(match["m24"])
    else:
        hour, minute = int(match["h"]) % 12, int(match["m"] or 0)
        if match["ap"].lower().startswith("p"):
            hour += 12
    if hour > 23 or minute > 59:
        return None
    return ("~" if _APPROX.search(text) else "") + f"{hour:02d}:{minute:02d}"


# Kinds of things reports describe differently ("a grey sedan" / "a blue lorry"); modifiers that describe.
_KINDS = {
    "vehicle": {"car", "sedan", "saloon", "van", "lorry", "truck", "pick-up", "pickup", "bus", "coach", "minibus",
                "motorcycle", "motorbike", "scooter", "suv", "taxi", "jeep", "tractor", "hatchback", "estate"},
    "vessel": {"ship", "boat", "trawler", "ferry", "yacht", "freighter", "tanker", "vessel", "barge", "dinghy",
               "tug", "cargo", "liner"},
    "building": {"house", "farmhouse", "villa", "flat", "apartment", "cottage", "mansion", "bungalow", "chalet"},
    "weapon": {"rifle", "shotgun", "pistol", "handgun", "gun", "knife", "machete", "revolver", "crossbow"},
    "thrown": {"coin", "bottle", "stone", "flare", "lighter", "can", "brick", "rock", "egg"},
}  # fmt: skip
_KIND_OF = {noun: kind for kind, nouns in _KINDS.items() for noun in nouns}


def _items(sent: Span) -> tuple[str, ...]:
    """Things of the kinds above with what describes them: "vehicle:van:white panel"."""
    out = []
    for token in sent:
        kind = _KIND_OF.get(token.lemma_.lower()) if token.pos_ in ("NOUN", "PROPN") else None
        if not kind:
            continue
        modifiers = [
            c.lower_
            for c in token.children
            if c.dep_ in ("amod", "compound", "nmod") and c.i < token.i and c.pos_ in ("ADJ", "NOUN", "VERB", "PROPN")
        ]
        out.append(f"{kind}:{token.lemma_.lower()}:{' '.join(modifiers)}")
    return tuple(dict.fromkeys(out))


_SPEECH = {"say", "tell", "add", "report", "state", "announce", "claim", "insist", "confirm", "write"}


def _frame(sent: Span, index: EntityIndex) -> tuple[str | None, str | None, str | None]:
    """(predicate, subject, object) of a sentence: its main verb and who does what to whom. In reported
    speech ("X died, police said") the reported clause is the claim: its verb is the predicate."""
    root = sent.root
    if root.lemma_.lower() == "be":  # "It was a security guard who raised the alarm": the cleft's verb
        attr = next((c for c in root.children if c.dep_ == "attr"), None)
        clause = next((c for c in attr.children if c.dep_ == "relcl"), None) if attr is not None else None
        if clause is not None:
            obj = next((c for c in clause.children if c.dep_ in ("dobj", "attr")), None)
            return (
                clause.lemma_.lower(),
                index.by_token.get(attr.i) or attr.lemma_.lower(),
                (index.by_token.get(obj.i) or obj.lemma_.lower()) if obj is not None else None,
            )
    if root.lemma_.lower() in _SPEECH:
        reported = [c for c in root.children if c.dep_ in ("ccomp", "parataxis", "xcomp")]
        if reported:
            root = reported[0]
    predicate = root.lemma_.lower() if root.pos_ in ("VERB", "AUX", "NOUN", "PROPN", "ADJ") else None

    def filler(deps: tuple[str, ...]) -> str | None:
        for child in root.children:
            if child.dep_ in deps:
                for token in child.subtree:
                    eid = index.by_token.get(token.i)
                    if eid:
                        return eid
                return child.lemma_.lower()
        return None

    subject = filler(("nsubj", "nsubjpass", "csubj"))
    obj = filler(("dobj", "attr", "oprd"))
    if obj is None:  # "arrested by a passer-by": the agent of a passive is its subject
        for child in root.children:
            if child.dep_ == "agent":
                words = [t for t in child.subtree if t.i != child.i]
                heads = [t for t in words if t.dep_ == "pobj" and t.pos_ in ("NOUN", "PROPN", "PRON")]
                head = heads[0] if heads else next((t for t in words if t.pos_ in ("NOUN", "PROPN")), None)
                if head is not None:
                    obj, subject = subject, index.by_token.get(head.i) or head.lemma_.lower()
    return predicate, subject, obj


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


_CURRENCIES = {
    "euro", "euros", "dollar", "dollars", "pound", "pounds", "crown", "crowns", "krona", "kronor", "franc",
    "francs", "yen", "rupee", "rupees", "yuan", "rouble", "roubles", "ruble", "rubles", "€", "$", "£",
}  # fmt: skip


def _quantity(ent: Span) -> Quantity:
    """What a number counts: the noun it modifies ("19 people"), the noun of "toll at 19", "percent of the
    vote", a currency next to it (money), and the verb of what happened to it ("were evacuated")."""
    root = ent.root
    doc = ent.doc
    noun = None
    text = ent.text
    after = doc[ent.end] if ent.end < len(doc) else None
    if ent.label_ == "MONEY" or (after is not None and after.lower_ in _CURRENCIES) or root.lower_ in _CURRENCIES:
        noun = "money"
        if after is not None and after.lower_ in _CURRENCIES and after.lower_ not in text.lower():
            text = f"{text} {after.text}"
    elif ent.label_ == "PERCENT" or (after is not None and after.lower_ in ("percent", "per")):
        measured = next((c for c in root.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        of = next((c for c in measured.children if c.dep_ == "pobj"), None) if measured is not None else None
        head = (
            root.head if root.dep_ in ("nummod", "compound", "amod", "npadvmod") and root.head.pos_ == "NOUN" else None
        )
        target = of or head
        noun = "%" + (f" {target.lemma_.lower()}" if target is not None else "")
    elif root.dep_ in ("nummod", "quantmod", "npadvmod", "amod") and root.head.pos_ in ("NOUN", "PROPN", "ADJ"):
        noun = root.head.lemma_.lower()
    elif root.dep_ == "pobj" and root.head.head.pos_ == "NOUN":
        noun = root.head.head.lemma_.lower()  # "a toll of 19"
    elif root.dep_ in ("nsubj", "nsubjpass", "dobj", "attr") and root.pos_ == "NUM":
        inner = next((c for c in root.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        whole = next((c for c in inner.children if c.dep_ == "pobj"), None) if inner is not None else None
        noun = whole.lemma_.lower() if whole is not None else None  # "three of the injured"
    verb = None
    token = root
    for _ in range(5):  # up the tree to the verb the counted phrase depends on
        token = token.head
        if token.pos_ in ("VERB", "AUX"):
            lemma = token.lemma_.lower()
            if lemma in ("be", "have"):
                xcomp = next((c for c in token.children if c.dep_ == "xcomp" and c.pos_ == "VERB"), None)
                if xcomp is not None:  # "had to leave their homes"
                    verb = xcomp.lemma_.lower()
                    break
                if token.dep_ in ("aux", "auxpass"):
                    continue
            else:
                verb = lemma
                break
        if token.head is token:
            break
    # A count of part of a whole ("four of the patients", "including five children"); percentages and
    # money "of" something are measures of it, not parts.
    part = not noun or (not noun.startswith("%") and noun != "money")
    part = part and (
        any(c.dep_ == "prep" and c.lower_ == "of" for c in root.children)
        or any(t.lower_ in ("including", "among") for t in doc[max(ent.start - 2, 0) : ent.start])
    )
    return Quantity(text=text, value=parse_number(ent.text), noun=noun, verb=verb, part=part)


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
