"""Framing of three invented reports of one flood: loaded words in the outlet's own voice kept apart from
loaded words inside quotations, verbs of attribution, tone toward an actor, and voices grouped by whom
they speak for."""

from __future__ import annotations

import pytest

from rashomon.compare.framing import affiliation_of, find_loaded
from rashomon.records import Article, ComparedEvent, Framing
from tests.compare.conftest import Compare
from tests.compare.helpers import framing_of

FLAME = "\n\n".join(
    (
        "The disastrous release from the Orlen Dam flooded Harwick on Monday.",
        "“This is a shameful cover-up by the water board,” said Ilse Varga, the mayor of Harwick.",
        "Dam manager Rudolf Keck said the gates had to be opened.",
        "Rudolf Keck’s reckless decision left hundreds of families homeless, and Keck has refused to resign after "
        "the botched release.",
    )
)
POST = "\n\n".join(
    (
        "Norwegian Foreign Ministry spokesman Lars Dahl said on Tuesday that Norway would send two rescue teams "
        "to Harwick.",
        "Norwegian ambassador Ingrid Moe said the teams would bring pumps and boats.",
        "Ruritanian Foreign Ministry spokesman Anton Hrebec said Ruritania was ready to help.",
        "“Our teams will leave tonight,” Dahl said.",
        "Dam manager Rudolf Keck said the gates had to be opened to save the dam.",
    )
)
COURIER = "\n\n".join(
    (
        "Dam manager Rudolf Keck claimed that the gates had to be opened on Monday.",
        "Keck also claimed that the town had been warned on Sunday evening.",
        "Fire chief Otto Brandl said 46 people had been rescued by boat.",
    )
)
ARTICLES = [
    Article(id="flame", source="flame.txt", text=FLAME, outlet="Daily Flame", published="2024-10-08"),
    Article(id="post", source="post.txt", text=POST, outlet="Coastline Post", published="2024-10-08"),
    Article(id="courier", source="courier.txt", text=COURIER, outlet="Evening Courier", published="2024-10-08"),
]


@pytest.fixture(scope="module")
def compared(compare_articles: Compare) -> ComparedEvent:
    return compare_articles(ARTICLES)


@pytest.fixture(scope="module")
def flame(compared: ComparedEvent) -> Framing:
    return framing_of(compared, "Daily Flame")


@pytest.fixture(scope="module")
def post(compared: ComparedEvent) -> Framing:
    return framing_of(compared, "Coastline Post")


@pytest.fixture(scope="module")
def courier(compared: ComparedEvent) -> Framing:
    return framing_of(compared, "Evening Courier")


def test_framing_one_record_per_article(compared: ComparedEvent) -> None:
    assert sorted(f.source for f in compared.framing) == ["courier.txt", "flame.txt", "post.txt"]


def test_framing_loaded_words_in_own_voice(flame: Framing) -> None:
    own = {t.term: t for t in flame.loaded_terms}
    assert {"disastrous", "reckless", "botched"} <= set(own)
    assert all(t.speaker is None for t in flame.loaded_terms)
    assert own["disastrous"].sentence == "The disastrous release from the Orlen Dam flooded Harwick on Monday."
    assert own["disastrous"].category == "evaluative" and own["disastrous"].polarity == "negative"


def test_framing_loaded_words_in_quotes_belong_to_the_speaker(flame: Framing) -> None:
    quoted = {t.term: t for t in flame.quoted_loaded_terms}
    assert {"shameful", "cover-up"} <= set(quoted)
    assert quoted["shameful"].speaker == quoted["cover-up"].speaker == "Ilse Varga"
    # Not the outlet's words.
    assert not {"shameful", "cover-up"} & {t.term for t in flame.loaded_terms}


def test_framing_neutral_report_has_no_loaded_words(post: Framing) -> None:
    assert post.loaded_terms == ()


def test_framing_attribution_verbs_counted(courier: Framing, post: Framing) -> None:
    assert courier.attribution_verbs == {"claim": 2, "say": 1}
    assert post.attribution_verbs.get("claim") is None
    assert post.attribution_verbs["say"] >= 4


def test_framing_tone_negative_where_own_voice_is_loaded(flame: Framing, post: Framing) -> None:
    assert flame.tone["Rudolf Keck"]["score"] < 0
    assert flame.tone["Rudolf Keck"]["evidence"] >= 2
    # The neutral report's sentences about him carry no loaded words and a neutral verb.
    assert post.tone["Rudolf Keck"]["score"] == 0
    assert flame.tone["Rudolf Keck"]["score"] < post.tone["Rudolf Keck"]["score"]


def test_framing_doubtful_verb_lowers_tone(courier: Framing, post: Framing) -> None:
    # "claimed" presents his words as doubtful; "said" does not.
    assert courier.tone["Rudolf Keck"]["score"] < post.tone["Rudolf Keck"]["score"]


def test_framing_voices_affiliated_with_a_listed_country(post: Framing) -> None:
    voices = {v.speaker: v for v in post.voices}
    assert voices["Lars Dahl"].affiliation == "Norway"
    assert voices["Ingrid Moe"].affiliation == "Norway"
    assert voices["Lars Dahl"].quotes == 2
    # Grouped by affiliation: Norway's words are the sum of its two voices'.
    assert post.voices_by_affiliation["Norway"] == voices["Lars Dahl"].words + voices["Ingrid Moe"].words
    assert voices["Rudolf Keck"].affiliation is None


def test_framing_unlisted_country_is_no_affiliation(post: Framing) -> None:
    # "Ruritanian" is in no country list: his role gives no country (at most the ministry it names).
    hrebec = next(v for v in post.voices if v.speaker == "Anton Hrebec")
    assert "Ruritan" not in (hrebec.affiliation or "")
    assert "Ruritania" not in post.voices_by_affiliation


def test_framing_affiliation_of_roles() -> None:
    assert affiliation_of("Norwegian Foreign Ministry spokesman", "PERSON", "Lars Dahl", None, []) == "Norway"
    assert affiliation_of("Ruritanian Foreign Ministry spokesman", "PERSON", "Anton Hrebec", None, []) is None
    assert affiliation_of(None, "PERSON", "Anton Hrebec", "Oslo", []) == "Norway"
    assert affiliation_of("a spokesman for Westmark Hydro", "PERSON", "Adrian Pell", None, ["Westmark Hydro"]) == (
        "Westmark Hydro"
    )


def test_framing_find_loaded_phrases_and_lemmas() -> None:
    found = {e.term for e in find_loaded("Residents slammed the so-called plan as a cover-up.", ("slam",))}
    assert {"slam", "so-called", "cover-up"} <= found
    assert find_loaded("The council met on Tuesday and approved the budget.", ()) == []
