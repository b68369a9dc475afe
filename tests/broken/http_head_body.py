"""Broken HTTP/1.0 server: answers HEAD exactly like GET, file bytes included.

Wrong: a HEAD response must never contain a body (RFC 1945 §8.2, §9.2).
Caught by: HTTP10-HEAD-1 (and HTTP10-HEAD-4 for errors), scenario ``http-server-head-no-body``.
Otherwise correct enough: buffers the request up to the empty line, answers HTTP/1.0 and closes.

    python tests/broken/http_head_body.py --port PORT --root DIR
"""

import argparse
import email.utils
import os
import pathlib
import socketserver
import urllib.parse


class Handler(socketserver.StreamRequestHandler):
    timeout = 10

    def handle(self):
        line = self.rfile.readline(8192).decode("latin-1")
        while self.rfile.readline(8192).strip():
            pass
        method, target, _version = (line.split() + ["", "", ""])[:3]
        path = os.path.normpath(urllib.parse.unquote(target.split("?")[0])).lstrip("/")
        full = os.path.join(ROOT, path)
        if method not in ("GET", "HEAD") or ".." in path.split("/"):
            status, body = "400 Bad Request", b"<h1>400 Bad Request</h1>\n"
        elif os.path.isfile(full):
            status, body = "200 OK", pathlib.Path(full).read_bytes()
        elif os.path.isfile(os.path.join(full, "index.html")):
            status, body = "200 OK", pathlib.Path(os.path.join(full, "index.html")).read_bytes()
        else:
            status, body = "404 Not Found", b"<h1>404 Not Found</h1>\n"
        head = (f"HTTP/1.0 {status}\r\nDate: {email.utils.formatdate(usegmt=True)}\r\n"
                f"Content-Type: application/octet-stream\r\nContent-Length: {len(body)}\r\n\r\n")
        self.wfile.write(head.encode() + body)  # BUG: the body goes out for HEAD too


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--root", default=".")
    args = p.parse_args()
    ROOT = args.root
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    socketserver.ThreadingTCPServer.daemon_threads = True
    with socketserver.ThreadingTCPServer(("127.0.0.1", args.port), Handler) as srv:
        print(f"LISTENING tcp 127.0.0.1 {srv.server_address[1]}", flush=True)
        srv.serve_forever()
