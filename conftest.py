"""Loads the netconformance plugins from this checkout (they are never installed as a top-level package,
so they cannot shadow the PyPI distribution named ``fixtures``): the harness, and the raw-packets tier."""

pytest_plugins = ["fixtures.plugin", "fixtures.rawplugin"]
