"""Exception hierarchy. Names say what the runner does with them."""

from __future__ import annotations


class RashomonError(Exception):
    """Base class of every error Rashomon raises on purpose."""


class BadInput(RashomonError):
    """Permanent: the input cannot be read as an article (unreadable, binary, empty, malformed...).

    The batch records the reason with the input's name and goes on.
    """

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class SkipArticle(BadInput):
    """Expected: the input is readable but holds no article (a feed without entries, an empty page)."""


class TransientError(RashomonError):
    """A network or server fault that may pass; retried a bounded number of times.

    ``retry_after``: seconds the server asked to wait before the next try (``Retry-After``), when it did.
    """

    def __init__(self, source: str, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
        self.retry_after = retry_after


class BlockedAddress(BadInput):
    """A url resolves to a loopback, private, link-local or otherwise non-public address."""


class StoreError(RashomonError):
    """The store cannot be opened or migrated; the message names the database and what to do."""


class ModelNotFound(RashomonError):
    """No spaCy model is installed under the requested name."""


class BudgetExceeded(RashomonError):
    """One article took longer than the per-article time budget of a stage (``article_time_budget``)."""


class Interrupted(RashomonError):
    """The user asked the run to stop (Ctrl-C); work finished so far is kept."""
