"""The address guard as a function: which addresses are public, and check_url with a fake resolver.

No address here is ever connected to: the resolver is a function that answers from a table.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from rashomon.errors import BadInput, BlockedAddress
from rashomon.ingest.netguard import check_url, is_public_address


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "::1",
        "10.1.2.3",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",  # link-local: cloud metadata services
        "100.64.0.1",  # CGNAT
        "0.0.0.0",
        "::",
        "224.0.0.1",  # multicast
        "255.255.255.255",
        "240.0.0.1",  # reserved
        "192.0.2.10",  # documentation
        "fe80::1",
        "fe80::1%eth0",
        "fc00::1",
        "fd12:3456::1",  # unique local
        "ff02::1",
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "::ffff:10.0.0.1",
        "2002:7f00:1::",  # 6to4 wrapping 127.0.0.1
        "64:ff9b::7f00:1",  # NAT64 wrapping 127.0.0.1
        "64:ff9b::a00:1",  # NAT64 wrapping 10.0.0.1
        "not an address",
        "",
    ],
)
def test_netguard_non_public_addresses(address: str) -> None:
    assert is_public_address(address) is False


@pytest.mark.parametrize(
    "address",
    ["8.8.8.8", "93.184.216.34", "2001:4860:4860::8888", "::ffff:8.8.8.8", "64:ff9b::808:808"],
)
def test_netguard_public_addresses(address: str) -> None:
    assert is_public_address(address) is True


def _table(answers: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    calls: list[tuple[str, int]] = []

    def resolve(host: str, port: int) -> Iterable[str]:
        calls.append((host, port))
        if host not in answers:
            raise OSError(f"unknown host {host}")
        return answers[host]

    resolve.calls = calls  # type: ignore[attr-defined]
    return resolve


def test_netguard_check_url_public_host_passes() -> None:
    resolver = _table({"news.example": ["93.184.216.34"]})
    assert check_url("https://news.example/story", resolver=resolver) == ["93.184.216.34"]
    assert resolver.calls == [("news.example", 443)]


def test_netguard_check_url_port_passed_to_resolver() -> None:
    resolver = _table({"news.example": ["93.184.216.34"]})
    check_url("http://news.example:8080/story", resolver=resolver)
    assert resolver.calls == [("news.example", 8080)]


@pytest.mark.parametrize("answer", [["10.0.0.5"], ["127.0.0.1"], ["::1"], ["93.184.216.34", "192.168.0.7"]])
def test_netguard_check_url_private_resolution_blocked(answer: list[str]) -> None:
    resolver = _table({"intranet.example": answer})
    with pytest.raises(BlockedAddress, match="non-public address") as info:
        check_url("http://intranet.example/admin", resolver=resolver)
    assert info.value.source == "http://intranet.example/admin"
    assert "--allow-private-network" in info.value.reason


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/", "http://127.0.0.1:8080/x", "http://[::1]:9000/", "http://169.254.169.254/latest/meta-data/"],
)
def test_netguard_check_url_ip_literal_blocked_without_resolving(url: str) -> None:
    resolver = _table({})
    with pytest.raises(BlockedAddress):
        check_url(url, resolver=resolver)
    assert resolver.calls == []


def test_netguard_check_url_allow_private() -> None:
    resolver = _table({"intranet.example": ["10.0.0.5"]})
    assert check_url("http://intranet.example/", allow_private=True, resolver=resolver) == ["10.0.0.5"]
    assert check_url("http://127.0.0.1:8000/", allow_private=True, resolver=resolver) == ["127.0.0.1"]


def test_netguard_check_url_custom_policy_replaces_default() -> None:
    resolver = _table({"a.example": ["127.0.0.1"], "b.example": ["::1"]})

    def only_v4_loopback(address: str) -> bool:
        return address == "127.0.0.1"

    assert check_url("http://a.example/", resolver=resolver, allowed=only_v4_loopback) == ["127.0.0.1"]
    with pytest.raises(BlockedAddress):
        check_url("http://b.example/", resolver=resolver, allowed=only_v4_loopback)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://files.example/story.txt", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("http:///no-host", "no host"),
        ("http://news.example:99999/", "bad port"),
    ],
)
def test_netguard_check_url_malformed_is_bad_input(url: str, reason: str) -> None:
    with pytest.raises(BadInput, match=reason) as info:
        check_url(url, resolver=_table({"news.example": ["93.184.216.34"]}))
    assert not isinstance(info.value, BlockedAddress)


def test_netguard_check_url_unresolvable_is_bad_input() -> None:
    with pytest.raises(BadInput, match="cannot resolve") as info:
        check_url("http://nowhere.example/", resolver=_table({}))
    assert not isinstance(info.value, BlockedAddress)
    with pytest.raises(BadInput, match="no address"):
        check_url("http://empty.example/", resolver=_table({"empty.example": []}))
