"""Word lists the analysis reads, as data files under rashomon/data/lexicons (each names its sources)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources


def _rows(name: str) -> list[list[str]]:
    path = resources.files("rashomon.data").joinpath("lexicons", name)
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            rows.append([c.strip() for c in line.split("\t")])
    return rows


@dataclass(frozen=True)
class Cue:
    lemma: str
    kind: str  # speech | belief | intention | perception | report
    stance: str  # neutral | positive | negative | uncertain | assertive


@functools.cache
def cue_verbs() -> dict[str, Cue]:
    """Lemma (or two-word phrasal lemma, "point out") -> cue class and stance."""
    table = {}
    for row in _rows("cue_verbs.tsv"):
        if len(row) >= 3:
            table[row[0].lower()] = Cue(row[0].lower(), row[1], row[2])
    return table


@dataclass(frozen=True)
class Role:
    noun: str
    category: str
    hypernyms: tuple[str, ...]


@functools.cache
def role_nouns() -> dict[str, Role]:
    table = {}
    for row in _rows("role_nouns.tsv"):
        if len(row) >= 2:
            hyper = tuple(h.strip().lower() for h in row[2].split(",") if h.strip()) if len(row) > 2 else ()
            table[row[0].lower()] = Role(row[0].lower(), row[1], hyper)
    return table


@functools.cache
def role_words() -> frozenset[str]:
    """Every single word that is, or ends, a role noun ("minister", "spokesman", "secretary")."""
    words = set()
    for noun, role in role_nouns().items():
        words.add(noun.split()[-1])
        words.update(h.split()[-1] for h in role.hypernyms)
    return frozenset(words)


@functools.cache
def first_names() -> dict[str, str]:
    """Lowercase first name -> m | f | u."""
    return {row[0].lower(): row[1] for row in _rows("first_names.tsv") if len(row) >= 2}


@dataclass(frozen=True)
class Country:
    name: str
    capital: str
    demonyms: tuple[str, ...]
    aliases: tuple[str, ...]
    seats: tuple[str, ...]


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


@functools.cache
def countries() -> tuple[Country, ...]:
    out = []
    for row in _rows("countries.tsv"):
        row = row + [""] * (5 - len(row))
        out.append(Country(row[0], row[1], _split(row[2]), _split(row[3]), _split(row[4])))
    return tuple(out)


@functools.cache
def country_index() -> dict[str, Country]:
    """Lowercase name, alias, capital, seat of government or demonym -> country."""
    index: dict[str, Country] = {}
    for country in countries():
        for key in (country.name, *country.aliases, *country.demonyms):
            index.setdefault(key.lower().removeprefix("the "), country)
    for country in countries():  # capitals and seats last: a name wins over a capital of the same spelling
        for key in (country.capital, *country.seats):
            if key:
                index.setdefault(key.lower().removeprefix("the "), country)
    return index


@functools.cache
def seats_of_government() -> dict[str, Country]:
    """Capitals and seats that stand for a government as speakers ("Moscow believes", "the Kremlin said")."""
    index: dict[str, Country] = {}
    for country in countries():
        for key in (country.capital, *country.seats):
            if key:
                index.setdefault(key.lower().removeprefix("the "), country)
    return index


@functools.cache
def spelling_variants() -> dict[str, str]:
    """British spelling -> American spelling (lowercase words)."""
    return {row[0].lower(): row[1].lower() for row in _rows("spelling_variants.tsv") if len(row) >= 2}
