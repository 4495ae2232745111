"""Lookups over analyses that fail loudly: a test names the quote or entity it means by a fragment of its
text, and gets exactly one."""

from __future__ import annotations

from rashomon.records import Analysis, Article, Entity, Quote


def quote_containing(analysis: Analysis, fragment: str) -> Quote:
    found = [q for q in analysis.quotes if fragment in q.text]
    assert len(found) == 1, f"{len(found)} quotes contain {fragment!r}: {[q.text for q in analysis.quotes]}"
    return found[0]


def entities_named(analysis: Analysis, name: str) -> list[Entity]:
    return [e for e in analysis.entities if e.name == name]


def entity_named(analysis: Analysis, name: str) -> Entity:
    found = entities_named(analysis, name)
    assert len(found) == 1, f"{len(found)} entities named {name!r}: {[e.name for e in analysis.entities]}"
    return found[0]


def entities_mentioning(analysis: Analysis, text: str) -> list[Entity]:
    """Entities with a mention written exactly ``text``."""
    return [e for e in analysis.entities if any(m.text == text for m in e.mentions)]


def assert_offsets(article: Article, analysis: Analysis) -> None:
    """Every quote, cue, source, mention and claim offset slices the article text to what the record says."""
    text = article.text
    for q in analysis.quotes:
        assert text[q.start : q.end].strip() == q.text, q
        if q.cue is not None:
            assert (q.cue_start, q.cue_end) != (None, None), q
            assert text[q.cue_start : q.cue_end] == q.cue, q
        if q.speaker_start is not None:
            assert text[q.speaker_start : q.speaker_end] == q.speaker_as_written, q
    for e in analysis.entities:
        for m in e.mentions:
            assert text[m.start : m.end] == m.text, (e.name, m)
    for c in analysis.claims:
        assert text[c.start : c.end].strip() == c.text, c
    for d in analysis.dates:
        assert text[d.start : d.end] == d.text, d
