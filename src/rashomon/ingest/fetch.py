"""Fetch urls over HTTP(S) with httpx: timeouts, a size cap, a redirect limit and the address guard.

The guard runs twice: on the url before each request (redirects included, followed one by one here),
and inside the connection itself, where the backend connects only to an address it has just checked.
The second check closes the gap between checking a name and connecting to it (DNS rebinding).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpcore
import httpx

from rashomon.errors import BadInput, BlockedAddress, TransientError
from rashomon.ingest.netguard import AddressPolicy, Resolver, address_policy, check_url, system_resolver
from rashomon.settings import Settings

logger = logging.getLogger(__name__)

_RETRY_STATUS = {429, 500, 502, 503, 504}
_MAX_ATTEMPTS = 2
_PERMANENT = {301, 308}
# Response headers a caller may need (conditional GET, caching, retry hints); others are dropped.
_KEPT_HEADERS = ("etag", "last-modified", "cache-control", "expires", "retry-after", "date")


@dataclass(frozen=True)
class Fetched:
    url: str  # final url after redirects
    content: bytes
    content_type: str
    charset: str | None
    status: int = 200  # 304: not modified since the validators sent (``content`` is empty)
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names, those of _KEPT_HEADERS
    moved_to: str | None = None  # where permanent redirects (301/308) alone led, when the url moved for good


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

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> Fetched:
        """GET a url, following at most ``fetch_max_redirects`` redirects, each one checked.

        ``headers`` are sent with every request (``If-None-Match`` / ``If-Modified-Since`` make it a
        conditional GET: a 304 answer is returned with ``status`` 304 and no content).

        Raises:
            BlockedAddress: the url or a redirect target is not a public address.
            BadInput: bad url, HTTP error status, oversized body.
            TransientError: timeouts, connection failures, 429/5xx after retries (with the server's
                ``Retry-After`` in seconds, when it sent one).
        """
        current = url
        permanent = True  # every redirect so far was permanent
        for _ in range(self.settings.fetch_max_redirects + 1):
            try:
                check_url(current, resolver=self._resolver, allowed=self._allowed)
            except BadInput as exc:
                if current == url:
                    raise
                # Name the input, as every other fetch error does, and say where the redirect led.
                raise type(exc)(url, f"redirect to {current} refused: {exc.reason}") from exc
            response_or_next = self._get_once(url, current, headers or {})
            if isinstance(response_or_next, Fetched):
                if permanent and current != url:
                    return dataclasses.replace(response_or_next, moved_to=current)
                return response_or_next
            current, status = response_or_next
            permanent = permanent and status in _PERMANENT
        raise BadInput(url, f"more than {self.settings.fetch_max_redirects} redirects")

    def _get_once(self, original: str, url: str, headers: Mapping[str, str]) -> Fetched | tuple[str, int]:
        """The response, or the next url of a redirect and the redirect's status."""
        last_error = ""
        retry_after: float | None = None
        for attempt in range(_MAX_ATTEMPTS):
            try:
                with self._client.stream("GET", url, headers=dict(headers)) as response:
                    if response.is_redirect and response.status_code != 304:  # httpx: every 3xx
                        location = response.headers.get("location")
                        if not location:
                            raise BadInput(original, f"redirect without a Location header from {url}")
                        return str(response.url.join(location)), response.status_code
                    if response.status_code in _RETRY_STATUS:
                        last_error = f"HTTP {response.status_code} from {url}"
                        retry_after = retry_after_seconds(response.headers.get("retry-after"))
                        continue
                    if response.status_code >= 400:
                        raise BadInput(original, f"HTTP {response.status_code} from {url}")
                    body = b"" if response.status_code == 304 else self._read_capped(original, response)
                    return Fetched(
                        url=str(response.url),
                        content=body,
                        content_type=response.headers.get("content-type", "").split(";")[0].strip().lower(),
                        charset=response.charset_encoding,
                        status=response.status_code,
                        headers={k: response.headers[k] for k in _KEPT_HEADERS if k in response.headers},
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
        raise TransientError(original, last_error, retry_after=retry_after)

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


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (a number of seconds or an HTTP date), else None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    import datetime as dt

    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())
