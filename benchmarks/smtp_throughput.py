"""Messages per second of the SMTP reference server against aiosmtpd, side by side, with one load script.

Not run by CI.  Each server runs as its own process and delivers into its own Maildir (the reference
through ``python -m reference_servers.smtp --maildir``, aiosmtpd through ``tests/real/aiosmtpd_maildir.py``).
The same load generator (this script: asyncio, ``--concurrency`` sessions in flight, each sending
messages one transaction after another without pipelining, spread over ``--workers`` processes) runs
against each for ``--seconds`` and reports accepted messages per second, errors, latency percentiles per
message, and the number of files delivered.  Every wait is bounded.

    python benchmarks/smtp_throughput.py [--seconds 5] [--concurrency 8] [--workers 2] [--size 2048]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from netconformance_fixtures.ports import free_port
from reference_servers.smtp import wire


async def _reply(reader: asyncio.StreamReader, timeout: float) -> int:
    while True:
        line = await asyncio.wait_for(reader.readuntil(b"\r\n"), timeout)
        if line[3:4] != b"-":
            return int(line[:3])


async def _session(host, port, body: bytes, deadline: float, timeout: float, stats: dict) -> None:
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    try:
        assert await _reply(reader, timeout) == 220
        writer.write(b"EHLO bench.test\r\n")
        assert await _reply(reader, timeout) == 250
        data = wire.encode_data(body)
        while time.monotonic() < deadline:
            started = time.monotonic()
            ok = True
            for line, want in ((b"MAIL FROM:<bench@client.test>\r\n", 250), (b"RCPT TO:<alice@example.test>\r\n", 250),
                               (b"DATA\r\n", 354), (data, 250)):
                writer.write(line)
                if await _reply(reader, timeout) != want:
                    ok = False
                    break
            if ok:
                stats["ok"] += 1
                stats["lat"].append(time.monotonic() - started)
            else:
                stats["err"] += 1
                writer.write(b"RSET\r\n")
                await _reply(reader, timeout)
        writer.write(b"QUIT\r\n")
        await _reply(reader, timeout)
    finally:
        writer.close()


def _worker(host, port, concurrency, seconds, size, queue) -> None:
    body = (b"Subject: bench\r\n\r\n" + b"x" * 76 + b"\r\n") * max(1, size // 96)
    stats = {"ok": 0, "err": 0, "lat": []}

    async def run() -> None:
        deadline = time.monotonic() + seconds
        tasks = [_session(host, port, body, deadline, 10.0, stats) for _ in range(concurrency)]
        for result in await asyncio.gather(*tasks, return_exceptions=True):
            if isinstance(result, BaseException):
                stats["err"] += 1

    asyncio.run(run())
    queue.put(stats)


def _wait_listening(port: int, timeout: float = 10.0) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {port}")


def measure(name: str, argv: list[str], port: int, maildir: Path, args) -> dict:
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_listening(port)
        queue: mp.Queue = mp.Queue()
        per = max(1, args.concurrency // args.workers)
        procs = [mp.Process(target=_worker, args=("127.0.0.1", port, per, args.seconds, args.size, queue))
                 for _ in range(args.workers)]
        started = time.monotonic()
        for p in procs:
            p.start()
        results = [queue.get(timeout=args.seconds + 60) for _ in procs]
        for p in procs:
            p.join(10)
        elapsed = time.monotonic() - started
    finally:
        proc.terminate()
        proc.wait(10)
    ok = sum(r["ok"] for r in results)
    lat = sorted(x for r in results for x in r["lat"])
    files = sum(1 for f in (maildir / "new").iterdir()) if (maildir / "new").exists() else 0
    return {"server": name, "messages": ok, "errors": sum(r["err"] for r in results), "seconds": round(elapsed, 2),
            "msg_per_s": round(ok / args.seconds, 1), "delivered_files": files,
            "p50_ms": round(statistics.median(lat) * 1000, 2) if lat else None,
            "p99_ms": round(lat[int(len(lat) * 0.99) - 1] * 1000, 2) if lat else None}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--concurrency", type=int, default=8, help="sessions in flight (in total)")
    p.add_argument("--workers", type=int, default=2, help="load generator processes")
    p.add_argument("--size", type=int, default=2048, help="approximate message size in octets")
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="smtp-bench-") as tmp:
        rows = []
        for name in ("reference", "aiosmtpd"):
            port = free_port()
            maildir = Path(tmp) / name
            if name == "reference":
                argv = [sys.executable, "-m", "reference_servers.smtp", "--port", str(port), "--maildir", str(maildir)]
            else:
                argv = [sys.executable, str(ROOT / "tests/real/aiosmtpd_maildir.py"), "--port", str(port),
                        "--maildir", str(maildir)]
            rows.append(measure(name, argv, port, maildir, args))
        print(f"{args.concurrency} sessions, {args.workers} load processes, ~{args.size}-octet messages, "
              f"{args.seconds:g} s each, one transaction after another per session")
        for row in rows:
            print("  " + "  ".join(f"{k}={v}" for k, v in row.items()))


if __name__ == "__main__":
    main()
