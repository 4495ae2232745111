"""Loopback HTTP servers for tests: canned replies, a record of every path requested (and its headers).

Tests start these on 127.0.0.1 or ::1 only (the ``loopback`` fixture in conftest.py).
"""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    """A canned HTTP response."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_length: bool = True  # False: no Content-Length, the body ends when the connection closes


@dataclass
class Answer:
    """A route answered from the request: its path and headers (for conditional GETs)."""

    reply: Callable[[str, Mapping[str, str]], Reply]


Route = Reply | Callable[[str], Reply] | Answer


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.server.headers.append((self.path, headers))
        route = self.server.routes.get(self.path)
        if isinstance(route, Answer):
            reply = route.reply(self.path, headers)
        else:
            reply = route(self.path) if callable(route) else route
        if reply is None:
            reply = Reply(404, b"not found", {"Content-Type": "text/plain"})
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.content_length:
            self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], routes: dict[str, Route]) -> None:
        self.routes = routes
        self.requests: list[str] = []
        self.headers: list[tuple[str, dict[str, str]]] = []  # (path, lower-case request headers)
        super().__init__(address, _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the client gave up (a test of timeouts): nothing to report
        super().handle_error(request, client_address)  # type: ignore[arg-type]

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's fully qualified name; a loopback server needs none.
        socketserver.TCPServer.server_bind(self)
        self.server_name = "localhost"
        self.server_port = self.server_address[1]


class _Server6(_Server):
    address_family = socket.AF_INET6


class LoopbackServer:
    """An HTTP server on a loopback address, in a thread, recording the paths it was asked for."""

    def __init__(self, host: str, routes: dict[str, Route], port: int = 0) -> None:
        cls = _Server6 if ":" in host else _Server
        self._server = cls((host, port), routes)
        self.host = host
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()

    @property
    def routes(self) -> dict[str, Route]:
        return self._server.routes

    @property
    def requests(self) -> list[str]:
        return self._server.requests

    @property
    def headers(self) -> list[tuple[str, dict[str, str]]]:
        return self._server.headers

    def url(self, path: str = "/") -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{path}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
