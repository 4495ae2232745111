"""How each outlet frames an event: headline, verbs of attribution, loaded words, tone, voices.

The outlet's own voice is kept apart from the people it quotes: loaded words are counted in claims the
outlet narrates, with the words inside quote marks removed; loaded words inside quotations are listed
separately under their speaker. Tone toward an actor is read from the outlet's own sentences that
name the actor, and from the verbs the outlet chooses for the actor's words ("claimed", "admitted").
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from importlib import resources

from rashomon.analyse.lexicons import country_index, cue_verbs
from rashomon.records import AnalysedArticle, Framing, LoadedTerm, Voice

_QUOTED = re.compile(r"[“\"«][^”\"»]*[”\"»]")


@dataclass(frozen=True)
class LexiconEntry:
    term: str
    category: str
    polarity: str


@functools.cache
def loaded_lexicon() -> dict[str, LexiconEntry]:
    path = resources.files("rashomon.data").joinpath("lexicons", "loaded_terms.tsv")
    table = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip() or line.startswith("#"):
                continue
            cols = [c.strip() for c in line.rstrip("\n").split("\t")]
            if len(cols) >= 3:
                table[cols[0].lower()] = LexiconEntry(cols[0].lower(), cols[1], cols[2])
    return table


def _inflected(word: str) -> str:
    """A pattern for a word and its inflections ("rake": rake, rakes, raked, raking; "slap": slapped)."""
    if word.endswith("e"):
        return re.escape(word[:-1]) + r"(?:e|es|ed|ing)"
    if word.endswith("y"):
        return re.escape(word[:-1]) + r"(?:y|ies|ied|ying)"
    return re.escape(word) + r"(?:s|es|ed|ing|\w(?:ed|ing))?"


@functools.cache
def _phrases() -> list[tuple[re.Pattern[str], LexiconEntry]]:
    """Multiword terms; the first word (the verb of "rake in", "lash out") may be inflected."""
    out = []
    for term, entry in loaded_lexicon().items():
        if " " not in term and "-" not in term:
            continue
        first, _, rest = term.partition(" ")
        head = _inflected(first) if rest else re.escape(first)
        tail = (r"[\s-]+" + re.escape(rest).replace(r"\ ", r"[\s-]+")) if rest else ""
        pattern = (head + tail).replace(r"\-", r"[\s-]?")
        out.append((re.compile(r"\b" + pattern + r"\b", re.IGNORECASE), entry))
    return out


# Senses that are not loaded: a term is skipped where its context shows the plain sense ("I woke up" is
# not the slur; "three days in a row" is no quarrel; "a blast at the plant" is an explosion) and, for terms
# in REQUIRED, kept only in the loaded sense ("caves to unions", "pocketed a bonus").
_PLAIN_SENSE = {
    "woke": re.compile(
        r"\b(?:i|he|she|we|they|you|who|and|then|had|had just|finally)\s+woke\b|\bwoke\s+(?:up|to|from|at|early|"
        r"late|with|him|her|them|me|us|in)\b",
        re.IGNORECASE,
    ),
    "row": re.compile(
        r"\bin a row\b|\b(?:front|back|second|first|death|skid|top|bottom)[\s-]+row\b|\brows?\s+of\b", re.I
    ),
    "blast": re.compile(r"\b(?:a|the|an|bomb|gas|explosion|deadly|huge|powerful)\s+blast\b", re.IGNORECASE),
    "storm": re.compile(r"\b(?:a|the|tropical|winter|snow|heavy|severe)\s+storm\b|\bstorm\s+[A-Z]", re.IGNORECASE),
}
_REQUIRED = {
    "cave": re.compile(r"\bcav(?:e|es|ed|ing)\s+(?:in|to|under)\b", re.IGNORECASE),
    "pocket": re.compile(r"\bpocket(?:ed|s|ing)\b", re.IGNORECASE),
    "moan": re.compile(r"\bmoan(?:ed|s|ing)?\s+(?:about|that)\b", re.IGNORECASE),
}


def _plain_sense(term: str, text: str, at: int) -> bool:
    window = text[max(0, at - 40) : at + 40]
    plain = _PLAIN_SENSE.get(term)
    if plain is not None and plain.search(window):
        return True
    required = _REQUIRED.get(term)
    return required is not None and not required.search(window)


def _base_forms(word: str) -> list[str]:
    """The word, then what it may inflect ("caves" -> cave, "slapped" -> slap, "raking" -> rake)."""
    forms = [word]
    for suffix, repl in (
        ("ies", "y"),
        ("es", ""),
        ("s", ""),
        ("ied", "y"),
        ("ed", ""),
        ("ed", "e"),
        ("ing", ""),
        ("ing", "e"),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)] + repl
            forms.append(stem)
            if len(stem) > 3 and stem[-1] == stem[-2] and not repl:  # "slapped" -> "slapp" -> "slap"
                forms.append(stem[:-1])
    return forms


def find_loaded(text: str, lemmas: tuple[str, ...]) -> list[LexiconEntry]:
    """Loaded terms in a sentence, in the order they occur: single words by surface form and lemma,
    phrases by text; words used in a plain sense are left out."""
    lexicon = loaded_lexicon()
    found: dict[str, tuple[tuple[int, int], LexiconEntry]] = {}

    def keep(entry: LexiconEntry, at: tuple[int, int]) -> None:
        if entry.term not in found or at < found[entry.term][0]:
            found[entry.term] = (at, entry)

    words = [(m.start(), m.group(0).lower()) for m in re.finditer(r"[\w’'-]+", text)]
    for start, word in words:
        for form in _base_forms(word):  # headlines come without lemmas: "caves", "pocketed", "slapped"
            entry = lexicon.get(form)
            if entry is not None and " " not in entry.term:
                keep(entry, (start, 0))
                break
    for number, lemma in enumerate(lemmas):
        entry = lexicon.get(lemma)
        if entry is not None and " " not in entry.term:
            # An inflected form ("admitted" for "admit") sits at the first word sharing its stem; an
            # irregular one ("said") after the words of the sentence, in lemma order.
            stem = lemma[: max(3, len(lemma) - 1)]
            start = next((s for s, w in words if w.startswith(stem)), len(text))
            keep(entry, (start, number))
    for pattern, entry in _phrases():
        match = pattern.search(text)
        if match:
            keep(entry, (match.start(), 0))
    kept = [(at, entry) for at, entry in found.values() if not _plain_sense(entry.term, text, at[0])]
    return [entry for _, entry in sorted(kept, key=lambda item: (item[0], item[1].term))]


def is_self_reference(name: str, outlet: str | None) -> bool:
    """Whether a speaker is the outlet itself ("the Ledger" in The Northern Ledger, "The Torch")."""
    if not outlet:
        return False

    def words(text: str) -> list[str]:
        return [w for w in re.findall(r"\w+", text.lower()) if w not in ("the", "a")]

    mine, theirs = words(name), words(outlet)
    if not mine or not theirs:  # an outlet named only "The" or "A" has no words to compare
        return False
    return mine == theirs or (len(mine) == 1 and mine[0] == theirs[-1]) or mine == theirs[-len(mine) :]


def _speaker_of_quotes(claim: object, quotes: tuple[object, ...]) -> str:
    """The speaker of the quotation a claim's quoted words belong to, else "unattributed"."""
    for quote in quotes:
        if quote.start < claim.end and claim.start < quote.end and quote.speaker:  # type: ignore[attr-defined]
            return str(quote.speaker)  # type: ignore[attr-defined]
    return "unattributed"


