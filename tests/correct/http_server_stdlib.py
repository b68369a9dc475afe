"""Python's http.server, subclassed with the fixes a careful student makes for its known HTTP/1.0 gaps.

    python tests/correct/http_server_stdlib.py --port PORT --directory ROOT

SimpleHTTPRequestHandler on a ThreadingHTTPServer, protocol_version HTTP/1.0, plus:
- errors found while parsing the request line carry a Status-Line (http.server otherwise still thinks
  the request is HTTP/0.9 and sends a bare HTML page);
- a Simple-Request (``GET /x`` with no version) is answered at once, with the file alone: no header
  lines are awaited;
- If-Modified-Since is ignored on HEAD (RFC 1945 §8.2) and when it is invalid or in the future (§10.9);
- Last-Modified is never later than Date (§10.10);
- a redirect's Location is an absolute URL (§10.11);
- a NUL in the path gets 400, dot-files (``.htaccess``) get 404;
- before closing, the server shuts down writing and drains the client's leftovers, so unread input does
  not make the kernel reset the connection under the answer.
"""

import argparse
import email.utils
import functools
import http.client
import io
import select
import socket
import time
from datetime import UTC
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote


class Handler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    default_request_version = "HTTP/1.0"  # so that a 400 found in the request line still gets a Status-Line
    timeout = 30

    def parse_request(self):
        words = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n").split()
        if len(words) == 2 and words[0] == "GET":
            # HTTP/0.9 Simple-Request: complete at its CRLF; the answer is the entity body alone
            self.command, self.path, self.request_version = "GET", words[1], "HTTP/0.9"
            self.requestline = " ".join(words)
            self.close_connection = True
            self.headers = http.client.parse_headers(io.BytesIO(b"\r\n"))
        elif not super().parse_request():
            return False
        if "\x00" in unquote(self.path):
            self.send_error(HTTPStatus.BAD_REQUEST, "NUL in the path")
            return False
        return True

    def send_head(self):
        if any(part.startswith(".") for part in unquote(self.path.split("?")[0]).split("/")):
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        ims = self.headers.get("If-Modified-Since")
        if ims is not None:
            when = None
            try:
                when = email.utils.parsedate_to_datetime(ims)
            except (TypeError, ValueError, IndexError):
                pass
            if when is not None and when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            if self.command != "GET" or when is None or when.timestamp() > time.time():
                del self.headers["If-Modified-Since"]
        return super().send_head()

    def date_time_string(self, timestamp=None):
        now = time.time()
        return email.utils.formatdate(now if timestamp is None else min(timestamp, now), usegmt=True)

    def send_header(self, keyword, value):
        if keyword.lower() == "location" and value.startswith("/"):
            host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
            value = f"http://{host}{value}"
        super().send_header(keyword, value)


class Server(ThreadingHTTPServer):
    def shutdown_request(self, request):
        try:
            request.shutdown(socket.SHUT_WR)
            end = time.monotonic() + 5
            while time.monotonic() < end and select.select([request], [], [], 0.5)[0]:
                if not request.recv(65536):
                    break
        except OSError:
            pass
        request.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--directory", required=True)
    args = parser.parse_args()
    handler = functools.partial(Handler, directory=args.directory)
    with Server(("127.0.0.1", args.port), handler) as server:
        server.serve_forever()


if __name__ == "__main__":
    main()
