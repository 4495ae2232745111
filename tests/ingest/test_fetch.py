"""The Fetcher live, against loopback servers the tests start (127.0.0.1 and ::1) and nothing else.

Loopback stands in for "a non-public address": the default policy must refuse it before sending a
request, and a custom policy (``allowed``) lets a test permit 127.0.0.1 while ::1 plays the forbidden
address, to check that redirects and connection-time re-resolution (DNS rebinding) are guarded too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest

from rashomon.errors import BadInput, BlockedAddress, TransientError
from rashomon.ingest.fetch import Fetcher
from rashomon.settings import Settings
from tests.loopback import LoopbackServer, Reply

PAGE = b"<html><body><p>A harbour crane collapsed in Port Wendle on Tuesday.</p></body></html>"
HTML = {"Content-Type": "text/html; charset=utf-8"}
StartServer = Callable[..., LoopbackServer]

pytestmark = pytest.mark.network


def only_ipv4_loopback(address: str) -> bool:
    return address == "127.0.0.1"


def test_fetch_default_refuses_loopback_before_sending(loopback: StartServer) -> None:
    server = loopback({"/": Reply(200, PAGE, HTML)})
    with Fetcher(Settings()) as fetcher, pytest.raises(BlockedAddress, match=r"non-public address 127\.0\.0\.1"):
        fetcher.fetch(server.url("/"))
    assert server.requests == []


def test_fetch_allow_private_network_fetches(loopback: StartServer) -> None:
    server = loopback({"/story": Reply(200, PAGE, HTML)})
    with Fetcher(Settings(allow_private_network=True)) as fetcher:
        fetched = fetcher.fetch(server.url("/story"))
    assert fetched.content == PAGE
    assert fetched.content_type == "text/html"
    assert fetched.charset == "utf-8"
    assert fetched.url == server.url("/story")
    assert server.requests == ["/story"]


def test_fetch_follows_redirect_and_reports_final_url(loopback: StartServer) -> None:
    server = loopback({"/old": Reply(301, b"", {"Location": "/new"}), "/new": Reply(200, PAGE, HTML)})
    with Fetcher(Settings(allow_private_network=True)) as fetcher:
        fetched = fetcher.fetch(server.url("/old"))
    assert fetched.url == server.url("/new")
    assert fetched.content == PAGE
    assert server.requests == ["/old", "/new"]


def test_fetch_redirect_to_forbidden_address_refused(loopback: StartServer) -> None:
    forbidden = loopback({"/": Reply(200, PAGE, HTML)}, host="::1")
    allowed = loopback({"/jump": Reply(302, b"", {"Location": forbidden.url("/")})})
    with (
        Fetcher(Settings(), allowed=only_ipv4_loopback) as fetcher,
        pytest.raises(BlockedAddress, match="::1") as info,
    ):
        fetcher.fetch(allowed.url("/jump"))
    assert info.value.source == allowed.url("/jump")
    assert allowed.requests == ["/jump"]
    assert forbidden.requests == []


def test_fetch_redirect_to_permitted_ipv6_followed(loopback: StartServer) -> None:
    # Control for the test above: with ::1 permitted, the same redirect is followed to the ::1 server.
    target = loopback({"/": Reply(200, PAGE, HTML)}, host="::1")
    start = loopback({"/jump": Reply(302, b"", {"Location": target.url("/")})})
    with Fetcher(Settings(), allowed=lambda a: a in ("127.0.0.1", "::1")) as fetcher:
        fetched = fetcher.fetch(start.url("/jump"))
    assert fetched.content == PAGE
    assert target.requests == ["/"]


def _same_port_pair(loopback: StartServer, routes: dict[str, Reply]) -> tuple[LoopbackServer, LoopbackServer]:
    """A ::1 server and a 127.0.0.1 server on one port number, so a url's port reaches either."""
    for _ in range(20):
        v6 = loopback(dict(routes), host="::1")
        try:
            v4 = loopback(dict(routes), host="127.0.0.1", port=v6.port)
        except OSError:
            continue
        return v4, v6
    pytest.skip("could not bind 127.0.0.1 and ::1 on one port")


class _Rebinding:
    """A resolver that answers the guard's check with 127.0.0.1 and every later lookup with ::1."""

    def __init__(self, first: str = "127.0.0.1", later: str = "::1") -> None:
        self.first, self.later = first, later
        self.calls: list[str] = []

    def __call__(self, host: str, port: int) -> Iterable[str]:
        self.calls.append(host)
        return [self.first if len(self.calls) == 1 else self.later]


