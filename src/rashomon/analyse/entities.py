"""Canonical entities: one entity per real actor, whatever spelling, title or abbreviation an outlet uses.

Within an article: spaCy's entity mentions are grouped into clusters (people by surname and first name;
organisations by a normalised name in which British and American spellings, hyphens and articles no
longer differ; acronyms joined to their expansions wherever in the text the expansion appears; places
through a table of countries, capitals and demonyms). Each cluster's type is the majority over its
mentions (the small model tags a surname alone as ORG), and a person's role comes from the title before
the name or an appositive after it.

Across articles: ``canonicalise`` matches entities of several articles with the same rules, so the
event and compare stages see "Halvik" in one outlet and "Teodor Halvik" in another as one actor.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from rashomon.analyse.lexicons import Country, country_index, first_names, role_words, spelling_variants
from rashomon.records import Entity, Mention

ENTITY_TYPES = ("PERSON", "ORG", "GPE", "NORP", "LOC", "EVENT", "FAC", "LAW", "PRODUCT", "WORK_OF_ART")
_HONORIFICS = {
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "sir",
    "dame",
    "lord",
    "lady",
    "rev",
    "mr.",
    "mrs.",
    "ms.",
    "dr.",
    "prof.",
    "rev.",
    "st",
    "st.",
}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "phd", "md"}
_PARTICLES = {
    "von",
    "van",
    "de",
    "da",
    "del",
    "della",
    "di",
    "la",
    "le",
    "bin",
    "al",
    "el",
    "ibn",
    "der",
    "den",
    "du",
    "dos",
    "das",
    "ter",
    "zu",
}
_CONNECTORS = {"for", "and", "of", "in", "on", "the", "de", "des", "du", "la", "le", "et", "&", "to", "at"}
_ACRONYM = re.compile(r"^(?:[A-Z][A-Za-z]?\.?){2,8}s?$")
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")


def doc_text(doc: Doc) -> str:
    """The Doc's text, computed once (``Doc.text`` joins every token on each access)."""
    text = doc.user_data.get("rashomon_text")
    if text is None:
        text = doc.text
        doc.user_data["rashomon_text"] = text
    return text


# ---------------------------------------------------------------------------------------- normalising


@functools.lru_cache(maxsize=1 << 16)
def normalise_name(text: str) -> str:
    """Matching form of a name: lowercase, no article or possessive, one spelling (American), no hyphens."""
    text = _POSSESSIVE.sub("", text.strip())
    text = re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.IGNORECASE)
    words = re.findall(r"[\w]+(?:[-'’][\w]+)*", text.lower())
    variants = spelling_variants()
    out = []
    for word in words:
        word = variants.get(word, word)
        word = word.replace("-", "").replace("'", "").replace("’", "")
        out.append(variants.get(word, word))
    return " ".join(out)


@functools.lru_cache(maxsize=1 << 16)
def initials(text: str) -> str:
    """Acronym letters of a long name: first letters of its content words ("Co-operation" gives C)."""
    words = re.findall(r"[\w]+(?:[-'’][\w]+)*", text)
    return "".join(w[0].upper() for w in words if w.lower() not in _CONNECTORS)


def is_acronym(text: str) -> bool:
    compact = text.strip()
    return bool(_ACRONYM.match(compact)) and sum(1 for c in compact if c.isupper()) >= 2


def acronym_letters(text: str) -> str:
    return re.sub(r"[^A-Z]", "", text.rstrip("s") if text.endswith("s") and text[:-1].isupper() else text)


