"""What `charmcraft pack` installs is what the tests ran, and every piece of it can be installed.

Each charm's requirements.txt is its lock (`make lock` resolves it from the `dependencies` in the
charm's pyproject.toml): every runtime package, direct or not, pinned with `==`. The tests install
it through requirements-test.txt; charmcraft's `charm` plugin installs it in strict mode, which
runs `pip install --no-deps` over it and then `pip check`, taking the packages named in
`charm-binary-python-packages` from binary wheels and building every other one from its sdist
(`--no-binary`, charmcraft's `charm_builder.py` and `utils/package.py`).

So the lock must be complete and consistent for the packed charm's Python (3.12 on x86_64
Ubuntu 24.04) as well as for the tests' Python; every package with compiled code must be listed
as binary, spelled as in the lock, and have a wheel for that platform; every other package must
have an sdist. The last two ask the package index (PyPI, or PIP_INDEX_URL's simple API).
"""

from __future__ import annotations

import json
import os
import re
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging import tags
from packaging.markers import Marker, default_environment
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
CHARMS = ("gateway-api-integrator", "gateway-route-configurator")

# The packed charm runs Ubuntu 24.04's python3 (3.12.3, glibc 2.39) on amd64.
PACK_PYTHON = Version("3.12.3")
PACK_ENV = {
    "implementation_name": "cpython",
    "implementation_version": str(PACK_PYTHON),
    "os_name": "posix",
    "platform_machine": "x86_64",
    "platform_python_implementation": "CPython",
    "platform_system": "Linux",
    "python_full_version": str(PACK_PYTHON),
    "python_version": "3.12",
    "sys_platform": "linux",
}
PACK_PLATFORMS = [
    *(f"manylinux_2_{minor}_x86_64" for minor in range(39, 4, -1)),
    "manylinux2014_x86_64",
    "manylinux2010_x86_64",
    "manylinux1_x86_64",
]
PACK_TAGS = frozenset(
    [
        *tags.cpython_tags((3, 12), abis=["cp312"], platforms=PACK_PLATFORMS),
        *tags.compatible_tags((3, 12), "cp312", PACK_PLATFORMS),
    ]
)
# The Python running these tests, which installs the same lock.
TESTS_ENV = {key: str(value) for key, value in default_environment().items()}
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"


@dataclass(frozen=True)
class Pin:
    """One line of a lock: `name==version`, maybe under an environment marker."""

    name: str  # as spelled in the file: charmcraft compares spellings, not normalised names
    version: str
    marker: Marker | None

    @property
    def key(self) -> str:
        return canonicalize_name(self.name)

    def applies(self, env: Mapping[str, str]) -> bool:
        return self.marker is None or self.marker.evaluate({**env, "extra": ""})

    def __str__(self) -> str:
        return f"{self.name}=={self.version}"


def read_lock(path: Path) -> list[Pin]:
    """Every pin in a lock file; anything that is not a plain `==` pin is an error."""
    pins = []
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        where = f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{number}"
        assert not line.startswith("-"), f"{where}: a lock holds pins only, not {line!r}"
        requirement = Requirement(line)
        specifiers = list(requirement.specifier)
        assert len(specifiers) == 1, f"{where}: {line!r} is not one exact pin"
        (specifier,) = specifiers
        assert specifier.operator == "==", f"{where}: {line!r} is not pinned with =="
        assert "*" not in specifier.version, f"{where}: {line!r} is a wildcard"
        assert not requirement.url, f"{where}: {line!r} is a URL, not a pin"
        pins.append(Pin(requirement.name, specifier.version, requirement.marker))
    return pins


def lock(charm: str) -> list[Pin]:
    return read_lock(ROOT / charm / "requirements.txt")


def direct_dependencies(charm: str) -> list[Requirement]:
    project = tomllib.loads((ROOT / charm / "pyproject.toml").read_text())["project"]
    return [Requirement(line) for line in project["dependencies"]]


def charm_part(charm: str) -> dict[str, Any]:
    return yaml.safe_load((ROOT / charm / "charmcraft.yaml").read_text())["parts"]["charm"]


