"""Refusing fetches of loopback, private, link-local and metadata addresses (SSRF), after DNS resolution.

Anyone holding the ingest token can name a URL or feed, and the server fetches it: without this guard a
token holder could read ``http://127.0.0.1:…``, the cloud metadata service or a router's admin page. The
check runs where the connection is made (so a redirect to such an address is refused too, and a DNS answer
cannot change between the check and the connect: the checked address is the one connected to), and on
every request including each redirect (which also covers a configured proxy).
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import httpcore
import httpx

from app.textio import UnreadableInput

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
ALLOW_HINT = "set DATELINE_ALLOW_PRIVATE_URLS=1 to allow fetching from private networks"


class PrivateAddress(UnreadableInput):
    """A URL whose host is, or resolves to, an address that is not on the public internet."""


def address_kind(address: Address) -> str | None:
    """Why an address may not be fetched (``loopback``, ``private``…), or None for a public one."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    checks = (("loopback", address.is_loopback), ("unspecified", address.is_unspecified),
              ("link-local (cloud metadata)", address.is_link_local), ("multicast", address.is_multicast),
              ("private", address.is_private), ("reserved", address.is_reserved),
              ("non-public", not address.is_global))  # most specific first: 169.254/16 is private too
    return next((kind for kind, hit in checks if hit), None)


def resolve_public(host: str, port: int) -> list[str]:
    """The host's addresses, all public, or ``PrivateAddress`` naming the first one that is not."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:  # reported like httpx's own failed lookup
        raise httpcore.ConnectError(f"{host}: cannot resolve the host name ({exc})") from exc
    addresses: list[str] = []
    for info in infos:
        ip = str(info[4][0]).split("%")[0]  # an IPv6 zone index is not part of the address
        kind = address_kind(ipaddress.ip_address(ip))
        if kind is not None:
            shown = ip if ip == host.strip("[]") else f"{host} ({ip})"
            raise PrivateAddress(f"refused to fetch from {shown}: a {kind} address; {ALLOW_HINT}")
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise httpcore.ConnectError(f"{host}: the host name has no address")
    return addresses


class PublicOnlyBackend(httpcore.NetworkBackend):
    """httpcore's network backend, connecting only to checked public addresses (the one checked, not a re-lookup)."""

    def __init__(self, inner: httpcore.NetworkBackend | None = None) -> None:
        self.inner = inner or httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        addresses = resolve_public(host, port)
        error: Exception | None = None
        for ip in addresses:
            try:
                return self.inner.connect_tcp(ip, port, timeout=timeout, local_address=local_address,
                                              socket_options=socket_options)
            except httpcore.ConnectError as exc:  # try the host's next address, as a resolver-driven connect would
                error = exc
        assert error is not None
        raise error

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Any = None) -> httpcore.NetworkStream:
        raise PrivateAddress(f"refused to connect to the local socket {path}; {ALLOW_HINT}")

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


def check_request(request: httpx.Request) -> None:
    """httpx request hook: every request, each redirect included, must name a public host."""
    url = request.url
    try:
        resolve_public(url.host, url.port or (443 if url.scheme == "https" else 80))
    except httpcore.ConnectError as exc:
        raise httpx.ConnectError(str(exc), request=request) from exc


def guarded_transport(**options: Any) -> httpx.HTTPTransport:
    """An ``httpx.HTTPTransport`` whose connections go only to public addresses."""
    transport = httpx.HTTPTransport(**options)
    # httpx exposes no network_backend option; its pool reads this attribute for each new connection.
    transport._pool._network_backend = PublicOnlyBackend()
    return transport