def find_expansion(text: str, acronym: str) -> tuple[str, int, int] | None:
    """The long form of an acronym anywhere in a text: a run of capitalised words (with connectors
    such as "for", "and", "in") whose initials spell it. "Northern Rivers Authority for Water and Energy"
    expands NRAWE whether it comes before, after or far from the acronym."""
    letters = acronym_letters(acronym)
    if len(letters) < 2:
        return None
    pattern = re.compile(
        r"\b[A-Z][\w]*(?:[-'’][\w]+)*(?:\s+(?:(?:for|and|of|in|on|the|de|des|du|to|at|&)\s+)*[A-Z][\w]*(?:[-'’][\w]+)*)*"
    )
    best = None
    for match in pattern.finditer(text):
        words = match.group(0).split()
        # Try every sub-run that starts and ends on a capitalised word.
        for i in range(len(words)):
            if not words[i][0].isupper() or words[i].lower() in _CONNECTORS:
                continue
            for j in range(len(words), i, -1):
                if not words[j - 1][0].isupper():
                    continue
                candidate = " ".join(words[i:j])
                if candidate.replace(".", "") == letters or len(words[i:j]) < 2:
                    continue
                if j < len(words) and words[j].lower() not in _CONNECTORS:
                    continue  # "Russian Foreign" inside "Russian Foreign Ministry" names nothing
                if initials(candidate) == letters:
                    start = match.start() + len(" ".join(words[:i])) + (1 if i else 0)
                    found = (candidate, start, start + len(candidate))
                    if best is None or len(candidate) > len(best[0]):
                        best = found
                    break
    return best


@functools.lru_cache(maxsize=1 << 16)
def person_name_parts(text: str) -> tuple[str | None, str]:
    """(first name, surname) of a person's name; titles and suffixes dropped."""
    words = [w.strip(",") for w in _POSSESSIVE.sub("", text).split()]
    roles = role_words()
    while words and (words[0].lower() in _HONORIFICS or words[0].lower() in roles):
        words = words[1:]
    while len(words) > 1 and words[-1].lower().strip(".") in _SUFFIXES:
        words = words[:-1]
    if not words:
        return None, text.lower()
    surname = words[-1].lower()
    first = words[0].lower() if len(words) > 1 and words[0].lower() not in _PARTICLES else None
    return first, surname


def _compatible_first(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return True
    a, b = a.strip(".").lower(), b.strip(".").lower()
    return a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))


def gender_of(first: str | None) -> str | None:
    if not first:
        return None
    gender = first_names().get(first.lower())
    return gender if gender in ("m", "f") else None


# ------------------------------------------------------------------------------------- within articles


@dataclass
class _Cluster:
    type_votes: Counter[str] = field(default_factory=Counter)
    mentions: list[Mention] = field(default_factory=list)
    tokens: list[tuple[int, int]] = field(default_factory=list)  # token spans of the mentions
    surname: str | None = None
    first: str | None = None
    key: str = ""
    acronym: str | None = None
    expansion: str | None = None
    roles: list[str] = field(default_factory=list)
    full_person: bool = False

    @property
    def type(self) -> str:
        if self.full_person:
            return "PERSON"
        if self.expansion:
            # An acronym joined to its expansion takes the expansion's type: the tagger is surer of it.
            spelled = Counter(m.label for m in self.mentions if not is_acronym(m.text))
            if spelled:
                return spelled.most_common(1)[0][0]
        return self.type_votes.most_common(1)[0][0] if self.type_votes else "MISC"


@dataclass
class EntityIndex:
    """Entities of one Doc, with the token -> entity map the quote and claim steps read."""

    entities: list[Entity]
    by_token: dict[int, str]
    by_id: dict[str, Entity]
    genders: dict[str, str]

    def entity_at(self, token_index: int) -> Entity | None:
        eid = self.by_token.get(token_index)
        return self.by_id.get(eid) if eid else None


