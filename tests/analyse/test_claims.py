"""Claims: one per sentence, in the outlet's voice unless a quotation covers it, with the entities,
dates, numbers and negation the compare stage matches on. Every text here is invented."""

from __future__ import annotations

from rashomon.records import Analysis, Claim, Dateline
from tests.analyse.conftest import Analyse
from tests.analyse.helpers import assert_offsets, entity_named

BRIDGE = "\n\n".join(
    (
        "Mayor Lena Haldor opened the rebuilt Sarne bridge on Tuesday. The bridge cost 12 million euros and "
        "took two years to build.",
        "“Nobody will have to drive around the lake to reach the school,” Haldor said.",
        "The old bridge was not insured, and the town never received compensation.",
    )
)


def _claim(analysis: Analysis, fragment: str) -> Claim:
    found = [c for c in analysis.claims if fragment in c.text]
    assert len(found) == 1, [c.text for c in analysis.claims]
    return found[0]


def test_claims_one_per_sentence_in_text_order(analyse: Analyse) -> None:
    result = analyse(BRIDGE, published="2024-03-05")
    claims = result.analysis.claims
    assert len(claims) == 4
    assert [c.paragraph for c in claims] == [0, 0, 1, 2]
    assert [c.start for c in claims] == sorted(c.start for c in claims)
    assert len({c.id for c in claims}) == 4
    assert_offsets(result.article, result.analysis)


def test_claims_narration_is_the_outlets_voice(analyse: Analyse) -> None:
    analysis = analyse(BRIDGE, published="2024-03-05").analysis
    claim = _claim(analysis, "opened the rebuilt")
    assert claim.voice == "outlet"
    assert claim.speaker_id is None and claim.quote_id is None


def test_claims_quoted_sentence_is_the_speakers_voice(analyse: Analyse) -> None:
    analysis = analyse(BRIDGE, published="2024-03-05").analysis
    haldor = entity_named(analysis, "Lena Haldor")
    claim = _claim(analysis, "drive around the lake")
    assert claim.voice == "Lena Haldor"
    assert claim.speaker_id == haldor.id
    [quote] = [q for q in analysis.quotes if q.id == claim.quote_id]
    assert quote.speaker == "Lena Haldor"


def test_claims_record_entities_dates_numbers(analyse: Analyse) -> None:
    analysis = analyse(BRIDGE, published="2024-03-05").analysis
    haldor = entity_named(analysis, "Lena Haldor")
    opened = _claim(analysis, "opened the rebuilt")
    assert haldor.id in opened.entities
    assert [(d.text, d.value) for d in opened.dates] == [("Tuesday", "2024-03-05")]
    assert opened.numbers == ()
    cost = _claim(analysis, "12 million euros")
    assert "12 million" in " ".join(cost.numbers)
    assert haldor.id not in cost.entities


def test_claims_record_negation(analyse: Analyse) -> None:
    analysis = analyse(BRIDGE, published="2024-03-05").analysis
    assert _claim(analysis, "was not insured").negated is True
    assert _claim(analysis, "opened the rebuilt").negated is False
    assert _claim(analysis, "12 million euros").negated is False


DATELINED = (
    "LISK, March 5 (MNA) — The rebuilt Sarne bridge was opened on Tuesday by Mayor Lena Haldor, two years after "
    "the floods.\n\n"
    "The bridge cost 12 million euros."
)


def test_claims_start_after_the_dateline(analyse: Analyse) -> None:
    dateline_text = "LISK, March 5 (MNA) —"
    dateline = Dateline(place="Lisk", date="2024-03-05", agency="MNA", text=dateline_text)
    result = analyse(DATELINED, dateline=dateline)
    first = result.analysis.claims[0]
    # The sentence shares its first line with the dateline and ends its paragraph: the claim is the sentence
    # alone, without the dateline before it or the paragraph break after it.
    assert (
        first.text == "The rebuilt Sarne bridge was opened on Tuesday by Mayor Lena Haldor, two years after the floods."
    )
    assert first.start >= len(dateline_text)
    assert ("Tuesday", "2024-03-05") in [(d.text, d.value) for d in first.dates]
    assert_offsets(result.article, result.analysis)


def test_claims_atomic_split_at_coordinated_clauses(nlp) -> None:  # type: ignore[no-untyped-def]
    from rashomon.analyse.claims import clauses

    def pieces(text: str) -> list[str]:
        return [c.text for s in nlp(text).sents for c in clauses(s)]

    assert pieces("Tom Hale was arrested in Varn on Friday and charged with five crimes, the police said.") == [
        "Tom Hale was arrested in Varn on Friday",
        "and charged with five crimes, the police said.",
    ]
    assert pieces("The river burst its banks on Monday; hundreds of homes were flooded.") == [
        "The river burst its banks on Monday;",
        "hundreds of homes were flooded.",
    ]
    # No clause joint, or a piece too short to state a fact: one claim.
    assert pieces("Police and firefighters arrived at the scene on Monday.") == [
        "Police and firefighters arrived at the scene on Monday."
    ]
    assert pieces("He came and went.") == ["He came and went."]


def test_claims_atomic_setting_keeps_spans(analyse_with) -> None:  # type: ignore[no-untyped-def]
    text = "Tom Hale was arrested in Varn on Friday and charged with five crimes, the police said."
    plain = analyse_with(text, atomic_claims=False).analysis.claims
    atomic = analyse_with(text, atomic_claims=True).analysis.claims
    assert len(plain) == 1 and len(atomic) == 2
    for claim in atomic:
        assert text[claim.start : claim.end].strip() == claim.text
    assert [c.id for c in atomic] == ["c1", "c2"]
    assert "five" in atomic[1].numbers[0].lower() or atomic[1].quantities