_STANCE_SCORE = {"negative": -1.0, "uncertain": -0.5, "assertive": -0.25, "positive": 1.0, "neutral": 0.0}


def affiliation_of(
    speaker_role: str | None, speaker_type: str | None, speaker: str, on_behalf_of: str | None, organisations: list[str]
) -> str | None:
    """Who a voice speaks for: the country in its role ("Russian Foreign Ministry spokesman" -> Russia), an
    organisation named in its role, the government it speaks for, or itself for an institution."""
    if on_behalf_of:
        country = country_index().get(on_behalf_of.lower())
        return country.name if country else on_behalf_of
    role = speaker_role or ""
    # A country in the role or in the speaker's own words ("Russian Foreign Ministry spokesman",
    # "U.S. Secretary of State", "a source in the RF delegation") is what the voice speaks for.
    for text in (role, speaker if speaker_type in (None, "anonymous") else ""):
        for word in re.findall(r"[\w.-]+", text):
            if not word[:1].isupper():
                continue
            country = country_index().get(word.lower()) or country_index().get(word.lower().strip("."))
            if country is not None:
                return country.name
    role_words = {w.lower() for w in re.findall(r"[\w-]+", role) if w[:1].isupper()}
    role_stems = {w[:6] for w in role_words}
    for org in organisations:
        if not org:
            continue
        words = [w.lower() for w in re.findall(r"[\w-]+", org)]
        acronym = "".join(w[0] for w in words if w not in ("of", "for", "and", "the", "in")).lower()
        if (
            org.lower() in role.lower()
            or words[-1] in role_words
            or (len(acronym) >= 2 and acronym in role_words)
            # "Interior Minister" works for the "Interior Ministry"
            or (len(words) >= 2 and {w[:6] for w in words if w[:1].isalpha()} <= role_stems)
        ):
            return org
    if speaker_type in ("ORG", "GPE", "NORP"):
        country = country_index().get(speaker.lower())
        return country.name if country and speaker_type != "ORG" else speaker
    return None