def extract_entities(doc: Doc, *, skip_before: int = 0) -> EntityIndex:
    """Canonical entities of a parsed article.

    Args:
        doc: the article body parsed by spaCy.
        skip_before: character offset before which mentions are ignored (the dateline).
    """
    # Names are capitalised: a lowercase span ("grain miller") is a tagging slip, not an actor. Names are
    # words: a span with none ("Ⓐ", "The ©") has no matching form, and an empty key would join them all.
    spans = [
        e
        for e in doc.ents
        if e.label_ in ENTITY_TYPES
        and e.start_char >= skip_before
        and any(ch.isupper() for ch in e.text)
        and normalise_name(e.text)
    ]
    spans = sorted(spans + _unnamed_speakers(doc, spans, skip_before), key=lambda e: e.start)
    spans = [_person_mislabelled(doc, _retype_by_shape(doc, _trim_person(doc, span))) for span in spans]
    role_spans = {s.start: _role_before(doc, s) for s in spans if s.label_ == "PERSON"}
    covered_by_roles = set()
    for role in role_spans.values():
        if role is not None:
            covered_by_roles.update(range(role.start, role.end))
    clusters: list[_Cluster] = []
    persons: list[_Cluster] = []
    expansions: dict[str, tuple[str, int, int] | None] = {}

    # Pass 1: full person names found clusters.
    for span in spans:
        if span.label_ != "PERSON":
            continue
        first, surname = person_name_parts(span.text)
        if first is None:
            continue
        cluster = next((c for c in persons if c.surname == surname and _compatible_first(c.first, first)), None)
        if cluster is None:
            cluster = _Cluster(surname=surname, first=first, full_person=True)
            persons.append(cluster)
            clusters.append(cluster)
        elif cluster.first and len(cluster.first) == 1 and len(first) > 1:
            cluster.first = first
        _add(cluster, span)
        role = role_spans.get(span.start)
        if role is not None:
            cluster.roles.append(role.text)
        appositive = _appositive_role(doc, span)
        if appositive:
            cluster.roles.append(appositive)

    # Pass 2: everything else.
    for span in spans:
        text = _POSSESSIVE.sub("", span.text).strip()
        if span.label_ == "PERSON" and person_name_parts(span.text)[0] is not None:
            continue
        if span.label_ != "PERSON" and len(span) == 1 and span.start in covered_by_roles:
            continue  # "State" in "Secretary of State Jane Roe" belongs to the title
        single = len(text.split()) == 1
        if single and span.label_ in ("PERSON", "ORG", "GPE", "NORP", "LOC", "PRODUCT"):
            surname = text.lower()
            matches = [c for c in persons if c.surname == surname or (span.label_ == "PERSON" and c.first == surname)]
            if matches:
                # Two people share a surname (a politician and a relative): the bare surname is the one
                # the article names most, then the one named last.
                cluster = max(
                    matches,
                    key=lambda c: (
                        len(c.mentions),
                        max((m.start for m in c.mentions if m.start < span.start_char), default=-1),
                    ),
                )
                _add(cluster, span, vote=span.label_ if span.label_ == "PERSON" else "PERSON")
                continue
        if span.label_ == "PERSON":
            first, surname = person_name_parts(text)
            cluster = _Cluster(surname=surname, first=first)
            persons.append(cluster)
            clusters.append(cluster)
            _add(cluster, span)
            continue
        key, acronym, expansion = _org_key(doc_text(doc), text, span.label_, expansions)
        # One name is one cluster whatever label the model gave each mention: the type is voted below.
        name_key = key.split(":", 1)[-1]
        cluster = next(
            (c for c in clusters if c.key and c.key.split(":", 1)[-1] == name_key and not c.full_person), None
        )
        if cluster is None:
            cluster = _Cluster(key=key, acronym=acronym, expansion=expansion)
            clusters.append(cluster)
        cluster.acronym = cluster.acronym or acronym
        cluster.expansion = cluster.expansion or expansion
        _add(cluster, span)

    clusters = _merge_truncated(clusters)
    return _build_index(doc, clusters)


_PLACE_SUFFIXES = {
    "lane",
    "street",
    "st",
    "road",
    "rd",
    "avenue",
    "ave",
    "boulevard",
    "bridge",
    "square",
    "park",
    "drive",
    "way",
    "place",
    "hill",
    "harbour",
    "harbor",
    "dam",
    "river",
    "lake",
    "mountain",
    "valley",
    "airport",
    "station",
    "quay",
    "bay",
    "island",
    "islands",
    "canal",
    "reservoir",
    "stadium",
    "hall",
    "plaza",
    "gate",
    "crescent",
    "terrace",
}
_COMPANY_SUFFIXES = {
    "inc",
    "ltd",
    "corp",
    "co",
    "group",
    "holdings",
    "re",
    "ag",
    "sa",
    "plc",
    "llc",
    "gmbh",
    "bank",
    "airlines",
    "airways",
    "rail",
    "railways",
    "motors",
    "energy",
    "capital",
    "partners",
    "media",
    "systems",
    "technologies",
    "pharma",
    "foods",
    "insurance",
    "telecom",
    "agro",
    "hydro",
    "mining",
    "oil",
    "gas",
    "steel",
}


