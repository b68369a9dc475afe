"""Hostile target programs (issue 16), written to a file by the tests and given as ``cmd:`` targets.

Each is a plain Python script taking the port (servers) as its only argument; none imports the suite."""

from __future__ import annotations

import sys
from pathlib import Path

#: TCP server: on every connection, writes 1 GiB (whatever the peer sends) then closes
TCP_FLOOD = r'''
import socket, sys, threading
size = int(sys.argv[2]) if len(sys.argv) > 2 else 1 << 30
srv = socket.create_server(("127.0.0.1", int(sys.argv[1])))
chunk = b"\xff" * (1 << 20)
def flood(conn):
    with conn:
        try:
            for _ in range(size // len(chunk)):
                conn.sendall(chunk)
        except OSError:
            pass
while True:
    conn, _ = srv.accept()
    threading.Thread(target=flood, args=(conn,), daemon=True).start()
'''

#: UDP server: answers every datagram with a burst of 20,000 datagrams of 1,400 bytes (28 MB)
UDP_FLOOD = r'''
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
blob = b"\xee" * 1400
while True:
    _, peer = s.recvfrom(65535)
    for _ in range(20000):
        try:
            s.sendto(blob, peer)
        except OSError:
            pass
'''

#: a client that writes 300 MB to stdout (whatever it was asked), then exits 0
STDOUT_FLOOD = r'''
import os, sys
block = b"F" * (1 << 20)
for _ in range(300):
    try:
        os.write(1, block)
    except OSError:
        break
'''

#: a server that starts a detached helper (new session, stdio to /dev/null, environment cleared with
#: ``--clear-env``) at once and serves echo over TCP itself; the helper lives for ever unless killed;
#: ``--pidfile PATH``: append the helper's pid to PATH
DETACHING = r'''
import os, socket, subprocess, sys, threading
helper = subprocess.Popen(["sleep", "3600"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                 stderr=subprocess.DEVNULL, start_new_session=True, env={} if "--clear-env" in sys.argv else None)
if "--pidfile" in sys.argv:  # where the test finds the helpers it cannot find by the run tag (cleared environment)
    with open(sys.argv[sys.argv.index("--pidfile") + 1], "a") as f:
        f.write(f"{helper.pid}\n")
srv = socket.create_server(("127.0.0.1", int(sys.argv[1])))
def serve(conn):
    with conn:
        while data := conn.recv(65536):
            conn.sendall(data)
while True:
    conn, _ = srv.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
'''


def write(directory: Path, name: str, text: str) -> str:
    """Write ``text`` as ``directory/name.py``; return the command prefix running it (``python path``)."""
    path = directory / f"{name}.py"
    path.write_text(text)
    return f"{sys.executable} {path}"
