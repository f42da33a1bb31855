"""Benchmark of both charms against the Kubernetes API double (`tox -e bench`).

Measures hook wall time per event kind, API requests per event, the cost of one hook in a fresh
Python process, and the events from `juju integrate` to a published URL; asserts the zero-write
steady state. docs/explanation/scale.md explains the figures.
"""
