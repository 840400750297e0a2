"""Only http(s) to public addresses: the rule every crawler request and worker download obeys.

A URL is refused when its scheme is not http(s) or its host is, or resolves to, a loopback, private,
link-local, multicast, reserved or otherwise non-global address, unless `settings.allowed_private_hosts`
names the host or a network (CIDR) holding the address. Names that do not resolve pass: fetching them
fails anyway. A name that resolves differently between this check and the connection (DNS rebinding) is
caught at connection time by `address_refusal` on the address actually reached: in the crawler by
`crawler.resolver.PublicOnlyResolver`, in the workers' downloads by `workers.fetch`'s connection check.
"""

from __future__ import annotations

import ipaddress
import socket
from functools import lru_cache
from urllib.parse import urlsplit

from core.config import Settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeURLError(ValueError):
    """The URL is not http(s) or points at a non-public address; the message is one line."""


def _is_public(addr: IPAddress) -> bool:
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return addr.is_global and not addr.is_multicast and not addr.is_reserved


@lru_cache(maxsize=64)
def _allow_rules(entries: tuple[str, ...]) -> tuple[frozenset[str], tuple[ipaddress._BaseNetwork, ...]]:
    hosts: set[str] = set()
    networks: list[ipaddress._BaseNetwork] = []
    for entry in entries:
        entry = entry.strip().lower().strip("[]")
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            hosts.add(entry.rstrip("."))
    return frozenset(hosts), tuple(networks)


def _resolve(host: str) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, OSError):
        return []
    addresses = []
    for info in infos:
        try:
            addresses.append(ipaddress.ip_address(info[4][0].split("%")[0]))
        except ValueError:
            continue
    return addresses


def check_url(url: str, settings: Settings) -> str:
    """Return URL if it may be fetched; raise UnsafeURLError with a one-line reason if not."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".").lower()
    except ValueError as exc:
        raise UnsafeURLError(f"refused {url[:200]!r}: malformed URL ({exc})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise UnsafeURLError(f"refused {url[:200]!r}: scheme {parts.scheme or '(none)'!r} is not http(s)")
    if not host:
        raise UnsafeURLError(f"refused {url[:200]!r}: no host")
    if host in _allow_rules(tuple(settings.allowed_private_hosts))[0]:
        return url
    for addr in _resolve(host):
        refusal = address_refusal(host, addr, settings)
        if refusal:
            raise UnsafeURLError(f"refused {url[:200]!r}: {refusal}")
    return url


def address_refusal(host: str, addr: IPAddress | str, settings: Settings) -> str | None:
    """Why `host`, found at `addr`, may not be fetched (one line), or None when it may."""
    allowed_hosts, allowed_networks = _allow_rules(tuple(settings.allowed_private_hosts))
    if host.rstrip(".").lower() in allowed_hosts:
        return None
    addr = ipaddress.ip_address(addr) if isinstance(addr, str) else addr
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if _is_public(addr) or any(addr.version == net.version and addr in net for net in allowed_networks):
        return None
    return (f"host {host} is the non-public address {addr} "
            "(add it to MAMORU_ALLOWED_PRIVATE_HOSTS to allow it)")


def is_safe_url(url: str, settings: Settings) -> bool:
    try:
        check_url(url, settings)
    except UnsafeURLError:
        return False
    return True
