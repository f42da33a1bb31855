"""Where CRDs are found: env var, the shared folder, the cache, then the release download."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import yaml

from kubedouble.validation import ENV_VAR, CrdNotFoundError, Validator, crd_dir, crd_source

CRD = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com"},
    "spec": {
        "group": "example.com",
        "names": {"kind": "Widget", "plural": "widgets"},
        "scope": "Namespaced",
        "versions": [
            {
                "name": "v1",
                "served": True,
                "storage": True,
                "schema": {"openAPIV3Schema": {"type": "object"}},
            }
        ],
    },
}


def fill(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "example.com_widgets.yaml").write_text(yaml.safe_dump(CRD))
    return folder


class FakeResponse(io.BytesIO):
    def __enter__(self) -> FakeResponse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository root with no shared folder beside it and no cache."""
    monkeypatch.delenv(ENV_VAR, raising=False)
    root = tmp_path / "main"
    root.mkdir()
    return root


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record download attempts and fail them, as on a machine with no network."""
    calls: list[str] = []

    def refuse(url: str, timeout: float) -> Any:
        calls.append(url)
        raise OSError("network unreachable")

    monkeypatch.setattr(crd_source, "urlopen", refuse)
    return calls


def test_env_var_folder_wins(
    tmp_path: Path, repo: Path, monkeypatch: pytest.MonkeyPatch, no_network: list[str]
) -> None:
    fill(tmp_path / "crds" / "v9.9.9")
    fill(repo.parent / "shared" / "crds" / "gateway-api" / "v9.9.9")
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "crds"))
    assert crd_dir("v9.9.9", root=repo) == tmp_path / "crds" / "v9.9.9"


def test_env_var_without_the_version_is_an_error(
    tmp_path: Path, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    with pytest.raises(CrdNotFoundError, match=ENV_VAR):
        crd_dir("v9.9.9", root=repo)


def test_shared_folder_beside_the_repository_is_used(repo: Path, no_network: list[str]) -> None:
    shared = fill(repo.parent / "shared" / "crds" / "gateway-api" / "v9.9.9")
    assert crd_dir("v9.9.9", root=repo) == shared
    assert no_network == []


def test_filled_cache_is_used(repo: Path, no_network: list[str]) -> None:
    cached = fill(repo / ".cache" / "gateway-api-crds" / "v9.9.9")
    assert crd_dir("v9.9.9", root=repo) == cached
    assert no_network == []


def test_release_is_downloaded_and_split_into_the_cache(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "gateway-system"}}
    body = yaml.safe_dump_all([other, CRD]).encode()
    urls: list[str] = []

    def serve(url: str, timeout: float) -> FakeResponse:
        urls.append(url)
        return FakeResponse(body)

    monkeypatch.setattr(crd_source, "urlopen", serve)
    folder = crd_dir("v9.9.9", root=repo)
    assert urls == [
        "https://github.com/kubernetes-sigs/gateway-api/releases/download/v9.9.9/"
        "standard-install.yaml"
    ]
    assert folder == repo / ".cache" / "gateway-api-crds" / "v9.9.9"
    assert [p.name for p in folder.iterdir()] == ["example.com_widgets.yaml"]


def test_failed_download_says_where_to_put_the_files(repo: Path, no_network: list[str]) -> None:
    with pytest.raises(CrdNotFoundError, match=ENV_VAR) as raised:
        crd_dir("v9.9.9", root=repo)
    assert "network unreachable" in str(raised.value)
    assert not (repo / ".cache" / "gateway-api-crds" / "v9.9.9").exists()


def test_version_must_be_a_release_tag(repo: Path) -> None:
    with pytest.raises(CrdNotFoundError, match="release tag"):
        crd_dir("../etc", root=repo)


def test_any_crd_in_the_folder_is_served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fill(tmp_path / "v9.9.9")
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    types = Validator("v9.9.9").resource_types()
    assert ("example.com/v1", "Widget") in {(t.api_version, t.kind) for t in types}


def test_default_lookup_finds_the_shared_crds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert any(crd_dir("v1.6.1").glob("*httproutes.yaml"))
