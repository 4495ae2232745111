"""Who said what is about speech: beliefs, perceptions and findings are their own kind, promo lines are no
transcript lines, an indirect quotation's content is the reported content (no dateline, no speaker's
title, no pronoun), and speakers are resolved as a careful reader would (the inverted "sobbed Selma Ruhl",
a first name's gender, a described institution, a statement's issuer). Every text here is invented."""

from __future__ import annotations

from rashomon.analyse.quotes import is_speech
from rashomon.ingest.credits import strip_wire_lines
from rashomon.records import Dateline
from tests.analyse.conftest import Analyse
from tests.analyse.helpers import quote_containing


def test_speech_cue_classes_split_speech_from_belief() -> None:
    for verb in ("say", "tell", "write", "announce", "deny", "accuse", "urge", "sob", "according to"):
        assert is_speech(verb), verb
    for verb in ("believe", "think", "know", "see", "find", "show", "hear", "conclude"):
        assert not is_speech(verb), verb


def test_speech_beliefs_are_their_own_kind_and_quote_marks_stay_quotes(analyse: Analyse) -> None:
    text = (
        "Police believe the fire at the Orsk depot was set deliberately.\n\n"
        "The inspection found that two exits had been locked, the fire chief said.\n\n"
        "Mayor Ilona Brandt believes that “the depot should never have reopened.”"
    )
    analysis = analyse(text).analysis
    belief = quote_containing(analysis, "set deliberately")
    assert (belief.kind, belief.speaker, belief.is_speech) == ("belief", "Police", False)
    said = quote_containing(analysis, "two exits had been locked")
    assert said.kind == "indirect" and said.is_speech and said.cue == "said"
    quoted = quote_containing(analysis, "never have reopened")
    assert quoted.kind in ("direct", "mixed") and quoted.is_speech  # words in quote marks are speech
    assert quoted.speaker == "Ilona Brandt"


def test_speech_promo_lines_are_removed_and_are_no_transcript_lines(analyse: Analyse) -> None:
    body = (
        "WATCH: Dock strike enters third week\n\n"
        "Dock workers in Varn stayed out for a third week on Monday.\n\n"
        "READ MORE: Port traffic halved as strike bites\n\n"
        "Talks resume on Thursday.\nRELATED: What the strike costs the port\nNo date has been set for a vote."
    )
    cleaned, credit = strip_wire_lines(body)
    assert credit is None
    assert "WATCH" not in cleaned and "READ MORE" not in cleaned and "RELATED" not in cleaned
    assert "Dock workers in Varn" in cleaned and "No date has been set" in cleaned
    # Left in a text, such a line is no quotation by "WATCH"; a real transcript label still is.
    analysis = analyse(
        "Senator Rosa Vint debated the port's director on Tuesday.\n\n"
        "WATCH: Dock strike enters third week\n\n"
        "VINT: The port cannot wait another month.\n\n"
        "MODERATOR: Thank you both."
    ).analysis
    assert not [q for q in analysis.quotes if "Dock strike enters" in q.text]
    assert quote_containing(analysis, "cannot wait another month").speaker == "Rosa Vint"
    assert quote_containing(analysis, "Thank you both").cue == ":"


def test_speech_content_without_the_dateline(analyse: Analyse) -> None:
    dateline = Dateline(place="Portville", date="--05-02", agency="Wire", text="PORTVILLE, May 2 (Wire) —")
    text = (
        "PORTVILLE, May 2 (Wire) — Nurses at Portville General ended their strike on Friday, "
        "union leader Ana Ruiz said."
    )
    quote = quote_containing(analyse(text, dateline=dateline).analysis, "ended their strike")
    assert quote.text.startswith("Nurses at Portville General"), quote.text
    assert quote.speaker == "Ana Ruiz"


def test_speech_no_pronoun_or_negated_content(analyse: Analyse) -> None:
    analysis = analyse(
        "Minister Oskar Lund did not reveal any details of the plan.\n\n"
        "Lund's deputy, Mira Sall, said it on Friday.\n\n"
        "The two aides haven't said much about the talks."
    ).analysis
    assert not [q for q in analysis.quotes if "any details" in q.text or "much" in q.text]
    assert not [q for q in analysis.quotes if q.text == "it"]


