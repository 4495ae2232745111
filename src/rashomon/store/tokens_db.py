"""Access tokens for the web app's write routes: created once, shown once, stored as a SHA-256 digest,
checked in constant time."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from rashomon.store.schema import tokens


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokensMixin:
    engine: Engine

    def create_token(self, name: str) -> str:
        """A new random token under ``name`` (replacing an earlier one of that name); returned only here."""
        name = name.strip()
        if not name or len(name) > 100:
            raise ValueError("a token name is 1 to 100 characters")
        token = secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(sa.delete(tokens).where(tokens.c.name == name))
            conn.execute(sa.insert(tokens).values(name=name, digest=_digest(token), created_at=dt.datetime.now(dt.UTC)))
        return token

    def token_owner(self, token: str | None) -> str | None:
        """The name of the token, or None; every stored digest is compared, each in constant time."""
        if not token:
            return None
        wanted = _digest(token)
        owner = None
        with self.engine.connect() as conn:
            for name, digest in conn.execute(sa.select(tokens.c.name, tokens.c.digest)):
                if hmac.compare_digest(digest, wanted):
                    owner = name
        return owner

    def token_names(self) -> list[str]:
        with self.engine.connect() as conn:
            return list(conn.execute(sa.select(tokens.c.name).order_by(tokens.c.name)).scalars())
