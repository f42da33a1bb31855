"""Repository-wide pytest configuration: load the Kubernetes API double's fixtures."""

pytest_plugins = ["kubedouble.fixtures"]