def frame(
    item: AnalysedArticle,
    canonical: dict[str, str],
    actors: list[str],
    roles: dict[str, str | None],
    organisations: list[str] | None = None,
) -> Framing:
    """Framing of one article.

    Args:
        item: the analysed article.
        canonical: this article's entity id -> canonical actor name (across the event).
        actors: the event's main actors (canonical names) to read tone toward.
        roles: canonical actor name -> best-known role across the event.
        organisations: the event's organisations (canonical names), which voices may speak for.
    """
    article, analysis = item.article, item.analysis
    cues = cue_verbs()
    verbs: Counter[str] = Counter()
    speech = [q for q in analysis.quotes if q.is_speech]
    for quote in speech:
        if quote.cue_lemma and quote.cue_lemma != "according to":
            verbs[quote.cue_lemma] += 1
        elif quote.cue_lemma == "according to":
            verbs["according to"] += 1
    loaded: list[LoadedTerm] = []
    quoted: list[LoadedTerm] = []
    tone_sum: dict[str, float] = defaultdict(float)
    tone_n: dict[str, int] = defaultdict(int)
    entity_names = {e.id: canonical.get(e.id, e.name) for e in analysis.entities}
    headline_terms = find_loaded(article.title or "", ())
    for entry in headline_terms:
        loaded.append(
            LoadedTerm(term=entry.term, category=entry.category, polarity=entry.polarity, sentence=article.title or "")
        )
    for claim in analysis.claims:
        # The outlet's voice is every word outside quote marks: its narration, the verbs it picks to report
        # speech, and what it paraphrases (indirect speech is the outlet's wording). Words inside quote
        # marks are the speaker's.
        narration = _QUOTED.sub(" ", claim.text)
        words = re.findall(r"[\w’'-]+", narration.lower())
        own_lemmas = (
            claim.lemmas
            if narration == claim.text
            else tuple(
                lemma for lemma in claim.lemmas if any(w.startswith(lemma[: max(3, len(lemma) - 2)]) for w in words)
            )
        )
        entries = find_loaded(narration, own_lemmas)
        for entry in entries:
            loaded.append(
                LoadedTerm(term=entry.term, category=entry.category, polarity=entry.polarity, sentence=claim.text)
            )
        if claim.voice == "outlet" or is_self_reference(claim.voice, article.outlet):
            polarity = sum(1 if e.polarity == "positive" else -1 if e.polarity == "negative" else 0 for e in entries)
            for eid in claim.entities:
                name = entity_names.get(eid)
                if name in actors:
                    tone_sum[name] += polarity
                    tone_n[name] += 1
        speaker = claim.voice if claim.voice != "outlet" else _speaker_of_quotes(claim, analysis.quotes)
        for match in _QUOTED.finditer(claim.text):
            for entry in find_loaded(match.group(0), ()):
                quoted.append(
                    LoadedTerm(
                        term=entry.term,
                        category=entry.category,
                        polarity=entry.polarity,
                        sentence=claim.text,
                        speaker=speaker,
                    )
                )
    # The verbs the outlet picks for an actor's words are part of its tone toward the actor.
    for quote in speech:
        name = canonical.get(quote.speaker_id or "", quote.speaker)
        cue = cues.get(quote.cue_lemma or "")
        if name in actors and cue is not None:
            tone_sum[name] += _STANCE_SCORE.get(cue.stance, 0.0) * 0.5
            tone_n[name] += 1
    tone = {
        name: {"score": round(tone_sum[name] / (tone_n[name] + 1), 3), "evidence": tone_n[name]}
        for name in actors
        if tone_n.get(name)
    }
    if organisations is None:
        organisations = [e.name for e in analysis.entities if e.type == "ORG"]
    voices: dict[str, dict[str, object]] = {}
    for quote in speech:
        if not quote.speaker or is_self_reference(quote.speaker, article.outlet):
            continue  # "the Torch can reveal": the outlet's own voice, not a source it quotes
        name = canonical.get(quote.speaker_id or "", quote.speaker)
        voice = voices.setdefault(name, {"quotes": 0, "words": 0, "type": quote.speaker_type, "affiliation": None})
        voice["quotes"] = int(voice["quotes"]) + 1  # type: ignore[call-overload]
        voice["words"] = int(voice["words"]) + len(quote.text.split())  # type: ignore[call-overload]
        if voice["affiliation"] is None:
            voice["affiliation"] = affiliation_of(
                roles.get(name), quote.speaker_type, name, quote.on_behalf_of, organisations
            )
    voice_records = tuple(
        Voice(
            speaker=name,
            quotes=int(v["quotes"]),
            words=int(v["words"]),  # type: ignore[call-overload]
            affiliation=v["affiliation"],
            type=v["type"],
        )  # type: ignore[arg-type]
        for name, v in sorted(voices.items(), key=lambda kv: -int(kv[1]["words"]))  # type: ignore[call-overload]
    )
    by_affiliation: Counter[str] = Counter()
    for voice in voice_records:
        by_affiliation[voice.affiliation or voice.speaker] += voice.words
    return Framing(
        source=article.source,
        outlet=article.outlet,
        headline=article.title,
        attribution_verbs=dict(verbs.most_common()),
        loaded_terms=tuple(loaded),
        quoted_loaded_terms=tuple(quoted),
        tone=tone,
        voices=voice_records,
        voices_by_affiliation=dict(by_affiliation.most_common()),
    )
