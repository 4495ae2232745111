"""Shared fixtures: settings with a temporary SQLite store, the store on SQLite and PostgreSQL, the shared
seed and data directories (skipped when absent), and loopback HTTP servers started by the test itself.

Network rule: tests reach only loopback servers they start (127.0.0.1 and ::1). An autouse guard makes
any other name lookup fail, so a test that would touch the outside world fails instead of leaking.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from rashomon.settings import Settings
from rashomon.store import Store, create_db_engine
from tests.loopback import LoopbackServer, Route

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO / ".." / "shared"
PG_URL_ENV = "RASHOMON_TEST_PG_URL"
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


# ----------------------------------------------------------------------------------- environment


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings read RASHOMON_* from the environment: tests start from none (but the test database url)."""
    for name in list(os.environ):
        if name.startswith("RASHOMON_") and name != PG_URL_ENV:
            monkeypatch.delenv(name)


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse every name lookup but loopback: nothing in the suite may reach another address."""
    real_getaddrinfo = socket.getaddrinfo

    def guarded(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and name.strip("[]") not in LOOPBACK:
            raise socket.gaierror(f"tests may reach loopback only, not {name!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)


# ------------------------------------------------------------------------------------ directories


@pytest.fixture
def repo_root() -> Path:
    return REPO


@pytest.fixture
def examples_dir() -> Path:
    return REPO / "examples"


@pytest.fixture
def resources_dir() -> Path:
    return Path(__file__).resolve().parent / "resources"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    path = SHARED / "seeds"
    if not path.is_dir():
        pytest.skip(f"seed articles not available ({path.resolve()} is absent)")
    return path


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = SHARED / "data"
    if not path.is_dir():
        pytest.skip(f"shared development data not available ({path.resolve()} is absent)")
    return path


# ---------------------------------------------------------------------------------------- settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(db=str(tmp_path / "rashomon.db"))


# ------------------------------------------------------------------------------------------- store


def _schema(url: str, name: str, *, create: bool) -> None:
    """Create or drop a schema of its own for one test: runs sharing a server never meet."""
    engine = create_db_engine(url)
    try:
        with engine.begin() as conn:
            if create:
                conn.execute(sa.text(f'CREATE SCHEMA "{name}"'))
            else:
                conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    finally:
        engine.dispose()


def _in_schema(url: str, name: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{name}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """``--db`` of an empty store on SQLite and on PostgreSQL (a schema of its own in RASHOMON_TEST_PG_URL;
    skipped when unset), for tests of commands that open the store themselves."""
    if request.param == "sqlite":
        yield str(tmp_path / "store.db")
        return
    pg_url = os.environ.get(PG_URL_ENV)
    if not pg_url:
        pytest.skip(f"PostgreSQL tests need {PG_URL_ENV} (e.g. postgresql+psycopg://user:pw@127.0.0.1/db)")
    schema = f"rashomon_test_{uuid.uuid4().hex[:12]}"
    _schema(pg_url, schema, create=True)
    try:
        yield _in_schema(pg_url, schema)
    finally:
        _schema(pg_url, schema, create=False)


@pytest.fixture
def store(store_db: str) -> Iterator[Store]:
    """A freshly migrated store on SQLite and on PostgreSQL (RASHOMON_TEST_PG_URL; skipped when unset)."""
    opened = Store.open(Settings(db=store_db))
    try:
        yield opened
    finally:
        opened.close()


# ----------------------------------------------------------------------------------- HTTP servers


@pytest.fixture
def loopback() -> Iterator[Callable[..., LoopbackServer]]:
    """Factory: ``loopback(routes, host="127.0.0.1", port=0)`` starts a server; all stop after the test."""
    servers: list[LoopbackServer] = []

    def start(routes: dict[str, Route], host: str = "127.0.0.1", port: int = 0) -> LoopbackServer:
        if host == "::1" and not socket.has_ipv6:
            pytest.skip("IPv6 loopback (::1) is not available")
        try:
            server = LoopbackServer(host, routes, port)
        except OSError as exc:
            if host == "::1":
                pytest.skip(f"cannot listen on ::1 ({exc})")
            raise
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()
