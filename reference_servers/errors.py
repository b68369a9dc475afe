"""The one exception hierarchy of netconformance.

Every error the suite raises on purpose derives from :class:`NetConformanceError`::

    NetConformanceError
    ├── ProtocolError          bytes on the wire violate a protocol's syntax (raised by wire modules)
    │   └── IncompleteError    more bytes are needed before a unit can be parsed
    ├── ScenarioFailure        the target does not conform (outcome ``failed``)
    ├── HarnessError           the harness could not run the scenario (outcome ``error``)
    │   ├── TargetSpecError    a ``--server``/``--client`` spec is malformed (usage error, exit 2)
    │   └── TargetStartError   a launched target never listened, crashed or exited early
    └── NotApplicable          the target cannot take this scenario (outcome ``not-applicable``)

It lives on the ground floor (it imports nothing but the standard library), so wire modules and reference
servers use it without pulling in pytest or the suite; :mod:`conformance.errors` re-exports it for the
scenarios and the harness.
"""

from __future__ import annotations


class NetConformanceError(Exception):
    """Base class of every error raised on purpose by netconformance."""


class ProtocolError(NetConformanceError):
    """Bytes violate the syntax of a protocol.

    Raised by the sans-I/O wire modules (``reference_servers.<proto>.wire``).  ``requirement`` names the
    catalog requirement id the bytes break, when there is one.
    """

    def __init__(self, message: str, *, requirement: str | None = None) -> None:
        super().__init__(message)
        self.requirement = requirement


class IncompleteError(ProtocolError):
    """The buffer holds a prefix of a unit: more bytes must arrive before it can be parsed."""


class ScenarioFailure(NetConformanceError, AssertionError):
    """The target does not conform: the scenario's verdict is ``failed``.

    ``requirements`` are the catalog ids the failure is tied to; the message says what was sent, what
    was expected and what arrived.  It subclasses :class:`AssertionError` so that plain pytest counts it
    as a failure, not an error.
    """

    def __init__(self, message: str, *, requirements: tuple[str, ...] | list[str] = ()) -> None:
        super().__init__(message)
        self.requirements = tuple(requirements)


class HarnessError(NetConformanceError):
    """The harness could not run the scenario (outcome ``error``): not a verdict on the target."""


class TargetSpecError(HarnessError, ValueError):
    """A target spec given with ``--server``/``--client`` is malformed."""


class TargetStartError(HarnessError):
    """A launched target did not become ready: it never listened, crashed at start or exited early."""


class NotApplicable(NetConformanceError):
    """The target cannot take this scenario (no such transport, no document root, no raw sockets...)."""
