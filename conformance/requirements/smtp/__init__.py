"""SMTP requirements (RFC 5321 with RFC 821 history, SIZE RFC 1870, PIPELINING RFC 2920, 8BITMIME RFC 6152,
ENHANCEDSTATUSCODES RFC 2034), in our own words.  Section numbers are RFC 5321 unless another RFC is named.

The rows live in one module per part: :mod:`.core` (RFC 5321 and the RFC 821 history notes),
:mod:`.core_sources` (the RFC sentences behind them) and :mod:`.extensions` (PIPELINING, SIZE, 8BITMIME,
ENHANCEDSTATUSCODES, rows and sentences).  ``ROWS`` keeps the catalog order of the single module they came from."""

from dataclasses import replace

from .core import CORE_ROWS, HISTORY_ROWS
from .core_sources import CORE_SOURCES
from .extensions import EXTENSION_ROWS, EXTENSION_SOURCES

ROWS = [*CORE_ROWS, *EXTENSION_ROWS, *HISTORY_ROWS]

SOURCES = {**CORE_SOURCES, **EXTENSION_SOURCES}
ROWS = [replace(r, source=SOURCES[r.id]) if r.id in SOURCES and not r.source else r for r in ROWS]