def binary_packages(charm: str) -> list[str]:
    return charm_part(charm).get("charm-binary-python-packages") or []


def _requires(pin: Pin) -> list[Requirement]:
    """Requires-Dist of the installed distribution of a pin (the tests' environment has them)."""
    try:
        distribution = metadata.distribution(pin.name)
    except metadata.PackageNotFoundError:
        pytest.fail(
            f"{pin} is not installed here, so what it needs cannot be checked: install "
            "requirements-test.txt (a pin for the packed charm's Python only must be checked "
            "on that Python)"
        )
    return [Requirement(line) for line in distribution.requires or []]


def _wanted(requirement: Requirement, env: Mapping[str, str], extras: Iterable[str]) -> bool:
    if requirement.marker is None:
        return True
    return any(requirement.marker.evaluate({**env, "extra": extra}) for extra in {"", *extras})


def lock_problems(charm: str, env: Mapping[str, str]) -> list[str]:
    """How the lock falls short of `pip install --no-deps` + `pip check` under env, if at all."""
    pins = {pin.key: pin for pin in lock(charm) if pin.applies(env)}
    problems: list[str] = []
    reached: set[str] = set()
    expanded: set[tuple[str, frozenset[str]]] = set()
    todo = [
        (requirement, "pyproject.toml")
        for requirement in direct_dependencies(charm)
        if _wanted(requirement, env, ())
    ]
    while todo:
        requirement, wanted_by = todo.pop()
        key = canonicalize_name(requirement.name)
        pin = pins.get(key)
        if pin is None:
            problems.append(f"{requirement} (needed by {wanted_by}) is not pinned")
            continue
        if not requirement.specifier.contains(pin.version, prereleases=True):
            problems.append(f"{pin} does not satisfy {requirement} (needed by {wanted_by})")
        reached.add(key)
        extras = frozenset(requirement.extras)
        if (key, extras) in expanded:
            continue
        expanded.add((key, extras))
        todo.extend(
            (needed, str(pin)) for needed in _requires(pin) if _wanted(needed, env, extras)
        )
    problems.extend(f"{pins[key]} is pinned but nothing needs it" for key in pins.keys() - reached)
    return sorted(problems)


@pytest.mark.parametrize("charm", CHARMS)
@pytest.mark.parametrize("env", [PACK_ENV, TESTS_ENV], ids=["pack-py3.12", "tests-python"])
def test_lock_pins_each_package_once(charm: str, env: dict[str, str]):
    # A universal lock may pin a package twice under disjoint markers, never twice for one Python.
    keys = [pin.key for pin in lock(charm) if pin.applies(env)]
    assert keys
    assert sorted({key for key in keys if keys.count(key) > 1}) == []


@pytest.mark.parametrize("charm", CHARMS)
@pytest.mark.parametrize(
    ("python", "env"),
    [("packed charm", PACK_ENV), ("tests", TESTS_ENV)],
    ids=["pack-py3.12", "tests-python"],
)
def test_lock_is_complete_and_consistent(charm: str, python: str, env: dict[str, str]):
    problems = lock_problems(charm, env)
    assert not problems, (
        f"{charm}/requirements.txt under the {python}'s Python: {problems}; run `make lock`"
    )


@pytest.mark.parametrize("charm", CHARMS)
def test_tests_run_exactly_the_locked_versions(charm: str):
    installed = {}
    for pin in lock(charm):
        if pin.applies(TESTS_ENV):
            try:
                installed[str(pin)] = metadata.version(pin.name)
            except metadata.PackageNotFoundError:
                installed[str(pin)] = None
    wrong = {pin: version for pin, version in installed.items() if version != pin.split("==")[1]}
    assert not wrong, f"installed here instead of the lock's pins: {wrong}"


def test_both_locks_agree_on_shared_packages():
    # requirements-test.txt installs both into one environment: they must not disagree.
    first, second = ({pin.key: pin.version for pin in lock(charm)} for charm in CHARMS)
    shared = first.keys() & second.keys()
    assert shared
    assert {key: (first[key], second[key]) for key in shared if first[key] != second[key]} == {}


