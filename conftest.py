"""Repository-wide pytest configuration: load the Kubernetes API double's fixtures."""

pytest_plugins = ["kubedouble.fixtures"]

# The real-Juju suite has its own dependencies and settings (tox -e integration, which points
# pytest at tests/integration/pytest.ini); a plain `pytest` here must not try to collect it.
collect_ignore = ["tests/integration"]
