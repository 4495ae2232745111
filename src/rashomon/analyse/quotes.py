"""Who said what: direct, indirect and mixed quotations over a spaCy parse.

Three passes, the shape of the best open rule systems on news (SFU's Gender Gap Tracker, BBC's Citron):

1. quote marks: spans between paired quote marks, counted per paragraph, so a paragraph that opens a
   quote without closing it continues into the next one that opens with a mark;
2. attributions: cue verbs from the lexicon (say, tell, complain, accuse, insist, believe, ...) with their
   subject as source and their clausal complement as content, plus "according to X", parenthetical
   "he said", relative "who said", "was quoted as saying";
3. joining: a quote-mark span that an attribution's cue sits next to is a direct quote with that
   source; a fragment in quote marks inside an attribution's content makes it mixed; a quote-mark span
   with no cue of its own continues the previous quote (same speaker), as floating quotes do.

Speakers are resolved afterwards, in text order, by rashomon.analyse.speakers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from rashomon.analyse.entities import doc_text
from rashomon.analyse.lexicons import cue_verbs, role_words

OPEN_MARKS = "“„«‟"
CLOSE_MARKS = "”»"
STRAIGHT = '"'
_SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
_CONTENT_DEPS = ("ccomp", "xcomp", "parataxis")
# Cues whose object (a noun phrase) is what was said: "announced an initiative", "denied the report".
_NP_CONTENT_LEMMAS = {
    "announce",
    "deny",
    "confirm",
    "reject",
    "propose",
    "criticize",
    "criticise",
    "praise",
    "condemn",
    "welcome",
    "demand",
    "urge",
    "dismiss",
    "question",
    "predict",
    "promise",
    "pledge",
    "vow",
    "threaten",
    "call",
    "mention",
    "acknowledge",
    "admit",
    "reveal",
    "disclose",
    "report",
    "blame",
    "accuse",
    "warn",
    "recommend",
    "suggest",
}


# Cues whose direct object is the addressee, not what was said: "told reporters", "asked the minister".
_ADDRESSEE_OBJECTS = {
    "tell",
    "ask",
    "inform",
    "assure",
    "reassure",
    "remind",
    "advise",
    "brief",
    "convince",
    "persuade",
    "warn",
    "urge",
    "thank",
    "answer",
    "address",
    "contact",
    "call",
}


@dataclass
class MarkSpan:
    """Text between a pair of quote marks (inner offsets, marks excluded)."""

    start: int
    end: int
    paragraph: int
    continues: bool = False  # opens a paragraph that continues the previous paragraph's quote
    open_ended: bool = False  # the paragraph ended before the closing mark
    used: bool = False

    @property
    def outer(self) -> tuple[int, int]:
        return self.start - 1, self.end + 1


@dataclass
class Attribution:
    cue: tuple[int, int]  # char offsets
    cue_text: str
    cue_lemma: str
    content: tuple[int, int] | None
    source_token: Token | None
    source: tuple[int, int] | None
    sentence: int
    paragraph: int
    kind: str = "indirect"
    marks: list[MarkSpan] = field(default_factory=list)
    relative_to: Token | None = None  # "who said": the noun the relative clause modifies
    passive_agent: bool = False
    document: bool = False  # "according to a transcript": a medium, not a speaker


@dataclass
class RawQuote:
    """A quotation before speaker resolution."""

    start: int
    end: int
    kind: str
    paragraph: int
    attribution: Attribution | None = None
    follows_previous: bool = False


# ------------------------------------------------------------------------------------------ quote marks


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
        spans.append((match.start(), match.end()))
    return spans


def find_mark_spans(text: str, paragraphs: list[tuple[int, int]]) -> list[MarkSpan]:
    """Quote-mark spans per paragraph. Curly marks pair by direction; straight marks by position
    (an opening mark follows a space or an opening bracket, a closing one precedes space or punctuation)."""
    spans: list[MarkSpan] = []
    carried = False  # the previous paragraph left a quote open
    opening, closing, straight = OPEN_MARKS, CLOSE_MARKS, STRAIGHT
    if _single_quote_style(text):
        # British style: ‘quotes’ are the quotations; a ’ between letters is an apostrophe.
        opening, closing, straight = "‘", "’", ""
    for number, (p_start, p_end) in enumerate(paragraphs):
        para = text[p_start:p_end]
        first_char = para.lstrip()[:1]
        continues = carried and bool(first_char) and first_char in opening + straight
        carried = False
        open_at: int | None = None
        for i, ch in enumerate(para):
            if ch not in opening + closing + straight:
                continue
            if ch == "’" and i + 1 < len(para) and para[i + 1].isalpha():
                continue  # it’s, Halvik’s
            if ch == STRAIGHT and straight:
                before = para[i - 1] if i else " "
                after = para[i + 1] if i + 1 < len(para) else " "
                is_open = (before.isspace() or before in "([{—–-/") and not after.isspace()
                if open_at is None and not is_open and i > 0 and not (before.isspace() or before in "([{"):
                    continue  # a stray closing mark (inch sign, typo)
                is_open = open_at is None
            else:
                is_open = ch in opening
            if is_open and open_at is None:
                open_at = i + 1
            elif not is_open and open_at is not None:
                if i > open_at:
                    spans.append(
                        MarkSpan(
                            p_start + open_at, p_start + i, number, continues=continues and not spans_in(spans, number)
                        )
                    )
                open_at = None
        if open_at is not None and p_end - (p_start + open_at) > 1:
            spans.append(
                MarkSpan(
                    p_start + open_at,
                    p_end,
                    number,
                    open_ended=True,
                    continues=continues and not spans_in(spans, number),
                )
            )
            carried = True
    return spans


def _single_quote_style(text: str) -> bool:
    """Whether a text quotes with single marks (‘...’) rather than double ones."""
    singles = text.count("‘")
    doubles = sum(text.count(c) for c in OPEN_MARKS + STRAIGHT)
    return singles >= 2 and doubles * 2 < singles


def spans_in(spans: list[MarkSpan], paragraph: int) -> bool:
    return any(s.paragraph == paragraph for s in spans)


# ----------------------------------------------------------------------------------------- attributions


def _phrasal_lemma(token: Token) -> str:
    particles = [c.lower_ for c in token.children if c.dep_ == "prt"]
    if particles:
        phrase = f"{token.lemma_.lower()} {particles[0]}"
        if phrase in cue_verbs():
            return phrase
    preps = [c.lower_ for c in token.children if c.dep_ == "prep"]
    for prep in preps:
        phrase = f"{token.lemma_.lower()} {prep}"
        if phrase in cue_verbs():
            return phrase
    return token.lemma_.lower()


def _np_span(token: Token) -> tuple[int, int]:
    """Character span of a noun phrase headed by ``token``, without relative clauses, appositives or
    anything after a comma."""
    left = token.left_edge.i
    right = token.i
    for child in token.rights:
        if child.dep_ in ("relcl", "appos", "acl", "punct", "advcl", "cc", "conj") or child.text in (",", "—", "("):
            break
        right = child.right_edge.i
    doc = token.doc
    while right > token.i and doc[right].is_punct:
        right -= 1
    while left < token.i and (doc[left].is_punct or doc[left].dep_ == "cc"):
        left += 1
    return doc[left].idx, doc[right].idx + len(doc[right].text)


def _subtree_span(token: Token, exclude: set[int] | None = None) -> tuple[int, int]:
    doc = token.doc
    indices = [t.i for t in token.subtree if not exclude or t.i not in exclude]
    left, right = min(indices), max(indices)
    while right > left and (doc[right].is_punct and doc[right].text not in "”\"’'"):
        right -= 1
    while left < right and doc[left].is_punct and doc[left].text not in "“\"‘'":
        left += 1
    return doc[left].idx, doc[right].idx + len(doc[right].text)


def _cue_span(token: Token) -> tuple[int, int, str]:
    doc = token.doc
    left = token.i
    for child in token.lefts:
        if child.dep_ in ("aux", "auxpass", "neg") and child.i >= token.i - 3:
            left = min(left, child.i)
    right = token.i
    for child in token.rights:
        if child.dep_ == "prt":
            right = max(right, child.i)
    span = doc[left : right + 1]
    return span.start_char, span.end_char, span.text


def find_attributions(doc: Doc, paragraphs: list[tuple[int, int]]) -> list[Attribution]:
    """Attributions from the parse: cue verbs with sources and contents, "according to", "quoted as saying"."""
    cues = cue_verbs()
    found: list[Attribution] = []
    sentence_index = {s.start: n for n, s in enumerate(doc.sents)}
    para_starts = [p[0] for p in paragraphs]

    def paragraph_of(char: int) -> int:
        n = 0
        for i, start in enumerate(para_starts):
            if start <= char:
                n = i
        return n

    for sent in doc.sents:
        snum = sentence_index[sent.start]
        for token in sent:
            lower = token.lower_
            if lower == "according" and any(c.lower_ == "to" for c in token.children):
                att = _according_to(token, snum, paragraph_of(token.idx))
                if att:
                    found.append(att)
                continue
            if token.pos_ not in ("VERB", "AUX") and not (token.pos_ == "NOUN" and token.dep_ == "ROOT"):
                continue
            lemma = _phrasal_lemma(token)
            cue = cues.get(lemma)
            if cue is None or (cue.kind == "intention" and lemma not in _NP_CONTENT_LEMMAS and lemma != "call for"):
                continue  # "plans to meet" states an intention, not something said
            if (
                cue.kind in ("belief", "perception")
                and lemma not in _FINDING_VERBS
                and not any(c.dep_ == "ccomp" for c in token.children)
            ):
                continue  # "will consider the tasks" is no attribution; "believes that ..." is
            att = _verb_attribution(token, lemma, snum, paragraph_of(token.idx))
            if att:
                found.append(att)
    return found


def _verb_attribution(token: Token, lemma: str, sentence: int, paragraph: int) -> Attribution | None:
    doc = token.doc
    # "was quoted as saying": the cue is the whole phrase, the source is the subject.
    if (
        token.lemma_ == "say"
        and token.dep_ == "pcomp"
        and token.head.lower_ == "as"
        and token.head.head.lemma_ == "quote"
    ):
        return None  # handled from "quoted"
    subject = next((c for c in token.children if c.dep_ in _SUBJECT_DEPS), None)
    if subject is None and token.dep_ in ("conj", "advcl", "xcomp") and token.head.pos_ in ("VERB", "AUX"):
        # "Halvik criticized X and called for Y", "the unions resisted ..., arguing that ...".
        subject = next((c for c in token.head.children if c.dep_ in ("nsubj",)), None)
    agent = next((c for c in token.children if c.dep_ == "agent"), None)
    content_token = next((c for c in token.children if c.dep_ in ("ccomp", "xcomp")), None)
    closing_before = any(
        t.text in CLOSE_MARKS + STRAIGHT for t in doc[max(0, token.i - 3) : token.i]
    )  # “...,” sobbed Selma Ruhl: the quotation ends right before the cue
    if subject is not None and closing_before and subject.i < token.i:
        between = [t.text for t in doc[subject.i + 1 : token.i] if t.text in OPEN_MARKS + CLOSE_MARKS + STRAIGHT]
        if between and (between[0] in CLOSE_MARKS or (between[0] == STRAIGHT and len(between) % 2 == 1)):
            subject = None  # the parse took the quotation's last word ("Nothing,” sobbed ...") for the speaker
    if subject is None and (closing_before or (content_token is not None and content_token.i < token.i)):
        # In the inverted order the parser may take the speaker for an object.
        subject = next(
            (c for c in token.rights if c.dep_ in ("dobj", "npadvmod", "attr") and c.pos_ in ("PROPN", "NOUN")), None
        )
    cue_start, cue_end, cue_text = _cue_span(token)
    passive_agent = False
    if token.lemma_ == "quote":
        as_token = next((c for c in token.children if c.lower_ == "as"), None)
        saying = next((c for c in as_token.children if c.lemma_ == "say"), None) if as_token is not None else None
        if saying is None:
            return None
        cue_end = saying.idx + len(saying.text)
        cue_text = doc_text(doc)[cue_start:cue_end]
        content_token = next((c for c in saying.children if c.dep_ in ("ccomp", "xcomp", "dobj")), None)
    elif subject is not None and subject.dep_ == "nsubjpass":
        # "It was announced by X that ..." / "X was criticized": the agent speaks, if any.
        if agent is not None and any(True for _ in agent.children):
            subject = next(iter(agent.children))
            passive_agent = True
        else:
            return None
    content: tuple[int, int] | None = None
    if content_token is not None:
        content = _subtree_span(content_token)
        if content_token.head.i == token.i:
            # A complement the parser split in two ("complained that plans ... | were foiled by ..."): the
            # content is every clausal complement on the same side of the cue.
            for other in token.children:
                if (
                    other.dep_ == "ccomp"
                    and other.i != content_token.i
                    and (other.i > token.i) == (content_token.i > token.i)
                ):
                    more = _subtree_span(other)
                    content = (min(content[0], more[0]), max(content[1], more[1]))
    elif token.dep_ == "parataxis" or (
        token.dep_ in ("advcl",) and token.i > token.head.i and subject is not None and subject.pos_ == "PRON"
    ):
        # "..., he said, ...": the content is the clause the parenthetical interrupts.
        head = token.head
        content = _subtree_span(head, exclude={t.i for t in token.subtree})
    else:
        obj = None
        cue = cue_verbs().get(lemma)
        np_ok = (
            lemma.split()[0] in _NP_CONTENT_LEMMAS
            or lemma in ("call for", "point to", "point out")
            or (cue is not None and cue.kind in ("speech", "report") and lemma not in _ADDRESSEE_OBJECTS)
            or lemma in _FINDING_VERBS
        )
        if np_ok:
            obj = next((c for c in token.children if c.dep_ in ("dobj", "pobj")), None)
            prep = next(
                (c for c in token.children if c.dep_ == "prep" and c.lower_ in ("of", "for", "to", "about")), None
            )
            if obj is None and prep is not None:
                # "complained about X", "called for X": what was said is X, not the preposition.
                obj = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), prep)
            if obj is not None and (
                (subject is not None and obj.i == subject.i)  # the inverted speaker, not what was said
                or obj.pos_ == "PRON"  # "said it", "denied this": the content is elsewhere, or nowhere
                or lemma in _NO_NP_CONTENT
                or (
                    # "did not reveal any details", "haven't said much": nothing was said
                    any(c.dep_ == "neg" for c in token.children)
                    and (obj.lower_ in _NOTHING or any(c.lower_ in ("any", "no") for c in obj.children))
                )
            ):
                obj = None
        if lemma == "call":
            predicate = next((c for c in token.children if c.dep_ in ("oprd", "xcomp", "ccomp")), None)
            if predicate is not None and obj is None:
                obj = next((c for c in token.children if c.dep_ == "dobj"), None)
            if predicate is not None and obj is not None:
                content = (
                    min(_subtree_span(obj)[0], _subtree_span(predicate)[0]),
                    max(_subtree_span(obj)[1], _subtree_span(predicate)[1]),
                )
                obj = None
            elif predicate is None:
                obj = None
                if subject is None:
                    return None
        if content is not None:
            pass
        elif obj is not None:
            content = _subtree_span(obj)
        else:
            # Q-C-S-V with the quote parsed as the head: “...,” the diplomat said.
            if (
                token.dep_ in ("ROOT",)
                and any(c.dep_ == "punct" and c.text in CLOSE_MARKS + STRAIGHT for c in token.lefts)
            ) or (token.dep_ not in ("ROOT",) and token.head.i < token.i and token.dep_ in ("ccomp", "advcl", "conj")):
                content = None
            elif subject is None:
                return None
    relative_to = None
    if subject is not None and subject.lower_ in ("who", "which", "that") and token.dep_ == "relcl":
        relative_to = token.head
    source = None
    if subject is not None:
        source = _np_span(subject)
    elif token.dep_ == "relcl":
        relative_to = token.head
    if subject is None and relative_to is None and content is None:
        return None
    return Attribution(
        cue=(cue_start, cue_end),
        cue_text=cue_text,
        cue_lemma=lemma,
        content=content,
        source_token=subject,
        source=source,
        sentence=sentence,
        paragraph=paragraph,
        relative_to=relative_to,
        passive_agent=passive_agent,
    )


# Cues whose noun-phrase object is not what was said ("noted the distance", "added two goals").
_NO_NP_CONTENT: set[str] = set()  # none yet: "noted the clot’s existence" is an attribution
# Findings whose object is what was found ("the data shows Democrats ahead"): attributed, not said.
_FINDING_VERBS = {"show"}
_NOTHING = {"much", "anything", "nothing", "more", "any", "details", "specifics"}
_DASH_SIGNATURE = re.compile(r"^\s*[,.]?\s*[―—–]\s*([A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})")
_TRANSCRIPT_SPEAKER = re.compile(r"^([A-Z][A-Z.'’\- ]{1,30}[A-Z.]):\s+(?=\S)")


def find_layout_attributions(doc: Doc, marks: list[MarkSpan], paragraphs: list[tuple[int, int]]) -> list[Attribution]:
    """Attributions made by layout rather than a verb: a quote signed with a dash ("“...” ― Ana Petrov", as
    vox pops print them) and a transcript line ("PETROV: Well, ..."), whose whole paragraph is the quote."""
    text = doc_text(doc)
    sentence_starts = [s.start_char for s in doc.sents]
    found: list[Attribution] = []

    def sentence_of(char: int) -> int:
        return max(0, next((i for i, start in enumerate(sentence_starts) if start > char), len(sentence_starts)) - 1)

    def token_at(char: int) -> Token | None:
        span = doc.char_span(char, char + 1, alignment_mode="expand")
        return span[0] if span is not None and len(span) else None

    for mark in marks:
        after = text[mark.end + 1 : paragraphs[mark.paragraph][1]]
        match = _DASH_SIGNATURE.match(after)
        if not match:
            continue
        name_start = mark.end + 1 + match.start(1)
        name_end = mark.end + 1 + match.end(1)
        dash = mark.end + 1 + after.index(match.group(0).strip()[0])
        source = token_at(name_end - 1)
        if source is None:
            continue
        found.append(
            Attribution(
                cue=(dash, dash + 1),
                cue_text=text[dash],
                cue_lemma="―",
                content=(mark.start, mark.end),
                source_token=source,
                source=(name_start, name_end),
                sentence=sentence_of(dash),
                paragraph=mark.paragraph,
                kind="direct",
            )
        )
    surnames = {e[-1].text.upper() for e in doc.ents if e.label_ == "PERSON"}
    for number, (start, end) in enumerate(paragraphs):
        match = _TRANSCRIPT_SPEAKER.match(text[start:end])
        if not match or not _speaker_label(match.group(1), surnames):
            continue
        colon = start + match.end(1)
        source = token_at(start + match.end(1) - 1)
        if source is None:
            continue
        found.append(
            Attribution(
                cue=(colon, colon + 1),
                cue_text=":",
                cue_lemma=":",
                content=(start + match.end(), end),
                source_token=source,
                source=(start, start + match.end(1)),
                sentence=sentence_of(colon),
                paragraph=number,
                kind="direct",
            )
        )
    return found


def _speaker_label(label: str, surnames: set[str]) -> bool:
    """Whether a transcript label ("PETROV:", "SEN. MARTA LIND:", "MODERATOR:") names a speaker: a person
    the article names, a first name and a surname, or a role. "WATCH:", "READ MORE:", "UPDATE:" do not."""
    from rashomon.analyse.lexicons import first_names, role_nouns

    label = " ".join(label.replace(".", ". ").split()).strip()
    words = [w.strip(".'’") for w in label.split() if w.strip(".'’")]
    if not words:
        return False
    if words[-1] in surnames:
        return True
    if len(words) >= 2 and any(w.lower() in first_names() for w in words[:-1]):
        return True  # "MARTA LIND", "SEN. MARTA LIND"
    roles = role_nouns()
    return " ".join(words).lower() in roles or words[-1].lower() in roles or words[-1].lower() in _TRANSCRIPT_ROLES


# Who speaks in a transcript besides named people and role nouns.
_TRANSCRIPT_ROLES = {"moderator", "host", "anchor", "interviewer", "reporter", "caller", "audience", "narrator"}


def _according_to(token: Token, sentence: int, paragraph: int) -> Attribution | None:
    to = next(c for c in token.children if c.lower_ == "to")
    source = next((c for c in to.children if c.dep_ == "pobj"), None)
    if source is None:
        return None
    head = token.head
    exclude = {t.i for t in token.subtree}
    content = _subtree_span(head, exclude=exclude) if head.i not in exclude else None
    doc = token.doc
    return Attribution(
        cue=(token.idx, to.idx + len(to.text)),
        cue_text=doc_text(doc)[token.idx : to.idx + len(to.text)],
        cue_lemma="according to",
        content=content,
        source_token=source,
        source=_np_span(source),
        sentence=sentence,
        paragraph=paragraph,
        document=source.lemma_.lower() in DOCUMENT_NOUNS,
    )


# Sources that are media, not speakers: "according to a transcript", "according to the report".
DOCUMENT_NOUNS = {
    "transcript",
    "report",
    "statement",
    "document",
    "website",
    "site",
    "record",
    "data",
    "poll",
    "survey",
    "study",
    "figure",
    "estimate",
    "filing",
    "letter",
    "memo",
    "interview",
    "account",
    "version",
    "release",
    "analysis",
    "tally",
    "count",
    "census",
    "audit",
    "review",
    "page",
    "post",
    "tweet",
    "video",
    "footage",
    "recording",
    "log",
    "minute",
    "note",
    "copy",
    "draft",
    "text",
    "source",
}


# -------------------------------------------------------------------------------------------- joining


def is_speech(cue_lemma: str | None) -> bool:
    """Whether a cue reports a speech or writing act (say, tell, write, announce, deny, urge) rather than a
    belief, a perception or a finding (believe, think, see, find, show). Words in quote marks are quoted
    speech whatever verb introduces them: this decides only for indirect attributions."""
    cue = cue_verbs().get(cue_lemma or "")
    return cue is None or cue.kind not in ("belief", "perception")


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _trim_content(
    text: str, content: tuple[int, int], source: tuple[int, int] | None, skip_before: int
) -> tuple[int, int] | None:
    """An indirect quotation's content without the dateline that opens the article ("PORTVILLE, May 2
    (Wire) — Nurses ended ...") and without the speaker's own title the parse left at its end ("... the
    offer, hospital director | Leo Park said")."""
    start, end = content
    if start < skip_before < end:
        start = skip_before
    if (
        source is not None
        and start < source[0]
        and source[0] - 3 < end <= source[1]
        and not text[end : source[0]].strip()
    ):
        # The content runs into the speaker's name: its last words may be the speaker's title.
        end = min(end, source[0])
        tail_at = text.rfind(",", start, end)
        tail = text[tail_at + 1 : end].split() if tail_at >= 0 else []
        roles = role_words()
        if (
            tail
            and len(tail) <= 4
            and any(w.lower().strip(".") in roles for w in tail)
            and all(w[:1].islower() or w.lower().strip(".") in roles for w in tail)
        ):
            end = tail_at
    while start < end and (text[start].isspace() or text[start] in ",;:—–-"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:—–-"):
        end -= 1
    return (start, end) if end - start >= 2 else None


def join_quotes(
    doc: Doc,
    marks: list[MarkSpan],
    attributions: list[Attribution],
    paragraphs: list[tuple[int, int]],
    skip_before: int = 0,
) -> list[RawQuote]:
    """Quote-mark spans and attributions into quotations (not yet with speakers), in text order.
    ``skip_before``: where the article's dateline ends (no content starts before it)."""
    sentences = list(doc.sents)
    sentence_of_char = _char_to_sentence(doc, sentences)
    quotes: list[RawQuote] = []
    # A cue inside quote marks is the quoted speaker's own verb ("We call for ...", "it urges ..."):
    # it attributes nothing in the article's voice.
    attributions = [a for a in attributions if not any(m.start <= a.cue[0] and a.cue[1] <= m.end for m in marks)]
    for mark in marks:
        m_sents = {sentence_of_char(mark.start), sentence_of_char(max(mark.start, mark.end - 1))}
        if mark.end < len(doc_text(doc)):
            m_sents.add(sentence_of_char(min(len(doc_text(doc)) - 1, mark.end + 1)))
        best: Attribution | None = None
        best_score = 0.0
        for att in attributions:
            if mark.start - 1 <= att.cue[0] and att.cue[1] <= mark.end + 1:
                continue  # a cue inside the quote is the quoted speaker's own verb
            # "He said:" closing the sentence (or paragraph) right before the quote.
            colon_intro = att.sentence + 1 == min(m_sents) and sentences[att.sentence].text.rstrip().endswith(":")
            if att.paragraph != mark.paragraph and not (colon_intro and att.paragraph + 1 == mark.paragraph):
                continue
            content_overlap = _overlap(att.content, (mark.start, mark.end)) if att.content else 0
            near = att.sentence in m_sents or colon_intro
            if not content_overlap and not near:
                continue
            distance = min(abs(att.cue[0] - mark.end), abs(att.cue[1] - mark.start))
            score = (2.0 if content_overlap else 0.0) + (1.0 if near else 0.0) - distance / 10000
            if att.content and content_overlap and content_overlap < 0.5 * (mark.end - mark.start):
                score -= 1.5
            if att.document:
                score -= 1.5
            if score > best_score:
                best, best_score = att, score
        if best is None:
            continue
        mark.used = True
        best.marks.append(mark)
    for att in attributions:
        if att.content is not None and not att.marks:
            att.content = _trim_content(doc_text(doc), att.content, att.source, skip_before)
        if not att.marks:
            if att.content is None:
                continue
            # A transcript line is the speaker's words; a belief, perception or finding ("police believe the
            # fire was set", "the data showed") is attributed but not said: its own kind.
            kind = "direct" if att.kind == "direct" else "belief" if not is_speech(att.cue_lemma) else "indirect"
            quotes.append(
                RawQuote(start=att.content[0], end=att.content[1], kind=kind, paragraph=att.paragraph, attribution=att)
            )
            continue
        content = att.content
        marked = sum(m.end - m.start for m in att.marks)
        if (
            content is None
            or marked >= 0.7 * (content[1] - content[0])
            or any(m.start <= content[0] + 2 and m.end >= content[1] - 2 for m in att.marks)
        ):
            for mark in att.marks:
                quotes.append(
                    RawQuote(start=mark.start, end=mark.end, kind="direct", paragraph=mark.paragraph, attribution=att)
                )
        else:
            # The quoted fragment may end the content: keep its closing mark inside ("... by “unilateral
            # approaches.”"). A fragment the paragraph ended before its closing mark has none to keep.
            end = max([content[1], *(m.end if m.open_ended else m.end + 1 for m in att.marks)])
            quotes.append(RawQuote(start=content[0], end=end, kind="mixed", paragraph=att.paragraph, attribution=att))
    for mark in marks:
        if mark.used:
            continue
        inner = doc_text(doc)[mark.start : mark.end]
        words = len(inner.split())
        sentence_like = words >= 4 and (re.search(r"[.!?,…]\W*$", inner.strip()) or mark.open_ended or words >= 8)
        if mark.continues or sentence_like:
            quotes.append(
                RawQuote(start=mark.start, end=mark.end, kind="direct", paragraph=mark.paragraph, follows_previous=True)
            )
    quotes.sort(key=lambda q: (q.start, q.end))
    return _dedupe(quotes)


def _dedupe(quotes: list[RawQuote]) -> list[RawQuote]:
    """A span found by two attributions (say, "according to" and a cue inside) is one quotation; the one
    with the nearest cue and a source wins."""
    kept: list[RawQuote] = []
    for quote in quotes:
        twin = next(
            (
                k
                for k in kept
                if _overlap((k.start, k.end), (quote.start, quote.end))
                >= 0.8 * min(k.end - k.start, quote.end - quote.start)
            ),
            None,
        )
        if twin is None or _nested_relative(twin, quote):
            # "X echoed comments by Y, who said that ...": Y's words inside X's are Y's own quotation.
            kept.append(quote)
            continue
        if twin.attribution is None and quote.attribution is not None:
            kept[kept.index(twin)] = quote
        elif twin.attribution and quote.attribution and twin.attribution.document and not quote.attribution.document:
            # "she mentioned ..., according to a transcript": the person speaks, the transcript records.
            kept[kept.index(twin)] = quote
        elif (
            twin.attribution
            and quote.attribution
            and twin.attribution.cue_lemma == "according to"
            and quote.attribution.cue_lemma != "according to"
            and quote.attribution.source is not None
        ):
            # "According to X, Moscow hopes that ...": the outer source speaks; keep it.
            continue
    return kept


def _nested_relative(outer: RawQuote, inner: RawQuote) -> bool:
    """Whether ``inner`` is a "who said" attribution whose cue lies inside ``outer``'s content: another
    speaker's words reported within the first's, not a second finding of the same quotation."""
    a, b = outer.attribution, inner.attribution
    return (
        a is not None
        and b is not None
        and b.relative_to is not None
        and a.relative_to is None
        and outer.start <= b.cue[0] < outer.end
    )


def _char_to_sentence(doc: Doc, sentences: list[Span]):  # type: ignore[no-untyped-def]
    starts = [s.start_char for s in sentences]

    def find(char: int) -> int:
        lo, hi = 0, len(starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if starts[mid] <= char:
                lo = mid
            else:
                hi = mid - 1
        return lo

    return find
