"""The scenario registry: what each scenario checks, under which stable id.

A scenario is a pytest test function decorated with :func:`scenario`.  The decorator records its
metadata in :data:`REGISTRY` (so ``python -m conformance list`` can print the catalog without running
anything) and marks the function so the plugin parametrizes it over targets and transports.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from conformance.protocols import CATEGORIES, PROTOCOLS, ROLES
from conformance.requirements import REQUIREMENTS

MARK = "netconformance_scenario"


@dataclass(frozen=True)
class Scenario:
    """Metadata of one scenario.

    ``id`` is stable across releases (reports and CI history key on it).  ``requirements`` are catalog
    ids; the first is the one a failure is mainly about.  ``transports`` is the subset of the protocol's
    transports the scenario applies to.  ``needs`` lists what the target must offer beyond an address
    (``launch``: the suite must start the target itself, e.g. to inject a clock).
    """

    id: str
    protocol: str
    role: str
    category: str
    requirements: tuple[str, ...]
    transports: tuple[str, ...]
    title: str
    description: str = ""
    needs: tuple[str, ...] = field(default=())
    function: str = ""


REGISTRY: dict[str, Scenario] = {}


def scenario(
    id: str,
    *,
    protocol: str,
    role: str,
    category: str,
    requirements: Iterable[str],
    transports: Iterable[str] | None = None,
    needs: Iterable[str] = (),
) -> Callable:
    """Declare a scenario (see :class:`Scenario`).  The function's docstring is its description: first
    line the title, the rest what it does and why.

    Raises:
        ValueError: unknown protocol, role, category, transport or requirement id, or a duplicate id.
    """
    if protocol not in PROTOCOLS:
        raise ValueError(f"scenario {id}: unknown protocol {protocol!r}")
    if role not in ROLES:
        raise ValueError(f"scenario {id}: unknown role {role!r}")
    if category not in CATEGORIES:
        raise ValueError(f"scenario {id}: unknown category {category!r}")
    reqs = tuple(requirements)
    unknown = [r for r in reqs if r not in REQUIREMENTS or REQUIREMENTS[r].strength == "retired"]
    if unknown or not reqs:
        raise ValueError(f"scenario {id}: unknown requirement ids {unknown}" if unknown else f"scenario {id}: no requirement ids")
    proto_transports = PROTOCOLS[protocol].transports
    trs = tuple(transports or proto_transports)
    if not set(trs) <= set(proto_transports):
        raise ValueError(f"scenario {id}: {protocol} has no transport in {trs}")

    def decorate(fn: Callable) -> Callable:
        doc = inspect.getdoc(fn) or ""
        title, _, rest = doc.partition("\n")
        meta = Scenario(id, protocol, role, category, reqs, trs, title.strip() or fn.__name__,
                        rest.strip(), tuple(needs), f"{fn.__module__}.{fn.__qualname__}")
        existing = REGISTRY.get(id)
        if existing is not None and existing.function != meta.function:
            raise ValueError(f"scenario id {id} used twice: {existing.function} and {meta.function}")
        REGISTRY[id] = meta
        import pytest

        # the harness's per-scenario context (seeded random, transcript, artifacts): scenarios only, so
        # the plugin adds no fixture to a user's own tests
        return pytest.mark.usefixtures("_nc_scenario_context")(getattr(pytest.mark, MARK)(meta)(fn))

    return decorate


#: where the scenario modules live (found by path: the catalog loads them by name, it does not import up)
SCENARIOS_DIR = Path(__file__).resolve().parent / "scenarios"
SCENARIOS_PACKAGE = "conformance.scenarios"


def load_all() -> dict[str, Scenario]:
    """Import every scenario module (``conformance/scenarios/test_*.py``); return the registry."""
    for info in pkgutil.iter_modules([str(SCENARIOS_DIR)]):
        if info.name.startswith("test_"):
            importlib.import_module(f"{SCENARIOS_PACKAGE}.{info.name}")
    return REGISTRY