def test_fetch_dns_rebinding_refused_at_connection(loopback: StartServer) -> None:
    v4, v6 = _same_port_pair(loopback, {"/": Reply(200, PAGE, HTML)})
    resolver = _Rebinding()
    with (
        Fetcher(Settings(), resolver=resolver, allowed=only_ipv4_loopback) as fetcher,
        pytest.raises(BlockedAddress, match="refusing to connect"),
    ):
        fetcher.fetch(f"http://rebind.test:{v4.port}/")
    assert len(resolver.calls) >= 2  # checked, then re-resolved when connecting
    assert v6.requests == []
    assert v4.requests == []


def test_fetch_resolved_name_connects_to_checked_address(loopback: StartServer) -> None:
    # Control for the test above: a name that keeps resolving to 127.0.0.1 is fetched from that server.
    v4, v6 = _same_port_pair(loopback, {"/": Reply(200, PAGE, HTML)})
    resolver = _Rebinding(first="127.0.0.1", later="127.0.0.1")
    with Fetcher(Settings(), resolver=resolver, allowed=only_ipv4_loopback) as fetcher:
        fetched = fetcher.fetch(f"http://rebind.test:{v4.port}/")
    assert fetched.content == PAGE
    assert v4.requests == ["/"]
    assert v6.requests == []


@pytest.mark.parametrize("content_length", [True, False], ids=["declared", "streamed"])
def test_fetch_size_cap_refused(loopback: StartServer, content_length: bool) -> None:
    server = loopback({"/big": Reply(200, b"x" * 5000, HTML, content_length=content_length)})
    settings = Settings(allow_private_network=True, max_input_bytes=1000)
    with Fetcher(settings) as fetcher, pytest.raises(BadInput, match="1,000-byte limit"):
        fetcher.fetch(server.url("/big"))


def test_fetch_size_cap_allows_body_at_limit(loopback: StartServer) -> None:
    server = loopback({"/fits": Reply(200, b"x" * 1000, HTML, content_length=False)})
    with Fetcher(Settings(allow_private_network=True, max_input_bytes=1000)) as fetcher:
        assert len(fetcher.fetch(server.url("/fits")).content) == 1000


def _hops(count: int) -> dict[str, Reply]:
    routes = {f"/hop/{i}": Reply(302, b"", {"Location": f"/hop/{i + 1}"}) for i in range(count)}
    routes[f"/hop/{count}"] = Reply(200, PAGE, HTML)
    return routes


def test_fetch_redirect_limit(loopback: StartServer) -> None:
    server = loopback(_hops(3))
    settings = Settings(allow_private_network=True, fetch_max_redirects=2)
    with Fetcher(settings) as fetcher:
        with pytest.raises(BadInput, match="more than 2 redirects"):
            fetcher.fetch(server.url("/hop/0"))  # three redirects
        assert fetcher.fetch(server.url("/hop/1")).content == PAGE  # two redirects


def test_fetch_redirect_loop_stops(loopback: StartServer) -> None:
    server = loopback({"/loop": Reply(302, b"", {"Location": "/loop"})})
    with (
        Fetcher(Settings(allow_private_network=True, fetch_max_redirects=3)) as fetcher,
        pytest.raises(BadInput, match="redirects"),
    ):
        fetcher.fetch(server.url("/loop"))
    assert server.requests == ["/loop"] * 4


def test_fetch_not_found_is_bad_input(loopback: StartServer) -> None:
    server = loopback({})
    with Fetcher(Settings(allow_private_network=True)) as fetcher, pytest.raises(BadInput, match="HTTP 404") as info:
        fetcher.fetch(server.url("/missing"))
    assert not isinstance(info.value, TransientError)
    assert server.requests == ["/missing"]  # a permanent error is not retried


def test_fetch_server_error_is_transient_after_bounded_retries(loopback: StartServer) -> None:
    server = loopback({"/busy": Reply(503, b"try later", {"Content-Type": "text/plain"})})
    with Fetcher(Settings(allow_private_network=True)) as fetcher, pytest.raises(TransientError, match="HTTP 503"):
        fetcher.fetch(server.url("/busy"))
    assert server.requests == ["/busy", "/busy"]


def test_fetch_unsupported_scheme_is_bad_input(loopback: StartServer) -> None:
    with Fetcher(Settings(allow_private_network=True)) as fetcher, pytest.raises(BadInput, match="scheme"):
        fetcher.fetch("file:///etc/hostname")
