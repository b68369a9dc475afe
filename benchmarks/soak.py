"""Soak the standalone reference servers with abuse and watch their memory (issue 16): not run by CI.

Starts each reference server (``python -m reference_servers.<proto>``, as a user would) and, for
``--minutes``, drives it with several abusive clients at once:

* **fuzz**: random octets and protocol-shaped junk lines, sometimes ended with a reset;
* **slow readers**: a request for a large resource (or, for echo, megabytes to echo), then never a read,
  the connection held open past the idle timeout;
* **pipelined junk**: thousands of commands/lines in one write, replies never read;
* **large bodies**: 8 MiB POST bodies (HTTP), 8 MiB messages (SMTP DATA), 8 MiB echoes;
* **half-open**: a partial request and then silence, or a half-close (``SHUT_WR``) mid-request;
* (echo, daytime, time) **datagram floods** over UDP.

Every second it samples each server's resident set (``VmRSS``).  It prints the curve per server (a
sparkline, one character per ``--bucket`` seconds, and the start/peak/end values in MiB), then stops the
load, waits up to ``--settle`` seconds for the idle timeouts to end what is left, and checks that the
RSS is back within ``--tolerance`` (20 %) of its start, measured after a warm-up exchange of every kind
(lazily imported modules are not growth).  Prints PASS/FAIL per server; exits 1 when one fails, 2 on bad
arguments.

Usage::

    python benchmarks/soak.py                     # 1 minute, smtp http gopher echo
    python benchmarks/soak.py --minutes 2 --servers gopher,echo,daytime,time
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SERVERS = ("smtp", "http", "gopher", "echo", "daytime", "time")
BIG = 8 << 20
SPARK = "▁▂▃▄▅▆▇█"


def rss(pid: int) -> int:
    """Resident set of ``pid`` in bytes (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class Server:
    """One standalone reference server process; ``port`` read from its ``LISTENING`` line."""

    def __init__(self, proto: str, workdir: Path, idle_timeout: float) -> None:
        self.proto = proto
        argv = [sys.executable, "-m", f"reference_servers.{proto}", "--port", "0", "--idle-timeout", f"{idle_timeout:g}"]
        if proto in ("http", "gopher"):
            root = workdir / f"{proto}-root"
            root.mkdir()
            (root / "hello.txt").write_bytes(b"hello\n")
            (root / "big.bin").write_bytes(random.Random(1).randbytes(BIG))
            argv += ["--root", str(root)]
        if proto == "smtp":
            argv += ["--maildir", str(workdir / "maildir")]
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        self.port = 0
        deadline = time.monotonic() + 20
        while not self.port and time.monotonic() < deadline:
            line = self.proc.stdout.readline()  # the LISTENING lines come first
            if not line:
                break
            words = line.split()
            if words[:1] == [b"LISTENING"] and words[1] == b"tcp":
                self.port = int(words[3])
        if not self.port:
            self.stop()
            raise RuntimeError(f"the {proto} reference server did not print its LISTENING line")
        threading.Thread(target=lambda: [None for _ in self.proc.stdout], daemon=True).start()
        self.samples: list[tuple[float, int]] = []

    @property
    def address(self) -> tuple[str, int]:
        return ("127.0.0.1", self.port)

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, 9)
        self.proc.wait(5)


# ---------------------------------------------------------------------- the abuse
def _connect(address, timeout: float = 5.0) -> socket.socket:
    s = socket.create_connection(address, timeout=timeout)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    return s


def _drain(s: socket.socket, seconds: float) -> None:
    s.settimeout(0.2)
    end = time.monotonic() + seconds
    with contextlib.suppress(OSError):
        while time.monotonic() < end and s.recv(65536):
            pass


def _reset(s: socket.socket) -> None:
    with contextlib.suppress(OSError):
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    s.close()


