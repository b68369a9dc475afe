"""A server's verdict does not depend on the transport it is tested over: the same program, judged over TCP
and over AF_UNIX, gets the same outcome and the same requirement ids.  Over AF_UNIX a write to a server that
has closed fails at once (EPIPE), while over TCP the first write after the server's FIN still succeeds and
the close shows on the next read; the driver judges both by what the server sent and when it closed."""

from __future__ import annotations

import pytest
from harness import run_scenarios, selector

#: greets with 554 (refuses service, RFC 5321 §3.1) and closes at once instead of waiting for QUIT
REFUSE_AND_CLOSE = r'''
import os, socket, sys
if sys.argv[1] == "--unix":
    if os.path.exists(sys.argv[2]):
        os.unlink(sys.argv[2])
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(sys.argv[2])
else:
    listener = socket.create_server(("127.0.0.1", int(sys.argv[2])))
listener.listen(16)
while True:
    conn, _ = listener.accept()
    try:
        conn.sendall(b"554 example.test no SMTP service here\r\n")
    except OSError:
        pass
    conn.close()
'''


@pytest.mark.timeout(300)
def test_refuse_and_close_gets_the_same_verdict_over_tcp_and_unix(tmp_path):
    script = tmp_path / "refuse_and_close.py"
    script.write_text(REFUSE_AND_CLOSE)
    verdicts = {}
    for how in ("--port {port}", "--unix {path}"):
        report = run_scenarios(["--protocol", "smtp", "--server", f"smtp=name=refuser,cmd:{{python}} {script} {how}",
                                *selector(["smtp-server-refuse-mode"])], files=["smtp_server_greeting.py"])
        [result] = [r for r in report["results"] if r["scenario"] == "smtp-server-refuse-mode"]
        verdicts[how] = (result["outcome"], result["grade"], sorted(result["failed_requirements"]))
    # RFC 5321 §3.1 (SMTP-CONN-2): after a 554 greeting the server must wait for QUIT; it closed instead
    assert verdicts["--port {port}"] == verdicts["--unix {path}"] == ("failed", "fail", ["SMTP-CONN-2", "SMTP-QUIT-2"]), \
        verdicts
