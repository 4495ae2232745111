"""Store: SQLite by default, PostgreSQL for servers; one SQLAlchemy Core schema, Alembic migrations."""

from rashomon.store.db import Store, create_db_engine, database_url, describe_store_error, input_key, migrate

__all__ = ["Store", "create_db_engine", "database_url", "describe_store_error", "input_key", "migrate"]
