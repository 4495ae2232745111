"""Speaker resolution: from the source as written ("he", "the diplomat", "Moscow") to a canonical actor.

Coreference comes from the parse and the article's own structure, read in text order:
names, surnames and first names map to entities; a pronoun goes to the best-scoring person of the
last paragraphs, its evidence (subject of this or the previous sentence, recent speaker, nearest
mention, salience, gender from first names and earlier pronouns) weighed by a model fitted on
annotated news (bench/fit_speakers.py); role nouns ("the spokesman", "the minister",
"the diplomat") go to the person whose title fits, preferring the one who spoke last; "who said"
goes to the noun the clause modifies; indefinite sources ("a source in the delegation") stay
anonymous; a capital or seat of government ("Moscow believes that “...”") given as the source of
words in quote marks is the voice of the official who has been speaking for that government, kept
as ``on_behalf_of``; a quote with no attribution of its own continues the previous quote's speaker.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources

from spacy.tokens import Doc, Token

from rashomon.analyse.entities import EntityIndex, doc_text, gender_of, normalise_name
from rashomon.analyse.lexicons import country_index, role_nouns, role_words, seats_of_government
from rashomon.analyse.quotes import RawQuote
from rashomon.records import Entity, Mention, Quote

_MALE = {"he", "him", "his", "himself"}
_FEMALE = {"she", "her", "hers", "herself"}
_PLURAL = {"they", "them", "their", "themselves"}
_NEUTER = {"it", "its", "itself"}
_FIRST_PERSON = {"i", "we", "me", "us", "my", "our"}
_ANONYMOUS_HEADS = {
    "source",
    "sources",
    "official",
    "officials",
    "people",
    "person",
    "analyst",
    "analysts",
    "expert",
    "experts",
    "observer",
    "observers",
    "critic",
    "critics",
    "resident",
    "residents",
    "witness",
    "witnesses",
    "aide",
    "aides",
    "insider",
    "insiders",
    "diplomats",
    "member",
    "members",
    "someone",
    "others",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "lawmaker",
    "lawmakers",
    "activist",
    "activists",
    "economist",
    "economists",
    "investor",
    "investors",
    "voter",
    "voters",
    "supporter",
    "supporters",
    "opponent",
    "opponents",
    "report",
    "reports",
    "poll",
    "polls",
    "survey",
    "study",
    "statement",
    "document",
    "documents",
    "transcript",
    "media",
}
# Nouns that refer back to an organisation: "the newspaper said", "the agency estimated".
_ORG_NOUNS = {
    "newspaper",
    "paper",
    "agency",
    "union",
    "bank",
    "website",
    "site",
    "company",
    "firm",
    "group",
    "committee",
    "campaign",
    "network",
    "court",
    "council",
    "ministry",
    "department",
    "organization",
    "organisation",
    "authority",
    "board",
    "commission",
    "office",
    "party",
    "government",
    "administration",
    "institute",
    "foundation",
    "fund",
    "association",
    "federation",
    "coalition",
    "alliance",
    "station",
    "channel",
    "outlet",
    "magazine",
    "publication",
    "broadcaster",
    "team",
    "club",
    "army",
    "police",
    "service",
    "regulator",
    "watchdog",
}
# Offices whose staff are diplomats: a spokesman "of the Foreign Ministry" is "the diplomat".
_DIPLOMATIC_OFFICES = (
    "foreign ministry",
    "foreign office",
    "state department",
    "embassy",
    "foreign affairs",
    "ministry of foreign",
    "consulate",
    "foreign minister",
    "secretary of state",
)
_WINDOW_PARAGRAPHS = 4
# Quantifiers standing alone as a source: some unnamed members of a group just mentioned.
_QUANTIFIER_SOURCES = {"several", "many", "some", "others", "few", "most", "both", "all", "one", "two", "three"}
# Documents that "say" things: their issuer is the speaker when the text names it ("her statement").
_DOCUMENT_SOURCES = {
    "statement",
    "report",
    "release",
    "letter",
    "memo",
    "email",
    "post",
    "tweet",
    "filing",
    "complaint",
    "lawsuit",
    "ruling",
    "order",
    "decision",
    "notice",
    "announcement",
    "communique",
    "transcript",
    "website",
}


PRONOUN_FEATURES = (
    "subject_same_sentence",
    "subject_previous_sentence",
    "subject_earlier",
    "speaker_recent",
    "speaker_earlier",
    "last_speaker",
    "mention_closeness",
    "mention_same_paragraph",
    "salience",
    "gender_agrees",
    "gender_unknown",
    "first_person",
    "has_role",
)
PRONOUN_MODEL = "speakers.pronoun.v1"


@dataclass(frozen=True)
class PronounModel:
    """Weights of the evidence for a pronoun's person (a linear score; the best-scoring candidate wins)."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    meta: dict

    def score(self, values: list[float]) -> float:
        return sum(w * v for w, v in zip(self.weights, values, strict=True))

    def to_json(self) -> dict:
        return {
            "name": PRONOUN_MODEL,
            "features": list(self.features),
            "weights": [round(w, 6) for w in self.weights],
            "meta": self.meta,
        }


