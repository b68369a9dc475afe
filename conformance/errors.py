"""The one exception hierarchy of netconformance (defined in :mod:`reference_servers.errors`, the ground
floor, so that the references and wire modules import nothing from this package); re-exported here."""

from reference_servers.errors import (
    HarnessError,
    IncompleteError,
    NetConformanceError,
    NotApplicable,
    ProtocolError,
    ScenarioFailure,
    TargetSpecError,
    TargetStartError,
)

__all__ = ["HarnessError", "IncompleteError", "NetConformanceError", "NotApplicable", "ProtocolError",
           "ScenarioFailure", "TargetSpecError", "TargetStartError"]
