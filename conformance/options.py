"""The one table of run options, shared by ``netconformance run`` and the pytest plugin.

Each :class:`Option` is declared once: :func:`add_to_argparse` builds the CLI's ``run`` parser from the
table and :func:`add_to_pytest` the plugin's option group, so the two cannot drift apart.  The CLI hands
the values it parsed to pytest as they are (``config.option`` attributes, see :mod:`conformance.cli`):
nothing is turned back into command-line words and parsed a second time.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Option:
    """One run option.

    ``flags`` are its spellings on ``netconformance run``; ``pytest_flags`` its spellings on pytest
    (``None``: the same; ``()``: CLI only).  ``dest`` is the attribute name on both (pytest's
    ``config.option``), ``kwargs`` the ``add_argument`` keywords (type, default, metavar, action...).
    """

    flags: tuple[str, ...]
    dest: str
    help: str
    kwargs: dict = field(default_factory=dict)
    pytest_flags: tuple[str, ...] | None = None

    @property
    def on_pytest(self) -> tuple[str, ...]:
        return self.flags if self.pytest_flags is None else self.pytest_flags


SPEC = "PROTO[/TRANSPORT]=[name=NAME,]SPEC"

RUN_OPTIONS: tuple[Option, ...] = (
    Option(("--server",), "server",
           "a server under test (repeatable): ref, cmd:TEMPLATE, inetd:TEMPLATE, fd:TEMPLATE, tcp://HOST:PORT, "
           "udp://HOST:PORT, unix:PATH (AF_UNIX stream) or unixgram:PATH (AF_UNIX datagram); "
           "without --server/--client every scenario runs against the references",
           {"action": "append", "default": [], "metavar": SPEC}),
    Option(("--client",), "client", "a client under test (repeatable): ref or cmd:TEMPLATE",
           {"action": "append", "default": [], "metavar": SPEC}),
    Option(("--protocol",), "protocol", "only this protocol's scenarios (repeatable): echo, daytime, time, gopher, http, smtp",
           {"action": "append", "default": [], "metavar": "PROTO"}),
    Option(("--scenario",), "nc_scenario",
           "only scenarios whose id matches (repeatable): an id, a prefix (smtp-server-) or a glob (*-udp-*)",
           {"action": "append", "default": [], "metavar": "ID"}),
    Option(("--requirement",), "nc_requirement",
           "only scenarios that check this requirement (repeatable): an id, a prefix (SMTP-PIPE-) or a glob",
           {"action": "append", "default": [], "metavar": "ID"}),
    Option(("--family",), "nc_family",
           "address family of the loopback the suite gives launched targets and where its peers listen: 4 "
           "(127.0.0.1, default), 6 (::1), unix (AF_UNIX socket paths: {path} in a cmd: template), both (4 and 6: "
           "every target twice, the IPv6 run named NAME-ipv6) or all (4, 6 and unix, the AF_UNIX run named NAME-unix)",
           {"choices": ("4", "6", "unix", "both", "all"), "default": "4"}),
    Option(("--conformance-timeout",), "conformance_timeout",
           "base wait T in seconds; every scenario wait is a multiple of it (default 0.5)",
           {"type": float, "default": 0.5, "metavar": "SECONDS"}),
    Option(("--client-timeout",), "client_timeout",
           "seconds a client under test gets per exchange before it counts as hung (default 20)",
           {"type": float, "default": 20.0, "metavar": "SECONDS"}),
    Option(("--startup-timeout",), "startup_timeout",
           "seconds a launched server gets to start listening (default 10)",
           {"type": float, "default": 10.0, "metavar": "SECONDS"}),
    Option(("--smtp-domain",), "smtp_domain",
           "mail domain of the SMTP scenarios' recipients; an SMTP server under test must accept any local part "
           "at it (default example.test; {domain} in a cmd: template)",
           {"default": "example.test", "metavar": "DOMAIN"}),
    Option(("--seed",), "seed", "seed of every randomised choice (default: random, printed in the header)",
           {"type": int, "default": None, "metavar": "N"}),
    Option(("--json",), "netconformance_json", "write the JSON report (schema netconformance.report/2) to FILE",
           {"default": None, "metavar": "FILE"}),
    Option(("--html",), "netconformance_html", "write the self-contained HTML report to FILE",
           {"default": None, "metavar": "FILE"}, pytest_flags=("--conformance-html",)),
    Option(("--baseline",), "nc_baseline",
           "a baseline of known failures (TOML, from `netconformance baseline`): only new failures fail the run, "
           "and known failures that now pass are listed",
           {"default": None, "metavar": "FILE"}, pytest_flags=()),
)


def add_to_argparse(parser: argparse.ArgumentParser) -> None:
    """Add every option of the table to a CLI parser (defaults ``None``: unset means the plugin's default)."""
    for opt in RUN_OPTIONS:
        kwargs = dict(opt.kwargs)
        kwargs["default"] = [] if kwargs.get("action") == "append" else None
        parser.add_argument(*opt.flags, dest=opt.dest, help=opt.help, **kwargs)


def add_to_pytest(group) -> None:
    """Add every option of the table that pytest takes to the plugin's option group."""
    for opt in RUN_OPTIONS:
        if opt.on_pytest:
            group.addoption(*opt.on_pytest, dest=opt.dest, help=opt.help, **opt.kwargs)


def preset(namespace: argparse.Namespace) -> dict:
    """The values a CLI run sets on pytest's ``config.option``: every table option that was given."""
    values = {}
    for opt in RUN_OPTIONS:
        value = getattr(namespace, opt.dest, None)
        if opt.on_pytest and value not in (None, []):
            values[opt.dest] = value
    return values
