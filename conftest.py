"""Loads the netconformance plugin from this checkout (it is never installed as a top-level package,
so it cannot shadow the PyPI distribution named ``fixtures``)."""

pytest_plugins = ["fixtures.plugin"]
