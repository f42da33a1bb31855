"""Test support for the fuzz and fault-injection suites (tests/fuzz, tests/faults).

- `hostile`: hypothesis strategies for hostile relation-data values and raw databag strings;
- `databags`: one strategy per remote databag a charm reads;
- `cluster`: a fresh, started KubeDouble per example with KUBECONFIG pointing at it, and
  helpers that compare what is stored;
- `configurator` / `integrator`: each charm's world (Context, baseline cluster, relations).
"""