def test_speech_inverted_speaker_after_the_quote(analyse: Analyse) -> None:
    analysis = analyse(
        "The river rose overnight in Lisk.\n\n"
        "“There was no siren. No text. Nothing,” sobbed Selma Ruhl, a mother of three who was pulled from "
        "her attic by neighbours."
    ).analysis
    quote = quote_containing(analysis, "No text")
    assert (quote.kind, quote.speaker, quote.cue) == ("direct", "Selma Ruhl", "sobbed")
    assert not [q for q in analysis.quotes if q.text.startswith("Selma Ruhl")]


def test_speech_pronoun_follows_first_name_gender_and_the_last_subject(analyse: Analyse) -> None:
    analysis = analyse(
        "Agency chief Marta Ostrelli defended the release at a briefing.\n\n"
        "“The gates had to be opened,” she said.\n\n"
        "A petition demanding Ostrelli's resignation has 40,000 signatures.\n\n"
        "Ruhl, for one, is not impressed. “Fifty million,” she said, three days after Selma Ruhl lost her house."
    ).analysis
    assert quote_containing(analysis, "Fifty million").speaker == "Selma Ruhl"
    assert quote_containing(analysis, "had to be opened").speaker == "Marta Ostrelli"


def test_speech_pronoun_goes_to_a_conjoined_subject(analyse: Analyse) -> None:
    analysis = analyse(
        "Health Minister Dora Kell opened the clinic on Monday.\n\n"
        "Mayor Tom Berg and Lisa Marn spoke to reporters on Tuesday. “We are ready,” she said."
    ).analysis
    assert quote_containing(analysis, "We are ready").speaker == "Lisa Marn"


def test_speech_institutions_by_description_and_documents_by_issuer(analyse: Analyse) -> None:
    analysis = analyse(
        "Lisk General Hospital said it had treated 40 people.\n\n"
        "About 8,000 residents could not return home on Sunday, the town council said.\n\n"
        "Rail operator MedRail suspended freight services on the Varn-Lisk line after part of the track "
        "embankment was washed away near Terrow, the company said.\n\n"
        "Health Minister Dora Kell spoke on Tuesday. Her statement said that 40 clinics would close.\n\n"
        "Residents of Mill Lane cleared mud from their houses. Several said they had heard no siren."
    ).analysis
    council = [q for q in analysis.quotes if q.speaker_as_written == "the town council"]
    assert council and all(q.speaker != "Lisk General Hospital" for q in council)
    assert quote_containing(analysis, "suspended freight").speaker == "MedRail"
    statement = quote_containing(analysis, "40 clinics would close")
    assert (statement.speaker, statement.speaker_as_written) == ("Dora Kell", "Her statement")
    several = quote_containing(analysis, "heard no siren")
    assert several.speaker_type == "anonymous"


def test_speech_a_persons_organisation_is_named_after_the_person(analyse: Analyse) -> None:
    analysis = analyse(
        "Senator Rosa Vint spoke in Varn on Monday. Her campaign said the debate would go ahead.\n\n"
        "Governor Tomas Varga's team said the rally was cancelled."
    ).analysis
    campaign = quote_containing(analysis, "debate would go ahead")
    assert (campaign.speaker, campaign.speaker_as_written, campaign.speaker_type) == (
        "Vint campaign",
        "Her campaign",
        "ORG",
    )
    assert quote_containing(analysis, "rally was cancelled").speaker == "Varga team"


def test_speech_pronoun_model_is_packaged_with_its_measurement() -> None:
    from rashomon.analyse.speakers import PRONOUN_FEATURES, pronoun_model

    model = pronoun_model()
    assert model.features == PRONOUN_FEATURES and len(model.weights) == len(PRONOUN_FEATURES)
    assert "bench/fit_speakers.py" in model.meta["measured"]
    # The subject of the previous sentence outweighs a speaker three sentences back.
    subject = [0.0] * len(PRONOUN_FEATURES)
    subject[PRONOUN_FEATURES.index("subject_previous_sentence")] = 1.0
    speaker = [0.0] * len(PRONOUN_FEATURES)
    speaker[PRONOUN_FEATURES.index("speaker_earlier")] = 1.0 / 3
    assert model.score(subject) > model.score(speaker)
