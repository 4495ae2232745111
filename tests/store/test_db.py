"""The store on SQLite and PostgreSQL: idempotent, resumable ingest; wire copies stored once with their
carriers; lookups; the ORM schema equal to the Alembic head."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from rashomon.pipeline import ingest
from rashomon.settings import Settings
from rashomon.store import Store, database_url
from rashomon.store.schema import FULL_TEXT_OBJECTS, analyses, article_entities, carriers, inputs, metadata

COURIER = "https://www.kettlemoor-courier.example/business/2025/03/14/orvan-dam-flood-tamsel-agro-insurers/"
MARKETS = "https://markets-today.example/wire/calder/2025-03-14/insurers-tamsel-agro-orvan-dam-flood"


def _ingest_settings(store: Store, **changes: object) -> Settings:
    return store.settings.model_copy(update=changes)


def _rows(store: Store, table: sa.Table) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() or 0)


def test_db_ingest_examples_counts(store: Store, examples_dir: Path) -> None:
    summary = ingest([str(examples_dir)], store.settings, store)
    assert summary.failures == []
    # Ten inputs: nine articles, and the second Calder wire copy stored as a carrier of the first.
    assert (summary.added, summary.republished, summary.duplicate, summary.skipped) == (9, 1, 0, 0)
    assert store.count_articles() == 9
    assert len(list(store.iter_articles())) == 9


def test_db_ingest_is_idempotent(store: Store, examples_dir: Path) -> None:
    ingest([str(examples_dir)], store.settings, store)
    again = ingest([str(examples_dir)], store.settings, store)
    assert (again.added, again.republished) == (0, 0)
    assert again.skipped + again.duplicate == 10
    assert again.failures == []
    assert store.count_articles() == 9
    carriers = sum(len(a.carriers) for a in store.iter_articles())
    assert carriers == 10


def test_db_wire_copies_stored_once_with_two_carriers(store: Store, examples_dir: Path) -> None:
    summary = ingest([str(examples_dir / "wire.jsonl")], store.settings, store)
    assert (summary.added, summary.republished) == (2, 1)
    article = store.get_article(COURIER)
    assert article is not None
    assert [(c.relation, c.url) for c in article.carriers] == [("original", COURIER), ("near", MARKETS)]
    near = article.carriers[1]
    assert store.settings.near_duplicate_threshold <= near.similarity < 1.0
    assert near.outlet == "Medrovia Markets Today"
    # The copy's url finds the stored original.
    found = store.get_article(MARKETS)
    assert found is not None and found.id == article.id


def test_db_exact_copy_under_another_url_adds_exact_carrier(store: Store, examples_dir: Path, tmp_path: Path) -> None:
    first = json.loads((examples_dir / "wire.jsonl").read_text(encoding="utf-8").splitlines()[0])
    copy = dict(first, url="https://www.valley-post.example/2025/03/14/orvan-dam-insurers/", outlet="Valley Post")
    (tmp_path / "original.jsonl").write_text(json.dumps(first) + "\n", encoding="utf-8")
    (tmp_path / "copy.jsonl").write_text(json.dumps(copy) + "\n", encoding="utf-8")

    ingest([str(tmp_path / "original.jsonl")], store.settings, store)
    summary = ingest([str(tmp_path / "copy.jsonl")], store.settings, store)
    assert (summary.added, summary.republished) == (0, 1)
    assert summary.outcomes[0].reason and "carrier" in summary.outcomes[0].reason
    assert store.count_articles() == 1
    article = store.get_article(COURIER)
    assert article is not None
    assert [(c.relation, c.similarity, c.outlet) for c in article.carriers] == [
        ("original", 1.0, "Kettlemoor Courier"),
        ("exact", 1.0, "Valley Post"),
    ]


def test_db_crash_mid_batch_stores_nothing_of_it_and_rerun_resumes(
    store: Store, examples_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _ingest_settings(store, batch_size=3)
    real_insert = Store._insert_article
    calls = {"n": 0}

    def crash_on_fifth(self: Store, *args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("simulated crash while writing")
        real_insert(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "_insert_article", crash_on_fifth)
    with pytest.raises(RuntimeError, match="simulated crash"):
        ingest([str(examples_dir)], settings, store)
    # The first batch (three articles) was committed; nothing of the second survived the crash.
    assert store.count_articles() == 3
    assert _rows(store, inputs) == 3
    assert _rows(store, carriers) == 3

    monkeypatch.setattr(Store, "_insert_article", real_insert)
    resumed = ingest([str(examples_dir)], settings, store)
    assert resumed.skipped == 3  # inputs of the committed batch are not processed again
    assert (resumed.added, resumed.republished) == (6, 1)
    assert resumed.failures == []
    assert store.count_articles() == 9


def test_db_crash_in_only_batch_stores_nothing(
    store: Store, examples_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_insert = Store._insert_article
    calls = {"n": 0}

    def crash_on_second(self: Store, *args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("simulated crash while writing")
        real_insert(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "_insert_article", crash_on_second)
    with pytest.raises(RuntimeError):
        ingest([str(examples_dir)], store.settings, store)
    assert store.count_articles() == 0
    assert _rows(store, inputs) == 0
    assert _rows(store, carriers) == 0

    monkeypatch.setattr(Store, "_insert_article", real_insert)
    resumed = ingest([str(examples_dir)], store.settings, store)
    assert (resumed.added, resumed.republished, resumed.skipped) == (9, 1, 0)


def test_db_get_article_by_id_prefix_url_and_source(store: Store, examples_dir: Path) -> None:
    ingest([str(examples_dir)], store.settings, store)
    source = str(examples_dir / "mna-lisk-flood.txt")
    article = store.get_article(source)
    assert article is not None and article.source == source
    assert store.get_article(article.id) == article
    assert store.get_article(article.id[:8]) == article
    assert store.get_article(article.id[:3]) is None  # prefixes shorter than four characters are refused
    assert store.get_article(COURIER) is not None
    assert store.get_article("no-such-article") is None


def test_db_stored_article_round_trips(store: Store, examples_dir: Path) -> None:
    ingest([str(examples_dir / "mna-lisk-flood.txt")], store.settings, store)
    [stored] = list(store.iter_articles())
    assert stored.outlet == "MNA"
    assert stored.published == "2025-03-14"
    assert stored.dateline is not None and stored.dateline.place == "Lisk"
    assert stored.text.startswith("LISK, March 14 (MNA) —")
    assert len(stored.content_hash) == 64 and stored.id == stored.content_hash[:16]


def test_db_iter_articles_filters_by_outlet(store: Store, examples_dir: Path) -> None:
    ingest([str(examples_dir)], store.settings, store)
    ledger = list(store.iter_articles(outlet="the northern ledger"))
    assert len(ledger) == 4
    assert {a.outlet for a in ledger} == {"The Northern Ledger"}
    assert len(list(store.iter_articles(limit=2))) == 2


def test_db_ingest_saves_an_analysis_and_entity_rows_for_every_article(store: Store, examples_dir: Path) -> None:
    summary = ingest([str(examples_dir)], store.settings, store)
    assert (summary.added, summary.analysed) == (9, 9)
    ids = [a.id for a in store.iter_articles()]
    assert len(ids) == 9
    assert store.unanalysed_ids() == []
    analyses_by_id = store.get_analyses(ids)
    assert set(analyses_by_id) == set(ids)
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(article_entities)).mappings().all()
    for article_id in ids:
        analysis = store.get_analysis(article_id)
        assert analysis is not None and analysis == analyses_by_id[article_id]
        assert analysis.article_id == article_id and analysis.entities
        own = [r for r in rows if r["article_id"] == article_id]
        assert own, article_id
        # One row per canonical key, with the mentions of every entity of that key.
        keys = {e.key[:300] for e in analysis.entities}
        assert {r["entity_key"] for r in own} == keys
        assert sum(r["mentions"] for r in own) == sum(len(e.mentions) for e in analysis.entities)
    mna = store.get_article(str(examples_dir / "mna-lisk-flood.txt"))
    assert mna is not None
    halvik = [r for r in rows if r["article_id"] == mna.id and r["name"] == "Teodor Halvik"]
    assert [(r["type"], r["entity_key"]) for r in halvik] == [("PERSON", "person:halvik|teodor")]


def test_db_save_analyses_replaces_earlier_ones(store: Store, examples_dir: Path) -> None:
    ingest([str(examples_dir / "mna-lisk-flood.txt")], store.settings, store)
    [article] = store.iter_articles()
    analysis = store.get_analysis(article.id)
    assert analysis is not None
    entity_rows = _rows(store, article_entities)
    shorter = analysis.replace(entities=analysis.entities[:1], model="another-model")
    store.save_analyses([shorter])
    assert store.get_analysis(article.id) == shorter
    assert (_rows(store, analyses), _rows(store, article_entities)) == (1, 1)
    assert entity_rows > 1
    assert store.unanalysed_ids() == []
    assert store.unanalysed_ids(model="another-model") == []
    assert store.unanalysed_ids(model=analysis.model) == [article.id]
    store.save_analyses([])  # nothing to save is no error
    assert store.get_analysis("no-such-article") is None


def test_db_schema_matches_alembic_head(store: Store) -> None:
    with store.engine.connect() as conn:
        opts = {"compare_type": True, "compare_server_default": True, "include_name": _not_full_text}
        context = MigrationContext.configure(conn, opts=opts)
        assert compare_metadata(context, metadata) == []


def _not_full_text(name: str | None, kind: str, _parents: dict) -> bool:
    """The full-text index (FTS5 tables, a tsvector index) lives outside the metadata, by design."""
    return not (name and name.startswith(FULL_TEXT_OBJECTS))


def test_db_reopen_does_not_migrate_again(store: Store) -> None:
    # Opening an up-to-date store is a no-op: the schema and the data stay.
    again = Store.open(store.settings)
    try:
        assert again.count_articles() == 0
        with again.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() is not None
    finally:
        again.close()


@pytest.mark.parametrize(
    ("db", "url"),
    [
        ("rashomon.db", "sqlite:///rashomon.db"),
        ("postgres://u:p@127.0.0.1/db", "postgresql+psycopg://u:p@127.0.0.1/db"),
        ("postgresql://u:p@127.0.0.1/db", "postgresql+psycopg://u:p@127.0.0.1/db"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_db_database_url(db: str, url: str) -> None:
    assert database_url(db) == url


def test_db_search_finds_articles_quotes_and_claims(store: Store, examples_dir: Path) -> None:
    ingest([str(examples_dir)], _ingest_settings(store), store)
    found = store.search("State reacted")
    assert found["articles"] and found["quotes"]
    assert all("state reacted" in q["text"].lower() for q in found["quotes"])
    assert store.search("siren Lisk")["claims"]
    assert store.search("no-such-word-anywhere") == {"articles": [], "quotes": [], "claims": []}
    assert store.search("   ")["articles"] == [] and store.search("%_*")["articles"] == []
    # Query syntax is never syntax here: operators, quotes and brackets are words or nothing.
    for hostile in ('"unbalanced', "NEAR(siren", "siren OR NOT", "siren*", "a:b", "'; DROP TABLE articles; --"):
        store.search(hostile)
    assert store.count_articles() > 0


def test_db_search_stems_and_follows_reanalysis(store: Store, examples_dir: Path) -> None:
    ingest([str(examples_dir)], _ingest_settings(store), store)
    # Stemmed: the plural finds the singular and the other way round, in both databases.
    assert store.search("sirens")["articles"] == store.search("siren")["articles"] != []
    first = store.search("siren")["articles"][0]["id"]
    analysis = store.get_analysis(first)
    assert analysis is not None
    quotes = store.search("reacted")["quotes"]
    # A new analysis replaces the quotations indexed for the article: none of the old ones is found.
    store.save_analyses([analysis.replace(quotes=(), claims=())])
    assert not [q for q in store.search("reacted")["quotes"] if q["article_id"] == first]
    store.save_analyses([analysis])
    assert store.search("reacted")["quotes"] == quotes


def test_db_upgrade_indexes_what_an_older_store_holds(store: Store, examples_dir: Path) -> None:
    from alembic import command

    from rashomon.store.db import _alembic_config

    ingest([str(examples_dir)], _ingest_settings(store), store)
    before = store.search("siren Lisk")
    with store.engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0006")  # the store as the previous release left it
    again = Store.open(store.settings)  # opening it upgrades it and indexes its articles and analyses
    try:
        assert again.search("siren Lisk") == before and before["claims"]
    finally:
        again.close()
