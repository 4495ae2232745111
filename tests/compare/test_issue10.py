"""Issue 10: loaded words by sense and by voice, the invented pair from the issue, omissions checked with the
scorer, and ``compare --one-event``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rashomon.compare.framing import find_loaded
from rashomon.present.cli import app
from rashomon.records import Article
from tests.compare.conftest import Compare


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("Talks collapse as minister caves to unions", ["cave"]),
        ("I woke up at six and the water was at the door", []),
        ("The woke mob slammed the plan", ["woke", "mob", "slam"]),
        ("Ostrelli pocketed a bonus at a glittering gala", ["pocket", "glittering"]),
        ("Halvik slapped a state of emergency on the district", ["slap"]),
        ("The cave was flooded", []),
        ("a measly payout while bosses were raking in millions", ["measly", "rake in"]),
        ("a blast at the plant killed two workers", []),
        ("the third flood in a row", []),
    ],
)
def test_issue10_loaded_words_by_sense(text: str, terms: list[str]) -> None:
    assert [e.term for e in find_loaded(text, ())] == terms


COST_A = (
    "The Sarne bridge will close for two years from May, the transport ministry said on Monday.\n\n"
    "The ministry said the bridge would cost 12 million euros a year to keep open while it is rebuilt.\n\n"
    "Ferries will carry commuters across the river during the works."
)
COST_B = (
    "Commuters face two years without the Sarne bridge after the transport ministry announced its closure.\n\n"
    "The ministry put the yearly cost at 9 million euros, citing repairs to the bridge's cables.\n\n"
    "Furious residents say the closure is a disaster for the town."
)


def test_issue10_invented_pair_cost_is_a_conflict(compare_articles: Compare) -> None:
    articles = [
        Article(id="a", source="a.txt", text=COST_A, outlet="Valley Herald", published="2025-03-10", language="en"),
        Article(id="b", source="b.txt", text=COST_B, outlet="Coastline Post", published="2025-03-10", language="en"),
    ]
    event = compare_articles(articles)
    details = [d for g in event.claims for d in g.conflict_details if not d.possible]
    amounts = [d for d in details if d.slot == "amount"]
    assert amounts, [(g.status, [s.text for s in g.statements]) for g in event.claims]
    assert {"12 million euros", "9 million euros"} <= {v for d in amounts for v in d.values}
    # The outlet's own words outside quote marks are its voice, even in a sentence that reports what
    # residents say.
    post = next(f for f in event.framing if f.source == "b.txt")
    assert "furious" in {t.term for t in post.loaded_terms}


def test_issue10_one_event_flag(examples_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    split = runner.invoke(app, ["compare", str(examples_dir), "--format", "json"])
    assert split.exit_code == 0 and "--one-event" in split.stderr  # the demo holds two events: said
    one = runner.invoke(app, ["compare", str(examples_dir), "--format", "json", "--one-event"])
    assert one.exit_code == 0, one.stderr
    [event] = json.loads(one.stdout)["events"]
    assert len(event["articles"]) >= 6
    refused = runner.invoke(app, ["compare", "--event", "1", "--one-event"])
    assert refused.exit_code == 2
