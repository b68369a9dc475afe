"""Broken HTTP/1.0 server: Content-Length counted in characters, not octets.

Wrong: Content-Length is the entity length in octets (RFC 1945 §10.4).  This server decodes text files
as UTF-8 and announces ``len(text)``, so any page with multibyte characters gets a Content-Length that
is too small (binary files, which do not decode, are announced correctly).
Caught by: HTTP10-LEN-3, scenario ``http-server-get-files-exact`` (the UTF-8 page it puts in ``{root}``).

    python tests/broken/http_wrong_length.py --port PORT --root DIR
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
        path = urllib.parse.unquote(target.split("?")[0]).lstrip("/")
        full = os.path.join(ROOT, path)
        if os.path.isdir(full):
            full = os.path.join(full, "index.html")
        if method not in ("GET", "HEAD") or ".." in path.split("/"):
            status, body = "400 Bad Request", b"<h1>400 Bad Request</h1>\n"
        elif os.path.isfile(full):
            status, body = "200 OK", pathlib.Path(full).read_bytes()
        else:
            status, body = "404 Not Found", b"<h1>404 Not Found</h1>\n"
        try:
            length = len(body.decode("utf-8"))  # BUG: characters, not octets
        except UnicodeDecodeError:
            length = len(body)
        head = (f"HTTP/1.0 {status}\r\nDate: {email.utils.formatdate(usegmt=True)}\r\n"
                f"Content-Type: text/html\r\nContent-Length: {length}\r\n\r\n")
        self.wfile.write(head.encode() + (b"" if method == "HEAD" else body))


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
