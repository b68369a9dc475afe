"""Testable requirements, in our own words, keyed by stable id (``TIME-FMT-2``).

Each protocol has a module here defining ``ROWS``: a list of :class:`Requirement`.  Ids never change
meaning; a retired one stays with ``strength="retired"``.  Strengths: ``MUST``, ``MUST (def)`` (the
protocol is defined that way), ``derived`` (follows from a MUST plus transport semantics; treated as
MUST), ``SHOULD``, ``MAY``, ``de-facto`` (what interoperability needs; our references claim it).
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass

#: source of the echo, daytime and time clients' exit-status rows (ECHO-CLIENT-1, DAYTIME-CLIENT-1, TIME-CLIENT-1)
CLIENT_CONTRACT = ("The exit status is the suite's client contract (docs/design.md §5: the answer on stdout, a failure "
                   "as a non-zero exit status), not the RFC's, which defines the server only: a client that claims "
                   "success after a broken exchange is graded as a warning")


@dataclass(frozen=True)
class Requirement:
    id: str
    role: str  # "server", "client" or "both"
    strength: str
    ref: str  # RFC and section
    text: str  # the requirement, in our words
    #: the RFC's own sentence behind the row's strength, quoted (every MUST, MUST (def) and derived row
    #: that a scenario can fail carries one: a ``fail`` grade must be defensible with it); for a local
    #: policy or a de-facto row, why it is graded as it is
    source: str = ""

    @property
    def mandatory(self) -> bool:
        """True for MUST, MUST (def) and derived requirements."""
        return self.strength.startswith("MUST") or self.strength == "derived"


def _load() -> dict[str, Requirement]:
    table: dict[str, Requirement] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for row in getattr(module, "ROWS", ()):
            if row.id in table:
                raise ValueError(f"requirement {row.id} defined twice")
            table[row.id] = row
    return table


REQUIREMENTS: dict[str, Requirement] = _load()


