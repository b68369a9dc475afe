"""Responses of the HTTP/1.0 reference server before they are written (RFC 1945 §6): files with their
entity headers and conditional GET, directory listings, redirects and error pages.

:class:`ResponseBuilding` is a mixin of :class:`~reference_servers.http.server.HttpServer` (it reads the
server's ``server_header`` and bound address); the server's sessions, stream or protocol, decide when a
response is built and write it.
"""

from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass

from . import wire
from .docroot import guess_type, listing

__all__ = ["Response", "ResponseBuilding"]

_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")
#: an absoluteURI Request-URI or redirect target (RFC 1945 §3.2.1): group 1 is its path and what follows
ABSOLUTE_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://[^/?#]*(.*)$")


@dataclass
class Response:
    """A response before it is written: ``status`` (int), ``headers`` (list of ``(name, value)``, str),
    ``body`` (bytes; not sent for HEAD or a 304)."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes = b""


class ResponseBuilding:
    """The response builders of the HTTP server (mixed into it: uses ``self.server_header`` and
    ``self.address``)."""

    server_header: str | None

    def _file_response(self, head: wire.RequestHead, real: str, mtime: float, body: bytes) -> Response:
        now = time.time()
        last_modified = min(mtime, now)  # never later than Date (HTTP10-HDR-4)
        if head.method == "GET":  # HEAD is never conditional (HTTP10-HEAD-3)
            ims_text = head.headers.get("If-Modified-Since")
            ims = wire.parse_http_date(ims_text.split(";")[0]) if ims_text else None
            if ims is not None and ims <= now and int(last_modified) <= ims:
                return Response(304, self._base_headers(now))  # no entity headers (HTTP10-COND-6)
        ctype, encoding = guess_type(real)
        headers = self._base_headers(now) + [("Content-Type", ctype or "application/octet-stream")]
        if encoding:
            headers.append(("Content-Encoding", {"gzip": "x-gzip", "compress": "x-compress"}.get(encoding, encoding)))
        headers += [("Content-Length", str(len(body))), ("Last-Modified", wire.format_http_date(last_modified))]
        return Response(200, headers, body)

    def _listing(self, path: str, real: str) -> Response:
        try:
            body = listing(path, real)
        except PermissionError:
            return self._error(403, "this directory cannot be listed")
        headers = self._base_headers() + [("Content-Type", "text/html; charset=utf-8"),
                                          ("Content-Length", str(len(body)))]
        return Response(200, headers, body)

    def _redirect(self, head: wire.RequestHead, code: int, location: str) -> Response:
        if not ABSOLUTE_URI.match(location):
            host = head.headers.get("Host", "")
            if not _HOST.match(host or ""):
                bound_host, port = self.address("tcp")
                host = f"{bound_host}:{port}"
            location = f"http://{host}{location if location.startswith('/') else '/' + location}"
        note = f'The document has moved <a href="{html.escape(location, quote=True)}">here</a>.'
        response = self._error(code, "", markup=note)
        response.headers.insert(len(response.headers) - 2, ("Location", location))
        return response

    def _error(self, status: int, explanation: str, *, markup: str | None = None) -> Response:
        """An error or redirect response with an HTML body explaining it (HTTP10-STATUS-3).
        ``explanation`` is text (escaped here); ``markup`` replaces it with ready HTML."""
        title = f"{status} {wire.reason_phrase(status)}"
        text = markup if markup is not None else html.escape(explanation)
        body = (f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
                f"<p>{text}</p></body></html>\n").encode()
        return Response(status, self._base_headers() + [("Content-Type", "text/html; charset=utf-8"),
                                                        ("Content-Length", str(len(body)))], body)

    def _base_headers(self, now: float | None = None) -> list[tuple[str, str]]:
        headers = [("Date", wire.format_http_date(now))]
        if self.server_header:
            headers.append(("Server", self.server_header))
        return headers