@functools.cache
def pronoun_model() -> PronounModel:
    """The packaged pronoun model, its weights in the order of PRONOUN_FEATURES."""
    path = resources.files("rashomon.data") / "models" / f"{PRONOUN_MODEL}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    by_name = dict(zip(data["features"], data["weights"], strict=True))
    return PronounModel(PRONOUN_FEATURES, tuple(float(by_name.get(n, 0.0)) for n in PRONOUN_FEATURES), data["meta"])


@dataclass
class _State:
    """What has been said and who has been mentioned so far, in text order."""

    speakers: list[tuple[int, str, int]] = field(default_factory=list)  # (char, entity id, paragraph)
    subjects: list[tuple[int, str, int]] = field(default_factory=list)
    genders: dict[str, str] = field(default_factory=dict)
    last_quote: Quote | None = None


@dataclass
class Resolved:
    entity: Entity | None
    name: str | None
    as_written: str | None
    span: tuple[int, int] | None
    how: str
    type: str | None
    on_behalf_of: str | None = None


class SpeakerResolver:
    """Resolves quote sources of one article in text order; also links role nouns to people."""

    def __init__(
        self, doc: Doc, index: EntityIndex, paragraphs: list[tuple[int, int]], trace: list[dict] | None = None
    ) -> None:
        self.doc = doc
        self.trace = trace  # when a list: every pronoun choice with its candidates' evidence (for fitting)
        self.index = index
        self.paragraphs = paragraphs
        self.state = _State(genders=dict(index.genders))
        self._sentence_starts = [sent.start_char for sent in doc.sents] or [0]
        self._subject_events = self._collect_subjects()
        self.role_mentions: dict[str, list[Mention]] = {}

    # ------------------------------------------------------------------------------------ helpers

    def sentence_of(self, char: int) -> int:
        lo, hi = 0, len(self._sentence_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._sentence_starts[mid] <= char:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def paragraph_of(self, char: int) -> int:
        n = 0
        for i, (start, _) in enumerate(self.paragraphs):
            if start <= char:
                n = i
        return n

    def _collect_subjects(self) -> list[tuple[int, str, int]]:
        events = []
        for token in self.doc:
            subject = token.dep_ in ("nsubj", "nsubjpass") or (
                token.dep_ == "conj" and token.head.dep_ in ("nsubj", "nsubjpass")  # "Berg and Marn spoke"
            )
            if subject:
                entity = self.index.entity_at(token.i)
                if entity is None and token.is_title and token.pos_ == "PROPN":
                    entity = self._person_by_surname(token.lower_)  # "Ruhl, for one, is not impressed"
                if entity is not None and entity.type == "PERSON":
                    events.append((token.idx, entity.id, self.paragraph_of(token.idx)))
        return events

    def _person_mentions_before(self, char: int, window: int = _WINDOW_PARAGRAPHS) -> list[tuple[int, Entity]]:
        paragraph = self.paragraph_of(char)
        found = []
        for entity in self.index.entities:
            if entity.type != "PERSON":
                continue
            for mention in entity.mentions:
                if mention.start < char and paragraph - self.paragraph_of(mention.start) <= window:
                    found.append((mention.start, entity))
        return sorted(found, key=lambda x: x[0])

    def _gender_ok(self, entity_id: str, wanted: str | None) -> bool | None:
        """True/False when the entity's gender is known, None when unknown."""
        if wanted is None:
            return True
        gender = self.state.genders.get(entity_id) or self._name_gender(entity_id)
        if gender is None:
            return None
        return gender == wanted

    def _name_gender(self, entity_id: str) -> str | None:
        """The gender a person's first name usually has (first_names.tsv), when it is not a unisex name."""
        entity = self.index.by_id.get(entity_id)
        if entity is None or entity.type != "PERSON" or len(entity.name.split()) < 2:
            return None
        return gender_of(entity.name.split()[0])

    # --------------------------------------------------------------------------------- resolution

    def resolve(self, quote: RawQuote) -> Resolved:
        att = quote.attribution
        if att is None:
            return Resolved(None, None, None, None, "unattributed", None)
        if att.relative_to is not None:
            found = self._resolve_token(att.relative_to, att.cue[0])
            if found.entity is not None or found.name:
                found.how = f"relative:{found.how}"
                if att.source is None:
                    found.span = _token_span(att.relative_to)
                    found.as_written = doc_text(self.doc)[found.span[0] : found.span[1]]
                return found
        if att.source_token is None:
            return Resolved(None, None, None, None, "no-source", None)
        return self._resolve_token(att.source_token, att.cue[0], att.source)

    def _resolve_token(self, token: Token, position: int, span: tuple[int, int] | None = None) -> Resolved:
        conjuncts = [c for c in token.children if c.dep_ == "conj" and c.ent_type_ == "PERSON"]
        if conjuncts and token.ent_type_ != "PERSON" and token.i > 0 and self.doc[token.i - 1].lower_ in ("or", ","):
            # "..., or RWA, Minister Halvik and ... Ostrelli accused": the parse made the acronym
            # the subject; the people conjoined to it are the speakers.
            token = conjuncts[0]
            span = _token_span(token)
        span = span or _token_span(token)
        as_written = doc_text(self.doc)[span[0] : span[1]]
        lower = token.lower_
        # 1. A name: the entity at the head, or a person named inside the phrase.
        entity = self.index.entity_at(token.i)
        if entity is None:
            entity = self._entity_in_phrase(token)
        if entity is None and (token.pos_ == "PROPN" or token.is_upper or token.is_title):
            entity = self._person_by_surname(token.lower_) or self._person_by_first_name(token.lower_, position)
        if entity is not None and entity.type == "PERSON" and len(entity.name.split()) == 1:
            # "Ana said" after "Ana Ruiz": the one person of that first name.
            entity = self._person_by_first_name(entity.name.lower(), position) or entity
        if entity is not None:
            return Resolved(entity, entity.name, as_written, span, "name", entity.type)
        # 2. Pronouns.
        if token.pos_ == "PRON" or lower in _MALE | _FEMALE | _PLURAL | _NEUTER:
            return self._resolve_pronoun(lower, position, as_written, span)
        # 3. A document given as the source ("her statement said", "the ministry's report says"): its issuer.
        if token.lemma_.lower() in _DOCUMENT_SOURCES:
            owner = next((c for c in token.children if c.dep_ == "poss"), None)
            if owner is not None and owner.lower_ not in _FIRST_PERSON:
                found = self._resolve_token(owner, position)
                if found.entity is not None:
                    found.as_written, found.span, found.how = as_written, span, f"document:{found.how}"
                    return found
        # 3b. Indefinite and anonymous sources.
        determiners = {c.lower_ for c in token.children if c.dep_ == "det"}
        head = token.lemma_.lower()
        if (
            determiners & {"a", "an", "some", "several", "many", "one", "two", "three", "no", "few", "other"}
            or (not determiners and token.tag_ in ("NNS",))
        ) and (token.lower_ in _ANONYMOUS_HEADS or head in _ANONYMOUS_HEADS):
            return Resolved(None, as_written, as_written, span, "anonymous", "anonymous")
        if lower in _QUANTIFIER_SOURCES and not list(token.children):
            return Resolved(None, as_written, as_written, span, "anonymous", "anonymous")  # "Several said"
        # 4. Role nouns: "the diplomat", "the RF Foreign Ministry spokesman".
        phrase = self._phrase_words(token)
        if lower in role_words() or head in role_words() or " ".join(phrase[-2:]) in role_nouns():
            found = self._resolve_role(token, phrase, position)
            if found is not None:
                return Resolved(found, found.name, as_written, span, "role", found.type)
            if "the" in determiners or any(c.dep_ == "poss" for c in token.children):
                found = self._salient_person(token, position)
                if found is not None:
                    return Resolved(found, found.name, as_written, span, "role-salience", found.type)
        # 5. A person's organisation: "her campaign", "Varga's team" -> "Vint campaign", "Varga team".
        owner = next((c for c in token.children if c.dep_ == "poss"), None)
        if owner is not None and head in _ORG_NOUNS and owner.lower_ not in _FIRST_PERSON:
            found = self._resolve_token(owner, position)
            if found.entity is not None and found.entity.type == "PERSON":
                name = f"{found.entity.name.split()[-1]} {head}"
                return Resolved(None, name, as_written, span, f"possessor:{found.how}", "ORG")
        # 5b. Institutions and capitals given by a common noun: "the ministry", "the Kremlin".
        org = self._resolve_institution(token, position)
        if org is not None:
            return Resolved(org, org.name, as_written, span, "institution", org.type)
        return Resolved(None, as_written, as_written, span, "as-written", None)

    def _person_by_surname(self, word: str) -> Entity | None:
        """A surname the entity recogniser did not tag this time ("Sarkany said")."""
        matches = [e for e in self.index.entities if e.type == "PERSON" and e.key.startswith(f"person:{word}|")]
        return matches[0] if len(matches) == 1 else None

    def _person_by_first_name(self, word: str, position: int) -> Entity | None:
        """A first name alone ("Ana said") after the full name ("Ana Ruiz"): the one person of that first name
        named before it."""
        matches = {
            e.id: e
            for e in self.index.entities
            if e.type == "PERSON"
            and len(e.name.split()) >= 2
            and e.name.split()[0].lower() == word
            and any(m.start < position for m in e.mentions)
        }
        return next(iter(matches.values())) if len(matches) == 1 else None

    def _entity_in_phrase(self, token: Token) -> Entity | None:
        """A person named by compound or apposition: "spokeswoman Lidia Sarkany", "Sarkany, the spokeswoman"."""
        for child in token.children:
            if child.dep_ in ("compound", "appos", "flat", "nmod") and child.i != token.i:
                entity = self.index.entity_at(child.i)
                if entity is not None and entity.type == "PERSON":
                    return entity
        if token.dep_ == "appos":
            entity = self.index.entity_at(token.head.i)
            if entity is not None:
                return entity
        return None

    def _phrase_words(self, token: Token) -> list[str]:
        words = [t.lower_ for t in token.subtree if t.i <= token.i and t.dep_ not in ("det", "poss", "punct", "case")]
        return words

    def _resolve_pronoun(self, pronoun: str, position: int, as_written: str, span: tuple[int, int]) -> Resolved:
        if pronoun in _FIRST_PERSON:
            return Resolved(None, as_written, as_written, span, "first-person", None)
        wanted = "m" if pronoun in _MALE else "f" if pronoun in _FEMALE else None
        if pronoun in _PLURAL | _NEUTER:
            org = self._recent_organisation(position)
            if org is not None:
                return Resolved(org, org.name, as_written, span, "pronoun", org.type)
            if pronoun in _NEUTER:
                return Resolved(None, as_written, as_written, span, "pronoun-unresolved", None)
        # A ranked choice among the people of the last paragraphs: each candidate's evidence (subject of this
        # or the previous sentence, recent speaker, nearest mention, salience, gender agreement, ...) is
        # weighed by the packaged pronoun model (data/models/speakers.pronoun.v1.json, fitted by
        # bench/fit_speakers.py); a known gender that disagrees rules a candidate out.
        candidates = self.pronoun_candidates(wanted, position)
        model = pronoun_model()
        scored = sorted(
            ((model.score(features), eid) for eid, features in candidates.items()),
            key=lambda x: (-x[0], x[1]),
        )
        if self.trace is not None:
            self.trace.append(
                {
                    "span": span,
                    "position": position,
                    "candidates": {
                        eid: (self.index.by_id[eid].name, features) for eid, features in sorted(candidates.items())
                    },
                }
            )
        if not scored:
            return Resolved(None, as_written, as_written, span, "pronoun-unresolved", None)
        entity = self.index.by_id[scored[0][1]]
        if wanted and entity.id not in self.state.genders and len(scored) == 1:
            # Learn a gender only from an unambiguous pronoun: a wrong guess would mislead every later one.
            self.state.genders[entity.id] = wanted
        return Resolved(entity, entity.name, as_written, span, "pronoun", entity.type)

    def pronoun_candidates(self, wanted: str | None, position: int) -> dict[str, list[float]]:
        """The people a pronoun at ``position`` may stand for, with the evidence for each (PRONOUN_FEATURES)."""
        paragraph = self.paragraph_of(position)
        sentence = self.sentence_of(position)
        features: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(PRONOUN_FEATURES, 0.0))

        def raise_to(eid: str, name: str, value: float) -> None:
            features[eid][name] = max(features[eid][name], value)

        for char, eid, para in self._subject_events:
            if char < position and paragraph - para <= _WINDOW_PARAGRAPHS:
                back = sentence - self.sentence_of(char)
                name = "subject_same_sentence" if back == 0 else "subject_previous_sentence" if back == 1 else None
                if name:
                    raise_to(eid, name, 1.0)
                else:
                    raise_to(eid, "subject_earlier", 1.0 / back)
                # A subject is a mention too, also where the recogniser missed the name ("Ruhl, for one, ...").
                raise_to(eid, "mention_closeness", 1.0 / (1 + back))
                if para == paragraph:
                    raise_to(eid, "mention_same_paragraph", 1.0)
        recent_speakers = [(c, e, p) for c, e, p in self.state.speakers if c < position]
        for char, eid, para in recent_speakers:
            if paragraph - para <= _WINDOW_PARAGRAPHS:
                back = sentence - self.sentence_of(char)
                if back <= 1:
                    raise_to(eid, "speaker_recent", 1.0)
                else:
                    raise_to(eid, "speaker_earlier", 1.0 / back)
        if recent_speakers and paragraph - recent_speakers[-1][2] <= _WINDOW_PARAGRAPHS:
            raise_to(recent_speakers[-1][1], "last_speaker", 1.0)
        mentions_before: dict[str, int] = defaultdict(int)
        first_person: tuple[int, str] | None = None
        for entity in self.index.entities:
            if entity.type != "PERSON":
                continue
            for mention in entity.mentions:
                if mention.start < position:
                    mentions_before[entity.id] += 1
                    if first_person is None or mention.start < first_person[0]:
                        first_person = (mention.start, entity.id)
        for char, entity in self._person_mentions_before(position):
            back = sentence - self.sentence_of(char)
            raise_to(entity.id, "mention_closeness", 1.0 / (1 + back))
            if self.paragraph_of(char) == paragraph:
                raise_to(entity.id, "mention_same_paragraph", 1.0)
        most = max(mentions_before.values(), default=0)
        out: dict[str, list[float]] = {}
        for eid, values in features.items():
            entity = self.index.by_id.get(eid)
            if entity is None or entity.type != "PERSON":
                continue
            agrees = self._gender_ok(eid, wanted)
            if agrees is False:
                continue
            values["gender_agrees"] = 1.0 if agrees is True and wanted else 0.0
            values["gender_unknown"] = 1.0 if agrees is None else 0.0
            values["salience"] = math.log1p(mentions_before.get(eid, 0)) / math.log1p(most) if most else 0.0
            values["first_person"] = 1.0 if first_person is not None and first_person[1] == eid else 0.0
            values["has_role"] = 1.0 if entity.role else 0.0
            out[eid] = [values[name] for name in PRONOUN_FEATURES]
        return out

    def _recent_organisation(
        self, position: int, types: tuple[str, ...] = ("ORG", "GPE", "NORP"), paragraphs: int = 1
    ) -> Entity | None:
        paragraph = self.paragraph_of(position)
        best = None
        for entity in self.index.entities:
            if entity.type not in types:
                continue
            for mention in entity.mentions:
                recent = mention.start < position and paragraph - self.paragraph_of(mention.start) <= paragraphs
                if recent and (best is None or mention.start > best[0]):
                    best = (mention.start, entity)
        for char, eid, para in self.state.speakers:
            entity = self.index.by_id.get(eid)
            usable = entity is not None and entity.type in ("ORG", "GPE") and char < position and paragraph - para <= 2
            if usable and (best is None or char > best[0]):
                best = (char, entity)
        return best[1] if best else None

    def _resolve_role(self, token: Token, phrase: list[str], position: int) -> Entity | None:
        head = token.lemma_.lower() if token.lemma_.lower() in role_words() else token.lower_
        gender = role_gender(token.lower_)
        modifiers = {_affiliation(w) for w in phrase[:-1]}
        proper = self._proper_modifiers(token)
        paragraph = self.paragraph_of(position)
        scored = []
        speakers = {eid: char for char, eid, para in self.state.speakers if paragraph - para <= 2}
        for char, entity in self._person_mentions_before(position, window=99):
            role = (entity.role or "").lower()
            if not role:
                continue
            nouns = _role_terms(role)
            if head not in nouns:
                continue
            role_tokens = {_affiliation(w) for w in re.findall(r"[\w-]+", role)}
            if proper and not proper <= role_tokens:
                continue  # "the Republican nominee" is not the "Democratic vice presidential nominee"
            if self._gender_ok(entity.id, gender) is False:
                continue
            score = 2.0 + len(modifiers & role_tokens) + (1.5 if entity.id in speakers else 0.0)
            scored.append((score, speakers.get(entity.id, char), entity))
        if not scored:
            return None
        scored.sort(key=lambda x: (x[0], x[1]))
        return scored[-1][2]

    def _proper_modifiers(self, token: Token) -> set[str]:
        """Capitalised modifiers of a description ("the Republican nominee" -> {republican})."""
        return {
            _affiliation(t.lower_)
            for t in token.subtree
            if t.i < token.i and (t.is_title or t.is_upper) and t.dep_ not in ("det",) and not t.is_sent_start
        }

    def _salient_person(self, token: Token, position: int) -> Entity | None:
        """A definite description the article gives no title for ("the nominee", "the president"): the
        person who has been speaking or acting in the last two paragraphs, unless their known role says
        otherwise (a "Republican" description does not go to a "Democratic" role)."""
        paragraph = self.paragraph_of(position)
        wanted = self._proper_modifiers(token)
        gender = role_gender(token.lower_)
        events = [(c, e, 2) for c, e, p in self.state.speakers if c < position and paragraph - p <= 2]
        events += [(c, e, 1) for c, e, p in self._subject_events if c < position and paragraph - p <= 2]
        for _, eid, _ in sorted(events, key=lambda x: (x[0], x[2]), reverse=True):
            entity = self.index.by_id.get(eid)
            if entity is None or entity.type != "PERSON" or self._gender_ok(eid, gender) is False:
                continue
            role_tokens = {_affiliation(w) for w in re.findall(r"[\w-]+", (entity.role or "").lower())}
            if wanted and entity.role and not wanted <= role_tokens:
                continue
            return entity
        return None

    def _resolve_institution(self, token: Token, position: int) -> Entity | None:
        head = token.lower_
        if head in ("it", "they"):
            return None
        found = self._institution_by_name(token, position)
        if found is None and token.lemma_.lower() in _ORG_NOUNS and any(c.lower_ == "the" for c in token.children):
            # "the newspaper", "the agency", "the union": the organisation named last before it. A described
            # one ("the town council") only when the organisation's name has the description's words.
            found = self._recent_organisation(position, types=("ORG",), paragraphs=2)
            described = {
                c.lower_ for c in token.children if c.dep_ in ("compound", "amod") and c.i < token.i and not c.is_title
            }
            if found is not None and described and not described <= set(normalise_name(found.name).split()):
                found = None
        return found

    def _institution_by_name(self, token: Token, position: int) -> Entity | None:
        head = token.lower_
        text = " ".join(t.text for t in token.subtree if t.i <= token.i)
        seat = seats_of_government().get(normalise_name(text)) or seats_of_government().get(head)
        for entity in sorted(self.index.entities, key=lambda e: -max((m.start for m in e.mentions), default=0)):
            if entity.type not in ("ORG", "GPE", "NORP", "FAC"):
                continue
            if any(m.start < position for m in entity.mentions):
                words = set(normalise_name(entity.name).split())
                if head in words or normalise_name(token.lemma_) in words:
                    return entity
                if seat is not None and entity.country == seat.name:
                    return entity
        return None

    # ------------------------------------------------------------------------------------- voices

    def government_voice(self, resolved: Resolved, position: int) -> Resolved:
        """Words in quote marks given as a capital's ("Moscow believes that “...”"): the official who has
        been speaking for that government in this or the previous paragraphs said them."""
        if resolved.entity is not None:
            if resolved.entity.type not in ("GPE", "ORG", "NORP"):
                return resolved
            voice = resolved.entity.name
            country = seats_of_government().get(normalise_name(voice)) or country_index().get(normalise_name(voice))
        elif resolved.how == "as-written" and resolved.as_written:
            # A capital the entity recogniser missed ("Oslo believes that “...”").
            voice = resolved.as_written
            country = seats_of_government().get(normalise_name(voice))
        else:
            return resolved
        if country is None:
            return resolved
        paragraph = self.paragraph_of(position)
        for char, eid, para in reversed(self.state.speakers):
            if char >= position or paragraph - para > 2:
                continue
            person = self.index.by_id.get(eid)
            if person is None or person.type != "PERSON":
                continue
            if _affiliated(person, country.name):
                return Resolved(
                    person,
                    person.name,
                    resolved.as_written,
                    resolved.span,
                    "government-voice",
                    person.type,
                    on_behalf_of=voice,
                )
        return resolved

    def record(self, quote: Quote, position: int) -> None:
        if quote.speaker_id and quote.speaker_type in ("PERSON", "ORG", "GPE", "NORP"):
            self.state.speakers.append((position, quote.speaker_id, self.paragraph_of(position)))
        self.state.last_quote = quote


