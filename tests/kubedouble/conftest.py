"""Shared fixtures for the KubeDouble's own tests."""

from __future__ import annotations

import lightkube
import pytest

from kubedouble import KubeDouble


@pytest.fixture
def client(kube: KubeDouble) -> lightkube.Client:
    """A lightkube client on the `kube` double, writing as field manager `tester`."""
    return kube.client(field_manager="tester")