_CAMEL_CASE = re.compile(r"^[A-Z][a-z]+[A-Z][A-Za-z]*$")
_NAME_PREFIX = re.compile(r"^(?:Mc|Mac|O|De|Di|Da|Du|La|Le|Van|Von|Fitz|St)[A-Z]")


def _retype_by_shape(doc: Doc, span: Span) -> Span:
    """Names whose last word says what they are: "Mill Lane" is a place, "Halvard Re" a company, whatever
    the small model guessed."""
    if (
        span.label_ == "PERSON"
        and len(span) == 1
        and _CAMEL_CASE.match(span.text)
        and not _NAME_PREFIX.match(span.text)
    ):
        return Span(doc, span.start, span.end, label="ORG")  # "MedRail", "PayPal": a brand, not a surname
    if span.label_ not in ("PERSON", "ORG", "GPE", "NORP") or len(span) < 2:
        return span
    last = span[-1].lower_.strip(".")
    if last in _PLACE_SUFFIXES and span.label_ in ("PERSON", "ORG"):
        return Span(doc, span.start, span.end, label="FAC")
    if last in _COMPANY_SUFFIXES and span.label_ == "PERSON":
        return Span(doc, span.start, span.end, label="ORG")
    return span


def _trim_person(doc: Doc, span: Span) -> Span:
    """A person span that swallowed a headline word ("Obama Says", "Obama Speech") ends at the name."""
    if span.label_ != "PERSON" or len(span) < 2:
        return span
    end = span.end
    while end - span.start > 1 and doc[end - 1].pos_ in ("VERB", "NOUN", "ADJ", "AUX") and not doc[end - 1].is_upper:
        end -= 1
    return span if end == span.end else Span(doc, span.start, end, label="PERSON")


def _cue_lemmas() -> dict[str, object]:
    from rashomon.analyse.lexicons import cue_verbs

    return cue_verbs()  # type: ignore[return-value]


def _person_mislabelled(doc: Doc, span: Span) -> Span:
    """A person the small model tagged as an organisation ("Lidia Sarkany, spokeswoman for ..."): a
    known first name, a capitalised surname, and a title before or a role in apposition after."""
    if span.label_ == "PERSON" or not 2 <= len(span) <= 3 or not all(t.is_title for t in span):
        return span
    appositive = _appositive_role(doc, span)
    speaks = span.root.dep_ == "nsubj" and span.root.head.lemma_.lower() in _cue_lemmas()
    if gender_of(span[0].text) is None and not (appositive and speaks):
        return span
    if _role_before(doc, span) is None and appositive is None:
        return span
    return Span(doc, span.start, span.end, label="PERSON")


def _unnamed_speakers(doc: Doc, spans: list[Span], skip_before: int) -> list[Span]:
    """People the entity recogniser missed but the parse names as speakers: a run of two to four
    capitalised proper nouns that is the subject of a cue verb ("Lidia Sarkany, spokeswoman for ...,
    stressed that")."""
    from rashomon.analyse.lexicons import cue_verbs

    covered = {i for span in spans for i in range(span.start, span.end)}
    cues = cue_verbs()
    found = []
    for token in doc:
        if token.dep_ not in ("nsubj",) or token.pos_ != "PROPN" or token.i in covered or token.idx < skip_before:
            continue
        if token.head.lemma_.lower() not in cues:
            continue
        left = token.i
        while (
            left - 1 >= 0
            and doc[left - 1].pos_ == "PROPN"
            and doc[left - 1].dep_ in ("compound", "flat")
            and (doc[left - 1].is_title)
        ):
            left -= 1
        # A title before the name is not part of it: "Engineer Piotr Wendel" names Piotr Wendel.
        roles = role_words()
        titled = [t.i for t in doc[left : token.i] if t.lower_ in roles]
        if titled:
            left = titled[-1] + 1
        words = doc[left : token.i + 1]
        if not 2 <= len(words) <= 4 or not all(t.is_title for t in words) or any(t.i in covered for t in words):
            continue
        if words[-1].lower_ in roles:
            continue
        found.append(Span(doc, left, token.i + 1, label="PERSON"))
    return found