def _request(proto: str, kind: str, rng: random.Random) -> bytes:
    """What one abusive client of ``kind`` writes to a ``proto`` server."""
    if kind == "slow":
        return {"http": b"GET /big.bin HTTP/1.0\r\n\r\n", "gopher": b"/big.bin\r\n",
                "smtp": b"EHLO soak.test\r\n" + b"HELP\r\n" * 20000, "echo": b"e" * BIG}.get(proto, b"\r\n")
    if kind == "pipelined":
        return {"http": b"GET /hello.txt HTTP/1.0\r\nX: " + b"y" * 60 + b"\r\n" * 2 + b"JUNK / HTTP/1.0\r\n" * 20000,
                "gopher": b"x" * 200000, "smtp": b"EHLO soak.test\r\n" + b"NOOP\r\n" * 50000 + b"QUIT\r\n",
                "echo": b"line\r\n" * 200000}.get(proto, b"x" * 10000)
    if kind == "large":
        if proto == "http":
            return b"POST /hello.txt HTTP/1.0\r\nContent-Length: %d\r\n\r\n" % BIG + b"p" * BIG
        if proto == "smtp":
            return (b"EHLO soak.test\r\nMAIL FROM:<a@soak.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n"
                    + (b"x" * 998 + b"\r\n") * (BIG // 1000) + b".\r\nQUIT\r\n")
        return b"L" * BIG
    if kind == "half":
        return {"http": b"GET /hello.txt HTTP/1.0\r\nHost: soa", "gopher": b"/hel", "smtp": b"EHLO soak.test\r\nMAIL FR",
                "echo": b"half"}.get(proto, b"")
    # fuzz: random octets or junk lines
    if rng.random() < 0.5:
        return rng.randbytes(rng.randrange(1, 20000))
    return b"".join(rng.choice([b"GET ", b"/", b"\t", b"HELO x", b"\r\n", b"\n", b"%%%", b"DATA\r\n", b".\r\n",
                                b"\x00", b"\xff" * 50, b"A" * 5000]) for _ in range(rng.randrange(1, 200)))


def _client(server: Server, kind: str, stop: threading.Event, seed: int, hold: float) -> None:
    """One abusive client looping until ``stop``: a fresh connection per round."""
    rng = random.Random(seed)
    while not stop.is_set():
        try:
            s = _connect(server.address)
        except OSError:
            time.sleep(0.1)
            continue
        try:
            data = _request(server.proto, kind, rng)
            s.settimeout(hold if kind in ("slow", "pipelined", "large") else 2.0)
            with contextlib.suppress(OSError):
                s.sendall(data)
            if kind == "half":
                if rng.random() < 0.5:
                    with contextlib.suppress(OSError):
                        s.shutdown(socket.SHUT_WR)
                stop.wait(hold)
            elif kind in ("slow", "pipelined"):
                stop.wait(hold)  # never read: the server's writes block
            elif kind == "large":
                _drain(s, 2.0)
            else:
                _drain(s, 0.5)
                if rng.random() < 0.3:
                    _reset(s)
        finally:
            with contextlib.suppress(OSError):
                s.close()


def _datagrams(server: Server, stop: threading.Event, seed: int) -> None:
    rng = random.Random(seed)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        while not stop.is_set():
            with contextlib.suppress(OSError):
                s.sendto(rng.randbytes(rng.randrange(0, 60000)), server.address)
            time.sleep(0.001)


def _warm_up(server: Server) -> None:
    """One exchange of every kind, so lazily imported modules are loaded before the start is measured."""
    stop = threading.Event()
    for kind in ("fuzz", "large", "half", "pipelined"):
        try:
            s = _connect(server.address)
            s.settimeout(3)
            with contextlib.suppress(OSError):
                s.sendall(_request(server.proto, kind, random.Random(0))[: 1 << 20])
                s.shutdown(socket.SHUT_WR)
            _drain(s, 1.0)
            s.close()
        except OSError:
            pass
    stop.set()


# ---------------------------------------------------------------------- report
def sparkline(values: list[int], width: int) -> str:
    if not values:
        return ""
    step = max(1, -(-len(values) // width))
    buckets = [max(values[i:i + step]) for i in range(0, len(values), step)]
    lo, hi = min(buckets), max(buckets)
    return "".join(SPARK[0 if hi == lo else (v - lo) * (len(SPARK) - 1) // (hi - lo)] for v in buckets)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--minutes", type=float, default=1.0, help="minutes of load (default 1)")
    p.add_argument("--servers", default="smtp,http,gopher,echo", help="comma-separated: " + ",".join(SERVERS))
    p.add_argument("--clients", type=int, default=2, help="abusive clients of each kind per server (default 2)")
    p.add_argument("--idle-timeout", type=float, default=5.0, help="the servers' --idle-timeout (default 5 s)")
    p.add_argument("--settle", type=float, default=60.0, help="seconds allowed for RSS to come back (default 60)")
    p.add_argument("--tolerance", type=float, default=0.20, help="allowed growth after the load (default 0.20)")
    p.add_argument("--width", type=int, default=60, help="characters of each sparkline (default 60)")
    args = p.parse_args(argv)
    names = [n for n in args.servers.split(",") if n]
    bad = [n for n in names if n not in SERVERS]
    if bad or args.minutes <= 0 or args.clients < 1:
        print(f"soak: bad arguments: {', '.join(bad) or 'minutes and clients must be positive'}", file=sys.stderr)
        return 2
    servers: list[Server] = []
    with tempfile.TemporaryDirectory(prefix="nc-soak-") as tmp:
        try:
            for name in names:
                servers.append(Server(name, Path(tmp), args.idle_timeout))
            cold = {s.proto: rss(s.proc.pid) for s in servers}
            for s in servers:
                _warm_up(s)
            time.sleep(args.idle_timeout + 1)
            start = {s.proto: rss(s.proc.pid) for s in servers}
            stop = threading.Event()
            threads = []
            for s in servers:
                for i in range(args.clients):
                    for kind in ("fuzz", "slow", "pipelined", "large", "half"):
                        threads.append(threading.Thread(target=_client, daemon=True,
                                                        args=(s, kind, stop, hash((s.proto, kind, i)), 2 * args.idle_timeout)))
                    if s.proto in ("echo", "daytime", "time"):
                        threads.append(threading.Thread(target=_datagrams, args=(s, stop, i), daemon=True))
            t0 = time.monotonic()
            for t in threads:
                t.start()
            end_load = t0 + args.minutes * 60
            while time.monotonic() < end_load:
                for s in servers:
                    s.samples.append((time.monotonic() - t0, rss(s.proc.pid)))
                time.sleep(1.0)
            stop.set()
            loaded = {s.proto: s.samples[-1][1] if s.samples else 0 for s in servers}
            for t in threads:
                t.join(2 * args.idle_timeout + 5)
            settled: dict[str, int] = {}
            deadline = time.monotonic() + args.settle
            while True:
                for s in servers:
                    s.samples.append((time.monotonic() - t0, rss(s.proc.pid)))
                    if s.proto not in settled and s.samples[-1][1] <= start[s.proto] * (1 + args.tolerance):
                        settled[s.proto] = s.samples[-1][1]
                if len(settled) == len(servers) or time.monotonic() > deadline:
                    break
                time.sleep(1.0)
            mib = 1 << 20
            failed = 0
            print(f"soak: {args.minutes:g} min of load, {len(threads)} abusive clients, idle timeout "
                  f"{args.idle_timeout:g} s; RSS in MiB (cold = just started, start = after warm-up)")
            for s in servers:
                values = [v for _, v in s.samples]
                final = settled.get(s.proto, values[-1] if values else 0)
                ok = s.proto in settled and s.proc.poll() is None
                failed += not ok
                print(f"{s.proto:8} {sparkline(values, args.width)}")
                print(f"         cold {cold[s.proto] / mib:6.1f}  start {start[s.proto] / mib:6.1f}  peak "
                      f"{max(values, default=0) / mib:7.1f}  end of load {loaded[s.proto] / mib:7.1f}  after "
                      f"{values and s.samples[-1][0] - args.minutes * 60:5.0f} s {final / mib:6.1f}  "
                      f"({(final / start[s.proto] - 1) * 100:+.0f} %)  {'PASS' if ok else 'FAIL'}"
                      + ("" if s.proc.poll() is None else f"  (the server exited {s.proc.returncode})"))
            return 1 if failed else 0
        finally:
            for s in servers:
                s.stop()


if __name__ == "__main__":
    sys.exit(main())
