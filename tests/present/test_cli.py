"""The ``rashomon`` command line, through Typer's CliRunner: stdout carries results only (one JSON object
with ``--format json``), stderr carries progress, summaries and failures; exit codes follow the policy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from rashomon import __version__
from rashomon.present.cli import app
from rashomon.settings import Settings
from rashomon.store import Store

CONTRACT = {"source", "url", "title", "outlet", "author", "published", "language", "dateline", "text"}
ARTICLE = (
    "The ferry between Keldmouth and Caster will sail twice as often while the Sarne bridge is closed for "
    "repairs, the operator announced on Wednesday after talks with the regional roads office.\n\n"
    "Extra crews have been hired for the morning and evening rush, and the last ferry of the day will leave "
    "Caster at midnight instead of ten o'clock in the evening, the operator said.\n"
)


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)  # the default store (./rashomon.db) lands in the test's folder
    return CliRunner()


@pytest.fixture
def good_file(tmp_path: Path) -> Path:
    path = tmp_path / "ferry.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def _commands() -> list[str]:
    return sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_cli_version(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"rashomon {__version__}"


def test_cli_commands_present() -> None:
    assert {"extract", "ingest", "list", "show"} <= set(_commands())


@pytest.mark.parametrize("command", [None, *_commands()])
def test_cli_every_command_has_help(runner: CliRunner, command: str | None) -> None:
    args = [command, "--help"] if command else ["--help"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Usage" in result.stdout
    if command:
        assert command in result.stdout


def test_cli_extract_json_is_one_object_with_contract_fields(runner: CliRunner, examples_dir: Path) -> None:
    result = runner.invoke(app, ["extract", str(examples_dir), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)  # the whole of stdout is one JSON document
    assert list(payload) == ["articles"]
    articles = payload["articles"]
    assert len(articles) == 10
    for article in articles:
        assert set(article) >= CONTRACT  # published fields are a contract; fields may be added
        assert article["text"] and article["source"]
    by_source = {Path(a["source"]).name: a for a in articles if not a["source"].startswith("http")}
    mna = by_source["mna-lisk-flood.txt"]
    assert mna["dateline"]["place"] == "Lisk"
    assert mna["published"] == "2025-03-14"
    assert "10 extracted, 0 failed" in result.stderr


def test_cli_extract_failures_on_stderr_exit_zero_when_some_succeed(
    runner: CliRunner, good_file: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "missing.txt"
    result = runner.invoke(app, ["extract", str(good_file), str(missing), "--format", "json"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert [a["source"] for a in payload["articles"]] == [str(good_file)]
    assert "missing.txt" in result.stderr and "no such file" in result.stderr
    assert "missing.txt" not in result.stdout


def test_cli_extract_exit_one_when_nothing_succeeds(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["extract", str(tmp_path / "missing.txt"), "--format", "json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {"articles": []}
    assert "no such file" in result.stderr


def test_cli_extract_strict_exit_one_when_anything_fails(runner: CliRunner, good_file: Path, tmp_path: Path) -> None:
    args = ["extract", str(good_file), str(tmp_path / "missing.txt"), "--format", "json", "--strict"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert len(json.loads(result.stdout)["articles"]) == 1


def test_cli_extract_strict_exit_zero_when_nothing_fails(runner: CliRunner, good_file: Path) -> None:
    result = runner.invoke(app, ["extract", str(good_file), "--format", "json", "--strict"])
    assert result.exit_code == 0, result.stderr


def test_cli_extract_table_output(runner: CliRunner, good_file: Path) -> None:
    # A relative name (the runner works in the file's folder): long paths are folded in the table.
    result = runner.invoke(app, ["extract", good_file.name])
    assert result.exit_code == 0
    assert "ferry.txt" in result.stdout
    assert "1 extracted, 0 failed" in result.stderr


def test_cli_ingest_list_show(runner: CliRunner, examples_dir: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    ingested = runner.invoke(app, ["ingest", str(examples_dir), "--db", db, "--format", "json"])
    assert ingested.exit_code == 0, ingested.stderr
    summary = json.loads(ingested.stdout)["ingest"]
    assert (summary["added"], summary["republished"], summary["failed"]) == (9, 1, 0)
    assert "9 added" in ingested.stderr

    listed = runner.invoke(app, ["list", "--db", db, "--format", "json"])
    assert listed.exit_code == 0, listed.stderr
    payload = json.loads(listed.stdout)
    assert payload["total"] == 9 and len(payload["articles"]) == 9
    wire = next(a for a in payload["articles"] if len(a["carriers"]) == 2)
    assert [c["relation"] for c in wire["carriers"]] == ["original", "near"]
    for article in payload["articles"]:
        assert CONTRACT | {"id", "carriers"} <= set(article)

    target = next(a for a in payload["articles"] if a["source"].endswith("mna-lisk-flood.txt"))
    shown = runner.invoke(app, ["show", target["id"][:8], "--db", db, "--format", "json"])
    assert shown.exit_code == 0, shown.stderr
    [article] = json.loads(shown.stdout)["articles"]
    assert article["id"] == target["id"]
    assert article["title"] == target["title"]

    table = runner.invoke(app, ["show", target["id"], "--db", db])
    assert table.exit_code == 0
    assert target["id"] in table.stdout
    assert "LISK, March 14 (MNA)" in table.stdout


def test_cli_ingest_again_adds_nothing(runner: CliRunner, good_file: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "again.db")
    assert runner.invoke(app, ["ingest", str(good_file), "--db", db]).exit_code == 0
    again = runner.invoke(app, ["ingest", str(good_file), "--db", db, "--format", "json"])
    assert again.exit_code == 0
    summary = json.loads(again.stdout)["ingest"]
    assert (summary["added"], summary["skipped"]) == (0, 1)


def test_cli_show_unknown_article(runner: CliRunner, tmp_path: Path) -> None:
    db = str(tmp_path / "empty.db")
    Store.open(Settings(db=db)).close()
    result = runner.invoke(app, ["show", "nothing-here", "--db", db])
    assert result.exit_code == 1
    assert "no stored article" in result.stderr
    assert result.stdout == ""


def test_cli_read_command_on_missing_store_creates_nothing(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "typo.db"
    for command in (["list"], ["events"], ["show", "abcd"], ["event", "1"]):
        result = runner.invoke(app, [*command, "--db", str(db)])
        assert result.exit_code == 1, command
        assert f"no store at {db}" in result.stderr and "server" not in result.stderr
        assert "Traceback" not in result.stderr and result.stdout == ""
    assert not db.exists()


def test_cli_ingest_strict_and_nothing_succeeded(runner: CliRunner, good_file: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "strict.db")
    missing = str(tmp_path / "missing.txt")
    assert runner.invoke(app, ["ingest", missing, "--db", db]).exit_code == 1
    assert runner.invoke(app, ["ingest", str(good_file), missing, "--db", db]).exit_code == 0
    assert runner.invoke(app, ["ingest", str(good_file), missing, "--db", db, "--strict"]).exit_code == 1


def test_cli_db_option_and_environment(
    runner: CliRunner, good_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from_env = tmp_path / "from-env.db"
    from_option = tmp_path / "from-option.db"

    result = runner.invoke(app, ["ingest", str(good_file)], env={"RASHOMON_DB": str(from_env)})
    assert result.exit_code == 0, result.stderr
    assert from_env.exists()
    assert not (tmp_path / "rashomon.db").exists()  # not the default store

    def total(args: list[str], env: dict[str, str] | None = None) -> int:
        listed = runner.invoke(app, ["list", "--format", "json", *args], env=env)
        assert listed.exit_code == 0, listed.stderr
        return json.loads(listed.stdout)["total"]

    assert total(["--db", str(from_env)]) == 1
    assert total([], env={"RASHOMON_DB": str(from_env)}) == 1
    Store.open(Settings(db=str(from_option))).close()
    assert total(["--db", str(from_option)]) == 0
    # The option wins over the environment.
    assert total(["--db", str(from_option)], env={"RASHOMON_DB": str(from_env)}) == 0


def test_cli_default_store_in_working_directory(runner: CliRunner, good_file: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(good_file)])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "rashomon.db").exists()


def test_cli_unusable_store_is_one_error_line(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    result = runner.invoke(app, ["list", "--db", str(folder)])  # a folder is no SQLite file
    assert result.exit_code == 1
    assert "error:" in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


# ------------------------------------------------------------------------------------------- analyse


def test_cli_analyse_json_is_one_object_with_entities_and_quotes(runner: CliRunner, examples_dir: Path) -> None:
    result = runner.invoke(app, ["analyse", str(examples_dir / "mna-lisk-flood.txt"), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)  # the whole of stdout is one JSON document
    assert list(payload) == ["articles"]
    [article] = payload["articles"]
    assert CONTRACT | {"id", "entities", "quotes"} <= set(article)
    assert article["dateline"]["place"] == "Lisk"
    names = {e["name"]: e for e in article["entities"]}
    assert names["Teodor Halvik"]["type"] == "PERSON"
    assert names["Regional Water Authority"]["acronym"] == "RWA"
    for quote in article["quotes"]:
        assert {"speaker", "speaker_as_written", "cue", "text", "kind"} <= set(quote)
        assert article["text"][quote["start"] : quote["end"]].strip() == quote["text"]
    spokeswoman = [q for q in article["quotes"] if q["speaker_as_written"] == "the spokeswoman"]
    assert spokeswoman and {q["speaker"] for q in spokeswoman} == {"Lidia Sarkany"}
    assert any(q["speaker"] == "Teodor Halvik" and q["kind"] == "direct" for q in article["quotes"])
    assert "1 analysed, 0 failed" in result.stderr


def test_cli_analyse_needs_sources_or_stored(runner: CliRunner) -> None:
    result = runner.invoke(app, ["analyse"])
    assert result.exit_code == 2
    assert result.stdout == ""


def test_cli_analyse_stored_and_show(runner: CliRunner, examples_dir: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "analyse.db")
    source = str(examples_dir / "mna-lisk-flood.txt")
    ingested = runner.invoke(app, ["ingest", source, "--db", db, "--no-analyse"])
    assert ingested.exit_code == 0, ingested.stderr
    assert "0 analysed" in ingested.stderr

    before = runner.invoke(app, ["show", source, "--db", db])
    assert before.exit_code == 0
    assert "not analysed yet" in before.stderr
    assert "who said what" not in before.stdout

    analysed = runner.invoke(app, ["analyse", "--stored", "--db", db, "--format", "json"])
    assert analysed.exit_code == 0, analysed.stderr
    [article] = json.loads(analysed.stdout)["articles"]
    assert article["source"] == source
    assert any(q["speaker"] == "Marta Ostrelli" for q in article["quotes"])

    shown = runner.invoke(app, ["show", article["id"], "--db", db])
    assert shown.exit_code == 0, shown.stderr
    assert "who said what" in shown.stdout
    # The text never writes "the minister" next to his name: only the analysis puts them in one row.
    table = shown.stdout[shown.stdout.index("who said what") :]
    assert any("Teodor Halvik" in line and "the minister" in line for line in table.splitlines()), table
    assert "Lidia Sarkany" in table

    unknown = runner.invoke(app, ["analyse", "--stored", "nothing-here", "--db", db, "--format", "json"])
    assert unknown.exit_code == 1
    assert json.loads(unknown.stdout) == {"articles": []}
    assert "no stored article matches" in unknown.stderr


# ------------------------------------------------------------------------------------- cluster, events


COMPARED_KEYS = {"id", "title", "articles", "entities", "quotes", "claims", "omissions", "framing", "timeline"}


def _expected(examples_dir: Path) -> dict:
    return json.loads((examples_dir / "expected.json").read_text(encoding="utf-8"))


def _key(source: str, wire: set[str]) -> str:
    """A source as expected.json names it: a file name, or a url; both wire copies are one story."""
    if source in wire:
        return "wire"
    return source if source.startswith(("http://", "https://")) else Path(source).name


def test_cli_cluster_examples_json_groups_as_intended(runner: CliRunner, examples_dir: Path) -> None:
    expected = _expected(examples_dir)
    wire = {url for dup in expected["near_duplicates"] for url in dup["urls"]}
    result = runner.invoke(app, ["cluster", str(examples_dir), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)  # the whole of stdout is one JSON document
    assert list(payload) == ["events", "assignments", "failures"]
    events = payload["events"]
    # Every input record ends in exactly one event: the wire copy too, under its original.
    assigned = {_key(source, set()) for source in payload["assignments"]}
    assert {_key(a["source"], set()) for e in events for a in e["articles"]} <= assigned
    assert len(payload["assignments"]) == sum(1 + len(a["copies"]) for e in events for a in e["articles"])
    for event in events:
        assert {"id", "title", "start", "end", "outlets", "articles"} <= set(event)
        assert event["title"] and event["start"] <= event["end"]
        for article in event["articles"]:
            assert {"source", "title", "outlet", "published"} <= set(article)
            assert article["outlet"] in event["outlets"]
            key = _key(article["source"], set())
            if key in expected["published"]:
                assert article["published"][:10] == expected["published"][key][:10], key
    # The wire copies may be one article (with two carriers) or two: either way they are in one event.
    produced = sorted(sorted({_key(a["source"], wire) for a in e["articles"]}) for e in events)
    intended = sorted(sorted({_key(s, wire) for s in e["sources"]}) for e in expected["events"])
    assert produced == intended
    assert len({e["id"] for e in events}) == len(events) == 4


def test_cli_events_and_event_need_a_known_event(runner: CliRunner, tmp_path: Path) -> None:
    db = str(tmp_path / "empty.db")
    Store.open(Settings(db=db)).close()
    listed = runner.invoke(app, ["events", "--db", db, "--format", "json"])
    assert listed.exit_code == 0, listed.stderr
    assert json.loads(listed.stdout) == {"events": []}
    missing = runner.invoke(app, ["event", "7", "--db", db])
    assert missing.exit_code == 1
    assert "no event 7" in missing.stderr and missing.stdout == ""


# ------------------------------------------------------------------------------------------- compare


@pytest.fixture
def flood_pair(tmp_path: Path) -> Path:
    """Two invented reports of one flood, from two outlets, as JSON Lines."""
    from tests.events import texts

    lines = [
        {
            "url": "https://valley-herald.example/2024/10/07/harwick-flood",
            "text": texts.HARWICK_HERALD,
            "title": "Oster River floods Harwick",
            "published": "2024-10-07T09:00:00+00:00",
            "outlet": "Valley Herald",
        },
        {
            "url": "https://coastline-post.example/2024/10/07/harwick-counts-cost",
            "text": texts.HARWICK_POST,
            "title": "Harwick counts the cost",
            "published": "2024-10-07T12:00:00+00:00",
            "outlet": "Coastline Post",
        },
    ]
    path = tmp_path / "harwick.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    return path


def test_cli_compare_examples_json_is_one_object(runner: CliRunner, examples_dir: Path) -> None:
    result = runner.invoke(app, ["compare", str(examples_dir), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)  # the whole of stdout is one JSON document
    assert list(payload) == ["events"]
    events = payload["events"]
    assert len(events) == 2  # the two floods; the football and the central bank have one outlet each
    for event in events:
        assert set(event) >= COMPARED_KEYS
        assert len({a["outlet"] for a in event["articles"]}) >= 2
        assert {g["status"] for g in event["claims"]} <= {"shared", "unique", "conflict"}
        assert {f["source"] for f in event["framing"]} == {a["source"] for a in event["articles"]}
    lisk = next(e for e in events if any(a["source"].endswith("mna-lisk-flood.txt") for a in e["articles"]))
    notes = " ".join(g["note"] or "" for g in lisk["claims"] if g["status"] == "conflict")
    assert "19" in notes and ("12" in notes or "Twelve" in notes), notes
    assert "2 of 4 events compared" in result.stderr


def test_cli_compare_html_to_file(runner: CliRunner, flood_pair: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    result = runner.invoke(app, ["compare", str(flood_pair), "--format", "html", "-o", str(report)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert f"report written to {report}" in result.stderr.replace("\n", "")
    document = report.read_text(encoding="utf-8")
    assert document.startswith("<!DOCTYPE html>") and document.rstrip().endswith("</html>")
    assert "Valley Herald" in document and "Coastline Post" in document
    assert "<script" not in document and "src=" not in document and "<link" not in document


def test_cli_compare_markdown_to_stdout(runner: CliRunner, flood_pair: Path) -> None:
    result = runner.invoke(app, ["compare", str(flood_pair), "--format", "markdown"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# Rashomon: how the reports differ\n")
    assert result.stdout.count("\n## ") == 1
    assert "### Where the reports disagree" in result.stdout
    assert "Valley Herald" in result.stdout and "Coastline Post" in result.stdout
    assert "1 of 1 events compared" in result.stderr


def test_cli_compare_needs_sources_or_event(runner: CliRunner) -> None:
    result = runner.invoke(app, ["compare"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--event" in result.stderr


def test_cli_ingest_then_events_event_and_compare_stored(runner: CliRunner, examples_dir: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "events.db")
    ingested = runner.invoke(app, ["ingest", str(examples_dir), "--db", db])
    assert ingested.exit_code == 0, ingested.stderr

    listed = runner.invoke(app, ["events", "--db", db, "--format", "json"])
    assert listed.exit_code == 0, listed.stderr
    events = json.loads(listed.stdout)["events"]
    assert sorted(e["size"] for e in events) == [1, 1, 2, 5]  # the wire copies are one stored article
    lisk = max(events, key=lambda e: e["size"])
    assert lisk["start"] == "2025-03-14" and lisk["end"] == "2025-03-16"
    table = runner.invoke(app, ["events", "--db", db])
    assert table.exit_code == 0 and lisk["id"] in table.stdout

    shown = runner.invoke(app, ["event", lisk["id"], "--db", db, "--format", "json"])
    assert shown.exit_code == 0, shown.stderr
    [event] = json.loads(shown.stdout)["events"]
    assert event["id"] == lisk["id"]
    assert any(a["source"].endswith("mna-lisk-flood.txt") for a in event["articles"])
    assert len(event["articles"]) == 5

    compared = runner.invoke(app, ["compare", "--event", lisk["id"], "--db", db, "--format", "json"])
    assert compared.exit_code == 0, compared.stderr
    [report] = json.loads(compared.stdout)["events"]
    assert set(report) >= COMPARED_KEYS
    assert report["id"] == lisk["id"]
    assert {a["source"] for a in report["articles"]} == {a["source"] for a in event["articles"]}
    assert any(g["status"] == "conflict" for g in report["claims"])

    unknown = runner.invoke(app, ["compare", "--event", "999", "--db", db])
    assert unknown.exit_code == 1
    assert "no event 999" in unknown.stderr


def test_cli_compare_stores_wire_copies_once_with_carriers(runner: CliRunner, examples_dir: Path) -> None:
    """The demo's wire story, republished by two outlets with small edits, is one article with a carrier."""
    result = runner.invoke(app, ["compare", str(examples_dir), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    events = json.loads(result.stdout)["events"]
    carried = [a for e in events for a in e["articles"] if a["carriers"]]
    assert any(set(a["carriers"]) | {a["outlet"]} == {"Kettlemoor Courier", "Medrovia Markets Today"} for a in carried)