def _add(cluster: _Cluster, span: Span, vote: str | None = None) -> None:
    unpossessed = _POSSESSIVE.sub("", span.text)
    text = unpossessed.strip()
    # A span may open on a whitespace token ("\nLISK"): the mention starts where its text does.
    start_char = span.start_char + len(unpossessed) - len(unpossessed.lstrip())
    cluster.mentions.append(Mention(text=text, start=start_char, end=start_char + len(text), label=span.label_))
    cluster.tokens.append((span.start, span.end))
    cluster.type_votes[vote or span.label_] += 1


def country_named(name: str) -> Country | None:
    """The country a name or alias stands for ("U.S.", "RF", "Britain"); capitals are not countries."""
    low = name.lower().strip().removeprefix("the ")
    country = country_index().get(low)
    if country is not None and low in {a.lower().removeprefix("the ") for a in (country.name, *country.aliases)}:
        return country
    return None


def _country_words(key: str) -> str:
    """Country aliases and demonyms inside a name to the country ("RF Foreign Ministry" = "Russian ...")."""
    out = []
    for word in key.split():
        country = country_index().get(word)
        if country is not None and word in {
            a.lower().replace(".", "") for a in (country.name, *country.aliases, *country.demonyms)
        }:
            out.append(normalise_name(country.name).replace(" ", "_"))
        else:
            out.append(word)
    return " ".join(out)


def _org_key(
    text: str, name: str, label: str, cache: dict[str, tuple[str, int, int] | None]
) -> tuple[str, str | None, str | None]:
    """Key, acronym and expansion of a non-person mention."""
    country = country_named(name)
    if country is not None and label in ("GPE", "LOC", "ORG"):
        return f"gpe:{normalise_name(country.name)}", None, None
    if is_acronym(name):
        letters = acronym_letters(name)
        if letters not in cache:
            cache[letters] = find_expansion(text, name)
        found = cache[letters]
        if found:
            return f"org:{normalise_name(found[0])}", letters, found[0]
        return f"acr:{letters.lower()}", letters, None
    key = _country_words(normalise_name(name)) if label in ("ORG", "FAC") else normalise_name(name)
    letters = initials(name)
    acronym = letters if len(name.split()) >= 3 and len(letters) >= 3 else None
    return f"{'org' if label in ('ORG', 'FAC') else label.lower()}:{key}", acronym, None


def _merge_truncated(clusters: list[_Cluster]) -> list[_Cluster]:
    """Join a cluster whose name is a truncation of another's ("the Organization for Security and
    Cooperation" / "... in Europe") or an acronym of it."""
    merged: list[_Cluster] = []
    for cluster in sorted(clusters, key=lambda c: -len(c.key)):
        if cluster.full_person or cluster.surname:
            merged.append(cluster)
            continue
        target = None
        for other in merged:
            if other.surname or other.full_person:
                continue
            k1, k2 = cluster.key.split(":", 1)[-1], other.key.split(":", 1)[-1]
            if (
                (len(k1.split()) >= 3 and k2.startswith(k1 + " "))
                or (len(k1.split()) >= 2 and k2.startswith(k1 + " of "))
                or _acronym_form(k1, clusters) == k2.replace(" the ", " ")
                or (
                    len(k1.split()) == 1
                    and k1 in _GENERIC_HEADS
                    and cluster.key.startswith("org:")
                    and (k2.split()[0] == k1 or k2.split()[-1] == k1)
                    and sum(
                        1
                        for c in clusters
                        if c is not cluster
                        and c.key.startswith("org:")
                        and k1 in (c.key[4:].split()[0], c.key[4:].split()[-1])
                    )
                    == 1
                )
                or (cluster.key.startswith("acr:") and other.acronym and other.acronym.lower() == k1)
                or (other.key.startswith("acr:") and cluster.acronym and cluster.acronym.lower() == k2)
            ):
                target = other
            if target:
                break
        if target is None:
            merged.append(cluster)
            continue
        target.mentions.extend(cluster.mentions)
        target.tokens.extend(cluster.tokens)
        target.type_votes.update(cluster.type_votes)
        if target.key.startswith("acr:") and not cluster.key.startswith("acr:"):
            target.key, target.expansion = cluster.key, cluster.expansion or _best_surface(cluster)
        target.acronym = target.acronym or cluster.acronym
    return merged