_FEMALE_NOUNS = {
    "actress",
    "queen",
    "duchess",
    "princess",
    "mother",
    "wife",
    "sister",
    "daughter",
    "grandmother",
    "widow",
    "girl",
    "lady",
    "aunt",
    "niece",
    "mrs",
    "ms",
    "madam",
    "empress",
    "countess",
    "baroness",
}
_MALE_NOUNS = {
    "king",
    "prince",
    "duke",
    "father",
    "husband",
    "brother",
    "son",
    "boy",
    "grandfather",
    "widower",
    "uncle",
    "nephew",
    "mr",
    "sir",
    "emperor",
    "count",
    "baron",
    "lord",
}


def role_gender(noun: str) -> str | None:
    """Gender a role noun carries ("spokeswoman" f, "chairman" m), if any."""
    noun = noun.lower()
    if noun in _FEMALE_NOUNS or noun.endswith(("woman", "women")):
        return "f"
    if noun in _MALE_NOUNS or (noun.endswith(("man", "men")) and noun not in ("human", "german", "ottoman")):
        return "m"
    return None


def _token_span(token: Token) -> tuple[int, int]:
    return token.idx, token.idx + len(token.text)


_PARTY_WORDS = {
    "gop": "republican",
    "republicans": "republican",
    "democrat": "democratic",
    "democrats": "democratic",
    "tory": "conservative",
    "tories": "conservative",
}


def _affiliation(word: str) -> str:
    """Country and party words to one form, so that "RF", "Russian" and "Russia" (or "GOP" and
    "Republican") compare equal."""
    low = word.lower()
    country = country_index().get(low)
    return f"country:{country.name.lower()}" if country else _PARTY_WORDS.get(low, low)


def _affiliated(person: Entity, country: str) -> bool:
    role = (person.role or "").lower()
    return any(_affiliation(w) == f"country:{country.lower()}" for w in re.findall(r"[\w-]+", role))


def _role_terms(role: str) -> set[str]:
    """Every noun a text may use to refer back to the holder of ``role``: its role nouns and hypernyms."""
    terms: set[str] = set()
    table = role_nouns()
    words = re.findall(r"[\w-]+", role)
    for size in (3, 2, 1):
        for i in range(len(words) - size + 1):
            phrase = " ".join(words[i : i + size])
            entry = table.get(phrase)
            if entry is not None:
                terms.add(phrase)
                terms.add(phrase.split()[-1])
                terms.update(entry.hypernyms)
                terms.update(h.split()[-1] for h in entry.hypernyms)
    if any(office in role for office in _DIPLOMATIC_OFFICES):
        terms.update({"diplomat", "official"})
    return terms
