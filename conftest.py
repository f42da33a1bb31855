"""Repository-wide pytest configuration: the API double's and the real API server's fixtures."""

pytest_plugins = ["kubedouble.fixtures", "realapi.fixtures"]

# The real-Juju suite has its own dependencies and settings (tox -e integration, which points
# pytest at tests/integration/pytest.ini); a plain `pytest` here must not try to collect it.
collect_ignore = ["tests/integration"]