_GENERIC_HEADS = {
    "organization",
    "ministry",
    "assembly",
    "council",
    "commission",
    "committee",
    "company",
    "government",
    "parliament",
    "agency",
    "office",
    "union",
    "court",
    "party",
    "bank",
    "fund",
    "authority",
    "department",
    "alliance",
    "administration",
    "board",
    "institute",
    "university",
}


def _acronym_form(key: str, clusters: list[_Cluster]) -> str | None:
    """ "rwa board" -> "board of the regional water authority" when RWA
    expands in this article, so that both spellings of one body meet."""
    words = key.split()
    if len(words) < 2:
        return None
    for other in clusters:
        if other.acronym and other.acronym.lower() == words[0] and other.expansion:
            return f"{' '.join(words[1:])} of {normalise_name(other.expansion)}".replace(" the ", " ")
    return None


def _best_surface(cluster: _Cluster) -> str:
    forms = Counter(m.text for m in cluster.mentions if not is_acronym(m.text))
    if not forms:
        forms = Counter(m.text for m in cluster.mentions)
    return max(forms, key=lambda f: (len(f.split()), forms[f], len(f)))


def _canonical_name(cluster: _Cluster) -> str:
    if cluster.type == "PERSON":
        names = [m.text for m in cluster.mentions if m.label == "PERSON"] or [m.text for m in cluster.mentions]
        best = max(names, key=lambda n: (len(person_name_parts(n)[0] or "") > 1, len(n.split()), len(n)))
        words = best.split()
        roles = role_words()
        while len(words) > 1 and (words[0].lower() in _HONORIFICS or words[0].lower() in roles):
            words = words[1:]
        return " ".join(words)
    if cluster.expansion:
        return re.sub(r"^(?:the|The)\s+", "", cluster.expansion)
    if cluster.key.startswith("gpe:"):
        country = country_named(cluster.key[4:])
        if country is not None:
            return country.name
    return re.sub(r"^(?:the|The)\s+", "", _best_surface(cluster))


def _build_index(doc: Doc, clusters: list[_Cluster]) -> EntityIndex:
    clusters = [c for c in clusters if c.mentions]
    clusters.sort(key=lambda c: min(m.start for m in c.mentions))
    entities: list[Entity] = []
    by_token: dict[int, str] = {}
    genders: dict[str, str] = {}
    for number, cluster in enumerate(clusters, 1):
        eid = f"e{number}"
        name = _canonical_name(cluster)
        etype = cluster.type
        if etype == "PERSON":
            first, surname = person_name_parts(name)
            key = f"person:{surname}|{first or ''}"
            gender = gender_of(first) or _honorific_gender(doc, cluster)
            if gender:
                genders[eid] = gender
        else:
            key = cluster.key or f"{etype.lower()}:{normalise_name(name)}"
        aliases = tuple(sorted({m.text for m in cluster.mentions} - {name}))
        role = max(cluster.roles, key=len) if cluster.roles else None
        country = None
        if etype in ("GPE", "NORP", "LOC") or (cluster.key or "").startswith("gpe:"):
            found = country_index().get(normalise_name(name)) or country_index().get(name.lower())
            country = found.name if found else None
        entity = Entity(
            id=eid,
            name=name,
            type=etype,
            key=key,
            role=role,
            aliases=aliases,
            mentions=tuple(sorted(cluster.mentions, key=lambda m: m.start)),
            acronym=cluster.acronym if etype != "PERSON" else None,
            country=country,
        )
        entities.append(entity)
        for start, end in cluster.tokens:
            for i in range(start, end):
                by_token[i] = eid
    return EntityIndex(entities=entities, by_token=by_token, by_id={e.id: e for e in entities}, genders=genders)


