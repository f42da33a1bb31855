"""Where the Gateway API CRD files come from.

Lookup order for a release `<version>` (e.g. "v1.6.1"):

1. `$GATEWAY_API_CRDS_DIR/<version>/` when the variable is set (no fallback: a set variable
   that points nowhere is a mistake worth an error);
2. `../shared/crds/gateway-api/<version>/` next to the repository (the copy kept for machines
   with no network);
3. `<repo>/.cache/gateway-api-crds/<version>/` when an earlier run filled it;
4. the release's `standard-install.yaml`, downloaded and split into that cache.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ENV_VAR = "GATEWAY_API_CRDS_DIR"
RELEASE_URL = "https://github.com/kubernetes-sigs/gateway-api/releases/download/{version}/standard-install.yaml"
DOWNLOAD_TIMEOUT_S = 5.0

# tests/support/kubedouble/validation/crd_source.py -> the repository root is four levels up.
REPO_ROOT = Path(__file__).resolve().parents[4]

_VERSION = re.compile(r"^v\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$")

# Replaced in tests; the signature of urllib.request.urlopen that we use.
urlopen: Callable[..., Any] = urllib.request.urlopen


class CrdNotFoundError(RuntimeError):
    """The CRDs for a release are nowhere to be found and could not be downloaded."""


def crd_dir(version: str, *, root: Path | None = None) -> Path:
    """Return the folder holding the CRD YAML files of Gateway API release `version`."""
    if not _VERSION.match(version):
        raise CrdNotFoundError(f"not a Gateway API release tag: {version!r} (expected vX.Y.Z)")
    root = root or REPO_ROOT
    env = os.environ.get(ENV_VAR)
    if env:
        folder = Path(env) / version
        if _has_yaml(folder):
            return folder
        raise CrdNotFoundError(
            f"{ENV_VAR}={env} but {folder} holds no CRD YAML files; put the Gateway API "
            f"{version} CRDs there or unset {ENV_VAR}"
        )
    for folder in (
        root.parent / "shared" / "crds" / "gateway-api" / version,
        cache_dir(root) / version,
    ):
        if _has_yaml(folder):
            return folder
    url = RELEASE_URL.format(version=version)
    try:
        return _download(url, cache_dir(root) / version)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise CrdNotFoundError(
            f"Gateway API {version} CRDs not found and the download of {url} failed ({exc}). "
            f"Put the CRD YAML files in <dir>/{version}/ and set {ENV_VAR}=<dir>, "
            f"or place them in {cache_dir(root) / version}/"
        ) from exc


def cache_dir(root: Path) -> Path:
    """The git-ignored folder downloaded releases are split into."""
    return root / ".cache" / "gateway-api-crds"


def _has_yaml(folder: Path) -> bool:
    return folder.is_dir() and any(folder.glob("*.yaml"))


def _download(url: str, target: Path) -> Path:
    with urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response:
        body = response.read()
    crds = [
        doc
        for doc in yaml.safe_load_all(body)
        if isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition"
    ]
    if not crds:
        raise ValueError(f"{url} holds no CustomResourceDefinition")
    # Write beside the target, then rename: a half-written cache must never count as filled.
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".partial-", dir=target.parent))
    try:
        for crd in crds:
            name = str(crd["metadata"]["name"])  # e.g. gateways.gateway.networking.k8s.io
            plural, _, group = name.partition(".")
            (staging / f"{group}_{plural}.yaml").write_text(yaml.safe_dump(crd, sort_keys=False))
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return target