def test_the_test_environment_installs_both_locks():
    lines = (ROOT / "requirements-test.txt").read_text().splitlines()
    for charm in CHARMS:
        assert f"-r {charm}/requirements.txt" in lines
    locked = {pin.key: pin.version for charm in CHARMS for pin in lock(charm)}
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        requirement = Requirement(line)
        key = canonicalize_name(requirement.name)
        if key in locked:
            assert requirement.specifier.contains(locked[key]), (
                f"requirements-test.txt asks for {requirement}, the locks pin {locked[key]}"
            )


@pytest.mark.parametrize("charm", CHARMS)
def test_charmcraft_installs_the_lock_in_strict_mode(charm: str):
    part = charm_part(charm)
    assert part["plugin"] == "charm"
    assert part["charm-requirements"] == ["requirements.txt"]
    assert part["charm-strict-dependencies"] is True
    assert "charm-python-packages" not in part  # strict mode refuses it


@pytest.mark.parametrize("charm", CHARMS)
def test_binary_packages_are_spelled_as_in_the_lock(charm: str):
    # charmcraft matches these names against the lock's spellings: a name spelled otherwise
    # (PyYAML for pyyaml) fails strict mode's check or lands in --no-binary and is compiled.
    spellings = {pin.key: pin.name for pin in lock(charm)}
    wrong = {
        name: spellings.get(canonicalize_name(name), "not in the lock")
        for name in binary_packages(charm)
        if name not in spellings.values()
    }
    assert wrong == {}, f"charm-binary-python-packages of {charm}: listed -> in the lock"
    assert binary_packages(charm) == sorted(set(binary_packages(charm)))


# --- what the package index holds for each pin (network) --------------------------------------


def _index_url() -> str:
    index = os.environ.get("PIP_INDEX_URL", "").rstrip("/")
    return index if index.endswith("/simple") else "https://pypi.org/simple"


def _fetch_project(key: str) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 - an https index URL
        f"{_index_url()}/{key}/", headers={"Accept": SIMPLE_JSON}
    )
    for attempt in range(3):
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return json.load(response)
        except (urllib.error.URLError, TimeoutError) as error:
            if attempt == 2:
                raise AssertionError(
                    f"cannot read {request.full_url} ({error}): the packing checks need the "
                    "package index"
                ) from error
            time.sleep(2**attempt)
    raise AssertionError("unreachable")


@cache
def _all_projects() -> dict[str, dict[str, Any] | AssertionError]:
    """The index's page for every locked package, fetched a few at a time."""
    keys = sorted({pin.key for charm in CHARMS for pin in lock(charm) if pin.applies(PACK_ENV)})

    def fetch(key: str) -> dict[str, Any] | AssertionError:
        try:
            return _fetch_project(key)
        except AssertionError as error:
            return error

    with ThreadPoolExecutor(max_workers=6) as pool:
        return dict(zip(keys, pool.map(fetch, keys), strict=True))


@dataclass(frozen=True)
class Release:
    """The files the index holds for one pinned version."""

    wheels: list[dict[str, Any]]
    sdists: list[dict[str, Any]]

    @property
    def compiled(self) -> bool:
        """Whether any wheel is specific to an interpreter ABI or platform: there is C in it."""
        return any(
            tag.abi != "none" or tag.platform != "any"
            for wheel in self.wheels
            for tag in parse_wheel_filename(wheel["filename"])[3]
        )

    def wheels_for_pack(self) -> list[str]:
        return [
            wheel["filename"]
            for wheel in self.wheels
            if PACK_TAGS & parse_wheel_filename(wheel["filename"])[3] and _runs_on_pack(wheel)
        ]


def _runs_on_pack(file: Mapping[str, Any]) -> bool:
    return PACK_PYTHON in SpecifierSet(file.get("requires-python") or "")


