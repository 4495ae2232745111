"""Fetch urls over HTTP(S) with httpx: timeouts, a size cap, a redirect limit and the address guard.

The guard runs twice: on the url before each request (redirects included, followed one by one here),
and inside the connection itself, where the backend connects only to an address it has just checked.
The second check closes the gap between checking a name and connecting to it (DNS rebinding).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

from rashomon.errors import BadInput, BlockedAddress, TransientError
from rashomon.ingest.netguard import AddressPolicy, Resolver, address_policy, check_url, system_resolver
from rashomon.settings import Settings

logger = logging.getLogger(__name__)

_RETRY_STATUS = {429, 500, 502, 503, 504}
_MAX_ATTEMPTS = 2


@dataclass(frozen=True)
class Fetched:
    url: str  # final url after redirects
    content: bytes
    content_type: str
    charset: str | None


class _GuardedBackend(httpcore.SyncBackend):
    """Connects only to addresses that pass the guard, by connecting to the checked address itself."""

    def __init__(self, allowed: AddressPolicy, resolver: Resolver) -> None:
        self._allowed = allowed
        self._resolver = resolver

    def connect_tcp(  # type: ignore[override]
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = list(self._resolver(host, port))
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        addresses = [a for a in addresses if self._allowed(a)]
        if not addresses:
            raise httpcore.ConnectError(f"{host} resolves to no public address")
        last: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (OSError, httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        raise httpcore.ConnectError(f"cannot connect to {host}: {last}")


class Fetcher:
    """A reusable HTTP client for articles and feeds. Use as a context manager."""

    def __init__(
        self, settings: Settings, resolver: Resolver = system_resolver, allowed: AddressPolicy | None = None
    ) -> None:
        self.settings = settings
        self._resolver = resolver
        self._allowed = allowed or address_policy(settings.allow_private_network)
        transport = httpx.HTTPTransport(retries=0)
        # httpx exposes no hook for the connection backend; the pool's attribute is the documented
        # httpcore extension point (httpcore.ConnectionPool(network_backend=...)).
        transport._pool._network_backend = _GuardedBackend(self._allowed, resolver)
        self._client = httpx.Client(
            transport=transport,
            follow_redirects=False,
            timeout=httpx.Timeout(settings.fetch_timeout, connect=min(10.0, settings.fetch_timeout)),
            headers={
                "User-Agent": settings.user_agent,
                "Accept": "text/html,application/xhtml+xml,"
                "application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.5",
            },
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(self, url: str) -> Fetched:
        """GET a url, following at most ``fetch_max_redirects`` redirects, each one checked.

        Raises:
            BlockedAddress: the url or a redirect target is not a public address.
            BadInput: bad url, HTTP error status, oversized body.
            TransientError: timeouts, connection failures, 429/5xx after retries.
        """
        current = url
        for _ in range(self.settings.fetch_max_redirects + 1):
            try:
                check_url(current, resolver=self._resolver, allowed=self._allowed)
            except BadInput as exc:
                if current == url:
                    raise
                # Name the input, as every other fetch error does, and say where the redirect led.
                raise type(exc)(url, f"redirect to {current} refused: {exc.reason}") from exc
            response_or_next = self._get_once(url, current)
            if isinstance(response_or_next, Fetched):
                return response_or_next
            current = response_or_next
        raise BadInput(url, f"more than {self.settings.fetch_max_redirects} redirects")

    def _get_once(self, original: str, url: str) -> Fetched | str:
        last_error = ""
        for attempt in range(_MAX_ATTEMPTS):
            try:
                with self._client.stream("GET", url) as response:
                    if response.is_redirect:
                        location = response.headers.get("location")
                        if not location:
                            raise BadInput(original, f"redirect without a Location header from {url}")
                        return str(response.url.join(location))
                    if response.status_code in _RETRY_STATUS:
                        last_error = f"HTTP {response.status_code} from {url}"
                        continue
                    if response.status_code >= 400:
                        raise BadInput(original, f"HTTP {response.status_code} from {url}")
                    body = self._read_capped(original, response)
                    return Fetched(
                        url=str(response.url),
                        content=body,
                        content_type=response.headers.get("content-type", "").split(";")[0].strip().lower(),
                        charset=response.charset_encoding,
                    )
            except httpx.TimeoutException as exc:
                last_error = f"timed out fetching {url} ({type(exc).__name__})"
            except httpx.TransportError as exc:
                message = str(exc)
                if "no public address" in message:
                    raise BlockedAddress(original, f"refusing to connect: {message}") from exc
                last_error = f"cannot connect to {url}: {message}"
            except httpx.InvalidURL as exc:
                raise BadInput(original, f"invalid url ({exc})") from exc
            logger.debug("attempt %d failed: %s", attempt + 1, last_error)
        raise TransientError(original, last_error)

    def _read_capped(self, source: str, response: httpx.Response) -> bytes:
        cap = self.settings.max_input_bytes
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > cap:
            raise BadInput(source, f"response of {int(declared):,} bytes exceeds the {cap:,}-byte limit")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > cap:
                raise BadInput(source, f"response exceeds the {cap:,}-byte limit")
            chunks.append(chunk)
        return b"".join(chunks)
