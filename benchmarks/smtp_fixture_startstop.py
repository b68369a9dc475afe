"""Start+stop time of the SMTP reference server as an in-process fixture, against aiosmtpd's ``Controller``.

Not run by CI.  Both are measured the same way, the way a pytest fixture uses them: construct, start (the
server is listening when ``start()`` returns), one SMTP greeting read to prove it, stop; ``--rounds``
times each, alternating, reporting median and p90 in milliseconds.  Both deliver into a Maildir.

    python benchmarks/smtp_fixture_startstop.py [--rounds 30]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "real"))

from netconformance_fixtures.ports import free_port
from reference_servers.smtp.server import SmtpServer


def _greeting(host: str, port: int) -> None:
    with socket.create_connection((host, port), timeout=5) as s:
        assert s.recv(512).startswith(b"220")


def reference(maildir: Path) -> tuple[float, float]:
    t0 = time.perf_counter()
    srv = SmtpServer(maildir=maildir).start()
    t1 = time.perf_counter()
    _greeting(*srv.address())
    t2 = time.perf_counter()
    srv.stop()
    t3 = time.perf_counter()
    return t1 - t0, t3 - t2


def aiosmtpd(maildir: Path) -> tuple[float, float]:
    from aiosmtpd.controller import Controller
    from aiosmtpd_maildir import MaildirHandler

    port = free_port()
    t0 = time.perf_counter()
    ctl = Controller(MaildirHandler(str(maildir)), hostname="127.0.0.1", port=port)
    ctl.start()
    t1 = time.perf_counter()
    _greeting("127.0.0.1", port)
    t2 = time.perf_counter()
    ctl.stop()
    t3 = time.perf_counter()
    return t1 - t0, t3 - t2


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=30)
    args = p.parse_args()
    results: dict[str, list[tuple[float, float]]] = {"reference SmtpServer": [], "aiosmtpd Controller": []}
    with tempfile.TemporaryDirectory(prefix="smtp-startstop-") as tmp:
        for i in range(args.rounds):
            results["reference SmtpServer"].append(reference(Path(tmp) / f"r{i}"))
            results["aiosmtpd Controller"].append(aiosmtpd(Path(tmp) / f"a{i}"))
    print(f"{args.rounds} rounds each (alternating); milliseconds")
    for name, rows in results.items():
        start = sorted(r[0] * 1000 for r in rows)
        stop = sorted(r[1] * 1000 for r in rows)
        total = sorted((r[0] + r[1]) * 1000 for r in rows)
        p90 = int(len(total) * 0.9) - 1
        print(f"  {name:22s} start median {statistics.median(start):7.2f}  stop median {statistics.median(stop):7.2f}  "
              f"start+stop median {statistics.median(total):7.2f}  p90 {total[p90]:7.2f}")


if __name__ == "__main__":
    main()
