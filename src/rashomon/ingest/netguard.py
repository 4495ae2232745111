"""Which network addresses a fetcher may reach.

A url fetched on behalf of untrusted input (a feed's links, a user's list, a redirect) must not reach
the machine itself or the private network it sits in: loopback, RFC 1918 and ULA private ranges,
link-local (cloud metadata services live there), CGNAT, multicast, reserved and unspecified addresses,
and IPv4 addresses mapped or embedded in IPv6. The check runs on every address a host name resolves to,
before each request and again after each redirect.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from rashomon.errors import BadInput, BlockedAddress

Resolver = Callable[[str, int], Iterable[str]]
AddressPolicy = Callable[[str], bool]  # address -> may we connect to it?
ALLOWED_SCHEMES = ("http", "https")


def is_public_address(address: str) -> bool:
    """Whether an IP address (v4 or v6 literal) is a public, globally routable unicast address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None:
            return is_public_address(str(embedded))
        if ip in ipaddress.ip_network("64:ff9b::/96"):  # NAT64 wraps an IPv4 address
            return is_public_address(str(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)))
    return bool(
        ip.is_global
        and not ip.is_multicast
        and not ip.is_loopback
        and not ip.is_link_local
        and not ip.is_private
        and not ip.is_reserved
        and not ip.is_unspecified
    )


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def address_policy(allow_private: bool) -> AddressPolicy:
    """The default policy: public addresses only, or anything when private networks are allowed."""
    return (lambda _address: True) if allow_private else is_public_address


def check_url(
    url: str,
    *,
    allow_private: bool = False,
    resolver: Resolver = system_resolver,
    allowed: AddressPolicy | None = None,
) -> list[str]:
    """Refuse a url whose scheme is not http(s) or whose host resolves to a non-public address.

    ``allowed`` replaces the default policy (public addresses only, or all with ``allow_private``).

    Returns:
        The addresses the host resolved to.

    Raises:
        BadInput: malformed url or unresolvable host.
        BlockedAddress: a non-public address, unless ``allow_private``.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise BadInput(url, f"unsupported url scheme {parts.scheme!r} (only http and https are fetched)")
    host = parts.hostname
    if not host:
        raise BadInput(url, "url has no host")
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError as exc:
        raise BadInput(url, f"bad port in url ({exc})") from exc
    try:
        addresses = [host] if _is_ip_literal(host) else list(resolver(host, port))
    except (OSError, UnicodeError) as exc:
        raise BadInput(url, f"cannot resolve host {host!r} ({exc})") from exc
    if not addresses:
        raise BadInput(url, f"host {host!r} resolves to no address")
    policy = allowed or address_policy(allow_private)
    blocked = [a for a in addresses if not policy(a)]
    if blocked:
        raise BlockedAddress(
            url,
            f"refusing to fetch: {host} resolves to non-public address {blocked[0]} "
            "(use --allow-private-network to permit loopback and private networks)",
        )
    return addresses


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    return True
