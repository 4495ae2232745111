"""What each domain is called: read and learned (the store's part of ingest/outlets.py)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from rashomon.store.schema import articles, carriers, outlet_names


class OutletNamesMixin:
    engine: Engine

    def outlet_names(self) -> dict[str, str]:
        """domain -> outlet name, as learned from pages that declare it."""
        with self.engine.connect() as conn:
            return {row.domain: row.name for row in conn.execute(sa.select(outlet_names))}

    def save_outlet_names(self, learned: dict[str, str]) -> None:
        """Keep newly learned names (the first name a domain declared stays) and give them to the stored
        articles and carriers that were known only by the domain."""
        if not learned:
            return
        now = dt.datetime.now(dt.UTC)
        with self.engine.begin() as conn:
            known = set(
                conn.execute(sa.select(outlet_names.c.domain).where(outlet_names.c.domain.in_(list(learned)))).scalars()
            )
            for domain in sorted(learned):
                if domain in known:
                    continue
                name = learned[domain]
                conn.execute(sa.insert(outlet_names).values(domain=domain[:255], name=name, created_at=now))
                conn.execute(sa.update(articles).where(articles.c.outlet == domain).values(outlet=name))
                conn.execute(sa.update(carriers).where(carriers.c.outlet == domain).values(outlet=name))
