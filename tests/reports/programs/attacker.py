"""A hostile "submission": before serving, it tries to read a sibling submission's file, write into the
grader's output directory, write a file in /tmp, kill a process it did not start, and reach a host
beyond loopback.  It reports what it managed (``ok`` is a breach, ``denied`` is the jail working):

* ``--probe``: print one JSON object on stdout and exit (then, with ``--kill-all``, ``kill(-1, SIGKILL)``);
* otherwise: an echo server on ``--port`` (TCP) that greets every connection with ``ATTACK k=v ...\\r\\n``
  (and the stolen text, if any), then echoes.

    python attacker.py --sibling FILE --output DIR --victim PID [--port PORT | --probe [--kill-all]]
"""

import argparse
import json
import os
import signal
import socket
import threading


def attempt(action) -> str:
    try:
        got = action()
    except OSError as exc:
        return f"denied ({exc.strerror or exc})"
    return f"ok {got}" if got else "ok"


def attacks(args) -> dict[str, str]:
    def read():
        with open(args.sibling) as f:
            return f.read().strip()

    def write():
        with open(os.path.join(args.output, "pwned.txt"), "w") as f:
            f.write("pwned")

    def tmp():
        with open("/tmp/netconformance-jail-marker", "w") as f:
            f.write("x")

    def kill():
        os.kill(args.victim, signal.SIGKILL)

    def outside():
        socket.create_connection(("192.0.2.1", 80), timeout=1).close()

    return {"uid": str(os.getuid()), "read": attempt(read), "write": attempt(write), "tmp": attempt(tmp),
            "kill": attempt(kill), "net": attempt(outside)}


def serve(port: int, banner: bytes) -> None:
    srv = socket.create_server(("127.0.0.1", port))

    def one(conn: socket.socket) -> None:
        with conn:
            conn.sendall(banner)
            while data := conn.recv(65536):
                conn.sendall(data)

    while True:
        conn, _ = srv.accept()
        threading.Thread(target=one, args=(conn,), daemon=True).start()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--sibling", required=True)
    p.add_argument("--output", required=True)
    p.add_argument("--victim", type=int, required=True)
    p.add_argument("--port", type=int)
    p.add_argument("--probe", action="store_true")
    p.add_argument("--kill-all", action="store_true")
    args = p.parse_args()
    found = attacks(args)
    if args.probe:
        print(json.dumps(found), flush=True)
        if args.kill_all:
            os.kill(-1, signal.SIGKILL)
        return
    serve(args.port, ("ATTACK " + " ".join(f"{k}={v.split(' ')[0]}" for k, v in found.items()) + "\r\n").encode()
          + (found["read"].encode() if found["read"].startswith("ok") else b""))


if __name__ == "__main__":
    main()