def release(pin: Pin) -> Release:
    project = _all_projects()[pin.key]
    if isinstance(project, AssertionError):
        raise project
    wheels, sdists = [], []
    for file in project["files"]:
        name = file["filename"]
        try:
            if name.endswith(".whl"):
                if parse_wheel_filename(name)[1] == Version(pin.version):
                    wheels.append(file)
            elif parse_sdist_filename(name)[1] == Version(pin.version):
                sdists.append(file)
        except (InvalidWheelFilename, InvalidSdistFilename):
            continue  # files of other versions, named before today's rules
    return Release(wheels, sdists)


def _pack_pins() -> list[tuple[str, Pin]]:
    return [(charm, pin) for charm in CHARMS for pin in lock(charm) if pin.applies(PACK_ENV)]


@pytest.mark.parametrize(("charm", "pin"), _pack_pins(), ids=str)
def test_pack_can_install_the_pin(charm: str, pin: Pin):
    found = release(pin)
    assert found.wheels or found.sdists, f"{pin}: the package index has no files for it"
    yanked = [file["filename"] for file in found.wheels + found.sdists if file.get("yanked")]
    assert not yanked, f"{pin} is yanked: {yanked}; re-lock with `make lock UPGRADE=1`"
    names = sorted(wheel["filename"] for wheel in found.wheels)
    wheels = f"{len(names)}, e.g. {', '.join(names[:3])}" if names else "none"
    listed = pin.name in binary_packages(charm)
    if found.compiled or not found.wheels:
        assert found.wheels, (
            f"{pin} has no wheels, so whether it compiles code at pack time cannot be told; "
            "check it by hand and pin a version with wheels"
        )
        assert listed, (
            f"{pin} holds compiled code (wheels: {wheels}) but is not in {charm}'s "
            "charm-binary-python-packages: charmcraft would build it from source, which needs a "
            "compiler and headers the build environment lacks"
        )
    if listed:
        assert found.wheels_for_pack(), (
            f"{pin}: no wheel for CPython 3.12 on manylinux x86_64 (glibc <= 2.39) among: {wheels}"
        )
    else:
        sources = [sdist["filename"] for sdist in found.sdists if _runs_on_pack(sdist)]
        assert sources, (
            f"{pin} has no sdist for Python 3.12, and strict mode builds every package not in "
            f"charm-binary-python-packages from source: list it there (wheels: {wheels})"
        )


@pytest.mark.parametrize(
    ("filename", "compiled", "for_pack"),
    [
        ("pkg-1.0-py3-none-any.whl", False, True),
        ("pkg-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", True, True),
        ("pkg-1.0-cp311-abi3-manylinux_2_28_x86_64.whl", True, True),
        ("pkg-1.0-cp312-cp312-manylinux_2_40_x86_64.whl", True, False),  # newer glibc than 24.04
        ("pkg-1.0-cp312-cp312-musllinux_1_2_x86_64.whl", True, False),
        ("pkg-1.0-cp311-cp311-manylinux2014_x86_64.whl", True, False),
        ("pkg-1.0-cp312-cp312-manylinux2014_aarch64.whl", True, False),
    ],
)
def test_wheel_tags_are_read_the_way_pip_on_the_packing_machine_would(
    filename: str, compiled: bool, for_pack: bool
):
    found = Release(wheels=[{"filename": filename, "requires-python": ">=3.10"}], sdists=[])
    assert found.compiled is compiled
    assert bool(found.wheels_for_pack()) is for_pack


def test_a_pin_whose_wheel_needs_a_newer_python_is_not_for_pack():
    wheel = {"filename": "pkg-1.0-py3-none-any.whl", "requires-python": ">=3.13"}
    assert Release(wheels=[wheel], sdists=[]).wheels_for_pack() == []


@pytest.mark.parametrize("line", ["ops>=3", "ops", "-r other.txt", "ops==3.*", "ops==3.9,<4"])
def test_lock_reader_refuses_what_is_not_an_exact_pin(tmp_path: Path, line: str):
    path = tmp_path / "requirements.txt"
    path.write_text(f"# a comment\nops==3.9.0\n    # via x\n{line}\n")
    with pytest.raises(AssertionError, match=re.escape(line)):
        read_lock(path)