_HONORIFIC_GENDER = {
    "mr": "m",
    "mr.": "m",
    "sir": "m",
    "lord": "m",
    "mrs": "f",
    "mrs.": "f",
    "ms": "f",
    "ms.": "f",
    "miss": "f",
    "dame": "f",
    "lady": "f",
}


def _honorific_gender(doc: Doc, cluster: _Cluster) -> str | None:
    """Gender from "Mr." / "Mrs." / "Ms." before any mention of the person."""
    for start, _ in cluster.tokens:
        for i in (start, start - 1):
            if 0 <= i < len(doc):
                gender = _HONORIFIC_GENDER.get(doc[i].lower_)
                if gender:
                    return gender
    return None


# ----------------------------------------------------------------------------------------------- roles


def _role_before(doc: Doc, span: Span) -> Span | None:
    """The title written before a name: "Russian Foreign Minister", "US Secretary of State", "Assembly leader"."""
    roles = role_words()
    i = span.start - 1
    sentence_start = sentence_start_of(doc, span.start)
    while i >= sentence_start:
        token = doc[i]
        if token.ent_type_ == "PERSON":
            break
        if (
            token.lower_ in ("of", "and", "for", "&")
            and i - 1 >= sentence_start
            and (doc[i - 1].is_title or doc[i - 1].is_upper)
        ):
            i -= 1
            continue
        if token.is_title or token.is_upper or token.lower_ in roles or token.lower_ in ("-",):
            if token.is_punct and token.text not in ("-",):
                break
            if (
                token.pos_ in ("VERB", "AUX", "ADP", "DET", "PRON", "SCONJ", "CCONJ", "ADV")
                and token.lower_ not in roles
            ):
                break
            i -= 1
            continue
        break
    start = i + 1
    while start < span.start and doc[start].lower_ in ("of", "and", "for", "&", "-"):
        start += 1
    if start >= span.start:
        return None
    role = doc[start : span.start]
    if not any(t.lower_ in roles for t in role):
        return None
    return role


def sentence_start_of(doc: Doc, i: int) -> int:
    """Index of the first token of the sentence holding token ``i`` (``Span.sent`` walks the whole Doc)."""
    while i > 0 and not doc[i].is_sent_start:
        i -= 1
    return i


def sentence_end_of(doc: Doc, i: int) -> int:
    i += 1
    while i < len(doc) and not doc[i].is_sent_start:
        i += 1
    return i


def _appositive_role(doc: Doc, span: Span) -> str | None:
    """A role given after the name: "Lidia Sarkany, the directorate's spokeswoman, said"."""
    roles = role_words()
    for token in span:
        for child in token.children:
            if child.dep_ == "appos" and child.i >= span.end and child.lower_ in roles:
                words = [t for t in child.subtree if t.dep_ not in ("det", "punct") and t.i >= span.end]
                if words:
                    text = doc[words[0].i : words[-1].i + 1].text
                    if len(text.split()) <= 8:
                        return text
    return None


# -------------------------------------------------------------------------------------- across articles


