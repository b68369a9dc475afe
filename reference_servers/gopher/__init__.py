"""Gopher (RFC 1436, with the de-facto ``i``, ``h`` and ``URL:`` conventions).

Modules: :mod:`.wire` (sans-I/O parsing and formatting), :mod:`.menu` (document root to items),
:mod:`.peer` (behaviours and a scripted peer for client scenarios), :mod:`.server` (the reference
server, ``python -m reference_servers.gopher``), :mod:`.client` (the reference client,
``python -m reference_servers.gopher.client``).
"""
