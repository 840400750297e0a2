"""How the web app is served: uvicorn with its limits set, and a deadline for each request's headers."""

from __future__ import annotations

import asyncio

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT_S = 10.0  # a request's line and headers must arrive within this (slowloris)
KEEP_ALIVE_S = 5  # an idle kept-alive connection is closed after this
MAX_HEADER_BYTES = 16 * 1024  # the request line and headers together
MAX_CONCURRENCY = 200  # connections and tasks at once; past it uvicorn answers 503
GRACEFUL_SHUTDOWN_S = 10


class HeaderTimeoutH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, closing a connection whose next request's headers do not arrive in time.

    uvicorn's keep-alive timer stops at the first byte received, so a client sending its headers a byte at
    a time would otherwise hold the connection for ever."""

    header_timeout_s = HEADER_TIMEOUT_S

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm_header_deadline()

    def _arm_header_deadline(self) -> None:
        self.loop.call_later(self.header_timeout_s, self._header_deadline, self.cycle)

    def _header_deadline(self, cycle_then) -> None:  # noqa: ANN001
        """No new request began since the deadline was set: close (a request in progress is left alone)."""
        if self.transport.is_closing() or self.cycle is not cycle_then:
            return
        if cycle_then is None or cycle_then.response_complete:
            self.transport.close()


def server_config(app, host: str, port: int, trusted_proxies: tuple[str, ...] = (),  # noqa: ANN001
                  **overrides) -> uvicorn.Config:
    """The uvicorn settings Mamoru serves with (the tests start the same configuration). X-Forwarded-For is
    believed only from TRUSTED_PROXIES, so the log-in throttle sees each client, not the proxy."""
    options = dict(host=host, port=port, http=HeaderTimeoutH11Protocol, log_level="info",
                   proxy_headers=bool(trusted_proxies), forwarded_allow_ips=",".join(trusted_proxies) or "127.0.0.1",
                   server_header=False, timeout_keep_alive=KEEP_ALIVE_S, limit_concurrency=MAX_CONCURRENCY,
                   h11_max_incomplete_event_size=MAX_HEADER_BYTES, timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S)
    options.update(overrides)
    return uvicorn.Config(app, **options)


def serve(app, host: str, port: int, trusted_proxies: tuple[str, ...] = ()) -> None:  # noqa: ANN001
    uvicorn.Server(server_config(app, host, port, trusted_proxies)).run()