def same_entity(a: Entity, b: Entity) -> bool:
    """Whether two entities (from different articles) are one real actor."""
    if normalise_name(a.name) == normalise_name(b.name) and len(a.name.split()) > 1:
        return True  # one name the tagger typed differently in two articles ("Tamsel Agro" ORG / PERSON)
    if a.type == "PERSON" or b.type == "PERSON":
        if a.type != b.type:
            pa, pb = (a, b) if a.type == "PERSON" else (b, a)
            return person_name_parts(pa.name)[1] == normalise_name(pb.name) and len(pb.name.split()) == 1
        fa, sa = person_name_parts(a.name)
        fb, sb = person_name_parts(b.name)
        return sa == sb and _compatible_first(fa, fb)
    if a.key == b.key:
        return True
    ka, kb = a.key.split(":", 1)[-1], b.key.split(":", 1)[-1]
    if ka == kb and ka:
        return True
    acr_a = a.acronym or (ka.upper() if a.key.startswith("acr:") else None)
    acr_b = b.acronym or (kb.upper() if b.key.startswith("acr:") else None)
    if acr_a and acr_b and acr_a.upper() == acr_b.upper():
        return True
    if acr_a and a.key.startswith("acr:") and initials(b.name) == acr_a.upper():
        return True
    # Two spellings of one country ("U.S." / "the United States") meet through their keys above; a
    # capital is not its country (Moscow stays apart from Russia).
    return bool(acr_b and b.key.startswith("acr:") and initials(a.name) == acr_b.upper())


def _different_people(a: Entity, b: Entity) -> bool:
    """Two people whose first names differ ("Tomas Varga", "Ingrid Varga"): a surname-only mention that
    matches both must not bridge them into one actor."""
    if a.type != "PERSON" or b.type != "PERSON":
        return False
    return not _compatible_first(person_name_parts(a.name)[0], person_name_parts(b.name)[0])


@dataclass(frozen=True)
class CanonicalEntity:
    """One actor across several articles: its best name and the article-level entities it joins."""

    id: str
    name: str
    type: str
    role: str | None
    aliases: tuple[str, ...]
    members: tuple[tuple[str, str], ...]  # (article id, entity id)


def canonicalise(per_article: Sequence[tuple[str, Iterable[Entity]]]) -> list[CanonicalEntity]:
    """Match the entities of several articles into cross-article actors.

    Args:
        per_article: (article id, that article's entities) pairs.

    Returns:
        One CanonicalEntity per actor, most mentioned first.
    """
    groups: list[list[tuple[str, Entity]]] = []
    for article_id, entities in per_article:
        for entity in entities:
            home = None
            for group in groups:
                if any(same_entity(entity, other) for _, other in group) and not any(
                    _different_people(entity, other) for _, other in group
                ):
                    home = group
                    break
            if home is None:
                groups.append([(article_id, entity)])
            else:
                home.append((article_id, entity))
    # A person known only by a surname in one article joins the full name of another: done by
    # same_entity; here persons with a full name win the canonical name.
    result = []
    for group in groups:
        entities = [e for _, e in group]
        # Type by majority over every mention in every article; a known first name settles a tie for PERSON.
        types = Counter(e.type for e in entities for _ in e.mentions or (None,))
        etype, top = types.most_common(1)[0]
        if (
            etype != "PERSON"
            and types["PERSON"] == top
            and any(e.type == "PERSON" and gender_of(person_name_parts(e.name)[0]) for e in entities)
        ):
            etype = "PERSON"
        name = max(
            (e.name for e in entities),
            key=lambda n: (
                not is_acronym(n),
                len(n.split()) if etype == "PERSON" else 0,
                sum(e.count for e in entities if e.name == n),
                len(n),
            ),
        )
        roles = [e.role for e in entities if e.role]
        aliases = sorted({a for e in entities for a in (e.name, *e.aliases)} - {name})
        result.append(
            (
                sum(e.count for e in entities),
                CanonicalEntity(
                    id="",
                    name=name,
                    type=etype,
                    role=max(roles, key=len) if roles else None,
                    aliases=tuple(aliases),
                    members=tuple((aid, e.id) for aid, e in group),
                ),
            )
        )
    result.sort(key=lambda item: -item[0])
    return [
        CanonicalEntity(id=f"E{i}", name=c.name, type=c.type, role=c.role, aliases=c.aliases, members=c.members)
        for i, (_, c) in enumerate(result, 1)
    ]
