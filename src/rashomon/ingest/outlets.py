"""Outlet identity that does not depend on the batch.

An article knows its outlet from what its page declares (JSON-LD publisher, ``og:site_name``, a feed's
channel, a JSONL ``outlet`` field), from the table of known outlets (data/outlets.json), or, failing
both, only by its domain ("dailytorch.example"). A domain's name, once any page of it declares one, is
kept: in the store (table ``outlet_names``, applied to the domain's earlier articles too) and, within one
run, for every later article of the domain. Commands that read SOURCES without a store consult the
store's names when a store exists, so a scrape extracted alone is named as it is next to its HTML page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rashomon.ingest.metadata import url_domain
from rashomon.records import Article

if TYPE_CHECKING:
    from rashomon.settings import Settings
    from rashomon.store import Store

logger = logging.getLogger(__name__)


@dataclass
class OutletNames:
    """domain -> outlet name, learned from declarations; ``apply`` names domain-only outlets."""

    names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_store(cls, settings: Settings) -> OutletNames:
        """The names a store already knows (none when there is no store: nothing is created)."""
        from rashomon.errors import RashomonError
        from rashomon.store import Store
        from rashomon.store.db import sqlite_path

        path = sqlite_path(settings.db)
        if path is not None and not path.exists():
            return cls()
        try:
            with Store.open(settings, mode="read") as store:
                return cls(dict(store.outlet_names()))
        except (RashomonError, Exception) as exc:  # a store that cannot be read names nothing
            logger.info("outlet names not read from the store: %s", exc)
            return cls()

    @classmethod
    def of(cls, store: Store) -> OutletNames:
        return cls(dict(store.outlet_names()))

    def learn(self, articles: list[Article]) -> dict[str, str]:
        """Record the names these articles declare for their domains; returns the new ones."""
        new: dict[str, str] = {}
        for article in articles:
            domain = url_domain(article.url)
            if domain and article.outlet and article.outlet != domain and domain not in self.names:
                self.names[domain] = article.outlet
                new[domain] = article.outlet
        return new

    def apply(self, articles: list[Article]) -> list[Article]:
        """Learn from the articles, then name every article known only by its domain."""
        self.learn(articles)
        out = []
        for article in articles:
            domain = url_domain(article.url)
            if domain and article.outlet == domain and domain in self.names:
                article = article.replace(outlet=self.names[domain])
            out.append(article)
        return out
