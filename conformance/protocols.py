"""The protocols the suite knows, and how to reach their reference implementations.

A reference server class is built as ``Cls(host, port, transports=..., idle_timeout=..., **context)``
where ``context`` holds what :attr:`Protocol.needs` names (``root``: a document root; ``maildir``: a
delivery directory) plus scenario options (``clock``, ``behaviour``) the class accepts.  A reference
client is ``python -m reference_servers.<name>.client`` with the argument list its module exports as
``CONTRACT_ARGS`` (placeholders as in docs/design.md §3), so it is launched exactly as a user's client would be.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

CATEGORIES = (
    "protocol", "partial-reads", "timeouts", "nonblocking", "datagram-loss", "byte-order",
    "raw-packets", "robustness", "concurrency", "security",
)
ROLES = ("server", "client")


@dataclass(frozen=True)
class Protocol:
    name: str
    transports: tuple[str, ...]
    default_port: int
    server_class: str  # "module:Class"
    needs: tuple[str, ...] = ()

    def load_server_class(self):
        """Import the reference server class.  Raises ImportError when the protocol is not built yet."""
        module, _, cls = self.server_class.partition(":")
        return getattr(importlib.import_module(module), cls)

    @property
    def client_module(self) -> str:
        return f"reference_servers.{self.name}.client"

    def client_contract_args(self) -> list[str]:
        """The reference client's argument template (its module's ``CONTRACT_ARGS``)."""
        return list(importlib.import_module(self.client_module).CONTRACT_ARGS)


PROTOCOLS: dict[str, Protocol] = {
    p.name: p
    for p in (
        Protocol("echo", ("tcp", "udp"), 7, "reference_servers.echo.server:EchoServer"),
        Protocol("daytime", ("tcp", "udp"), 13, "reference_servers.daytime.server:DaytimeServer"),
        Protocol("time", ("tcp", "udp"), 37, "reference_servers.time.server:TimeServer"),
        Protocol("gopher", ("tcp",), 70, "reference_servers.gopher.server:GopherServer", ("root",)),
        Protocol("http", ("tcp",), 80, "reference_servers.http.server:HttpServer", ("root",)),
        Protocol("smtp", ("tcp",), 25, "reference_servers.smtp.server:SmtpServer", ("maildir",)),
    )
}
