"""Serve one of xinetd's internal services (echo, daytime, time) on a port, TCP and UDP, for the verdicts of
tests/test_real_implementations.py: write an xinetd configuration into the scenario's work directory and
exec xinetd in the foreground on it.  Standard library only, so it starts without site (``-I -S``).

    python tests/real/xinetd_launch.py NAME PORT WORKDIR
"""

import os
import shutil
import sys

SERVICE = """service {name}
{{
    type        = INTERNAL UNLISTED
    id          = {name}-{kind}
    socket_type = {kind}
    protocol    = {proto}
    port        = {port}
    bind        = 127.0.0.1
    wait        = {wait}
{user}}}
"""


def main(name: str, port: str, workdir: str) -> None:
    user = "    user        = root\n" if os.geteuid() == 0 else ""
    conf = os.path.join(workdir, f"xinetd-{name}.conf")
    with open(conf, "w") as f:
        f.write(f"defaults\n{{\n    log_type = FILE {os.path.join(workdir, 'xinetd.log')}\n}}\n" + "".join(
            SERVICE.format(name=name, kind=kind, proto=proto, port=port, wait=wait, user=user)
            for kind, proto, wait in (("stream", "tcp", "no"), ("dgram", "udp", "yes"))))
    xinetd = shutil.which("xinetd") or "/usr/sbin/xinetd"
    os.execv(xinetd, [xinetd, "-dontfork", "-stayalive", "-f", conf, "-pidfile", os.path.join(workdir, "xinetd.pid")])


if __name__ == "__main__":
    main(*sys.argv[1:4])
