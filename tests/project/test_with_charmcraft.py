"""charmcraft itself accepts each charm and builds it, short of the parts that need LXD.

`charmcraft pack` cannot run here (no snapd or LXD), but charmcraft from PyPI can, pinned with its
dependencies in charmcraft-requirements.txt beside this file (`make lock`), in a virtual
environment of its own under .cache/ made on first use and reused while that file and the Python
stay the same. In it:

- scripts/check_charmcraft_yaml.py loads each charmcraft.yaml through charmcraft's models, as
  pack does before building;
- charmcraft's `charm_builder.py`, which the `charm` plugin runs inside the build container, runs
  here with the arguments the plugin gives it (strict mode, the binary packages, the lock) over a
  copy of each charm with the shared libraries staged, as `make pack` stages them; the tree it
  builds must then import the charm with only its own lib/, venv/ and src/ (dispatch's
  PYTHONPATH). It builds with this machine's python3, not Ubuntu 24.04's 3.12; what differs for
  3.12 (its wheels) is checked against the package index by test_packing.py.
"""

from __future__ import annotations

import ast
import fcntl
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHARMS = ("gateway-api-integrator", "gateway-route-configurator")
REQUIREMENTS = Path(__file__).with_name("charmcraft-requirements.txt")
CHECK = ROOT / "scripts" / "check_charmcraft_yaml.py"


def _run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreters, scripts and arguments
        command, capture_output=True, text=True, check=False, **kwargs
    )


def charmcraft_python() -> Path:
    """The interpreter of the cached charmcraft environment, made first if need be."""
    digest = hashlib.sha256(REQUIREMENTS.read_bytes() + sys.version.encode()).hexdigest()[:12]
    cache = ROOT / ".cache"
    venv = cache / f"charmcraft-{digest}"
    python = venv / "bin" / "python"
    cache.mkdir(exist_ok=True)
    # One maker at a time (other test runs may share the checkout); the others wait, then reuse.
    with (cache / f"{venv.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (venv / ".complete").exists():
            shutil.rmtree(venv, ignore_errors=True)
            install = ["install", "--quiet", "--no-deps", "--requirement", str(REQUIREMENTS)]
            # Every pin and nothing resolved, then a consistency check, as charmcraft's strict
            # mode does: an incomplete charmcraft-requirements.txt fails here, not later.
            for step in (
                [sys.executable, "-m", "venv", str(venv)],
                [str(python), "-m", "pip", *install, "--disable-pip-version-check"],
                [str(python), "-m", "pip", "check", "--disable-pip-version-check"],
            ):
                done = _run(step)
                if done.returncode:
                    pytest.fail(f"making the charmcraft environment: {step} failed:\n{done}")
            (venv / ".complete").touch()
    return python


def check(*charm_dirs: Path) -> dict[str, dict[str, Any]]:
    """What scripts/check_charmcraft_yaml.py reports for each folder, by the name passed."""
    done = _run([str(charmcraft_python()), str(CHECK), *map(str, charm_dirs)], cwd=ROOT)
    reports = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert len(reports) == len(charm_dirs), f"the check printed {done.stdout!r}{done.stderr!r}"
    return {report["charm"]: report for report in reports}


@pytest.fixture(scope="module")
def reports() -> dict[str, dict[str, Any]]:
    return check(*(Path(charm) for charm in CHARMS))


def charmcraft_yaml(charm: str) -> dict[str, Any]:
    return yaml.safe_load((ROOT / charm / "charmcraft.yaml").read_text())


def test_the_charmcraft_environment_is_the_pinned_charmcraft():
    (pin,) = [
        line for line in REQUIREMENTS.read_text().splitlines() if line.startswith("charmcraft==")
    ]
    done = _run(
        [str(charmcraft_python()), "-c", "import charmcraft; print(charmcraft.__version__)"]
    )
    assert done.stdout.strip() == pin.removeprefix("charmcraft=="), done


@pytest.mark.parametrize("charm", CHARMS)
def test_charmcraft_accepts_the_charmcraft_yaml(charm: str, reports: dict[str, dict[str, Any]]):
    report = reports[charm]
    assert report["ok"], f"charmcraft refuses {charm}/charmcraft.yaml: {report['error']}"
    assert report["name"] == charm


@pytest.mark.parametrize("charm", CHARMS)
def test_charmcraft_reads_the_packing_settings_as_written(
    charm: str, reports: dict[str, dict[str, Any]]
):
    # Nothing silently dropped or defaulted: the part charmcraft will build is the one written.
    written = charmcraft_yaml(charm)
    assert reports[charm]["parts"] == written["parts"]
    assert reports[charm]["assumes"] == written["assumes"]
    assert reports[charm]["config"] == sorted(written["config"]["options"])


@pytest.mark.parametrize("charm", CHARMS)
def test_charmcraft_builds_one_amd64_charm_on_ubuntu_24_04(
    charm: str, reports: dict[str, dict[str, Any]]
):
    # The platform names the .charm file (<name>_<platform>.charm) that bundle.yaml deploys.
    assert reports[charm]["build_plan"] == [
        {"platform": "amd64", "build_for": "amd64", "base": "ubuntu@24.04"}
    ]


# Each breaks one thing charmcraft refuses: (text replaced, replacement, part of the refusal).
BROKEN = {
    "misspelt-part-key": (
        "    charm-strict-dependencies: true\n",
        "    charm-strict-dependency: true\n",
        "extra inputs are not permitted (in field 'parts.charm-strict-dependency'",
    ),
    "versioned-binary-package": (
        "charm-binary-python-packages: [",
        "charm-binary-python-packages: [msgspec>=0, ",
        "may contain only package names",
    ),
    "unknown-option-type": (
        "      type: string\n",
        "      type: str\n",
        "'str' found using 'type' does not match any of the expected tags",
    ),
}


@pytest.fixture(scope="module")
def broken_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    source = ROOT / "gateway-route-configurator"
    folders = []
    for name, (old, new, _) in BROKEN.items():
        folder = tmp_path_factory.mktemp("charm") / name
        folder.mkdir()
        shutil.copy(source / "requirements.txt", folder)
        (folder / "src").mkdir()
        shutil.copy(source / "src" / "charm.py", folder / "src")
        text = (source / "charmcraft.yaml").read_text()
        assert old in text, name
        (folder / "charmcraft.yaml").write_text(text.replace(old, new, 1))
        folders.append(folder)
    by_path = check(*folders)
    return {Path(path).name: report for path, report in by_path.items()}


@pytest.mark.parametrize("name", BROKEN)
def test_the_check_refuses_what_charmcraft_refuses(
    name: str, broken_reports: dict[str, dict[str, Any]]
):
    report = broken_reports[name]
    assert not report["ok"], report
    assert BROKEN[name][2] in report["error"]


# --- charmcraft's charm builder, as the charm plugin runs it ------------------------------------

# Every module the charm imports must come from its own tree or the standard library.
IMPORT_CHARM = """
import importlib, json, sys, sysconfig
sys.path.insert(0, "src")  # dispatch runs ./src/charm.py, so src/ is first on the path
for name in ["charm", *sys.argv[1:]]:  # the entry point, then every staged library
    importlib.import_module(name)
stdlib = (sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"])
files = {name: getattr(module, "__file__", None) for name, module in list(sys.modules.items())}
print(json.dumps({name: f for name, f in files.items() if f and not f.startswith(stdlib)}))
"""


def charm_builder_command(charm: str, build: Path, install: Path) -> list[str]:
    """The charm builder call of charmcraft's charm plugin in strict mode (`_charm.py`)."""
    part = charmcraft_yaml(charm)["parts"]["charm"]
    assert part["charm-strict-dependencies"] is True
    done = _run(
        [str(charmcraft_python()), "-c", "import charmcraft.charm_builder as b; print(b.__file__)"]
    )
    return [
        str(charmcraft_python()),
        "-u",
        "-I",
        done.stdout.strip(),
        f"--builddir={build}",
        f"--installdir={install}",
        f"--entrypoint={build / 'src' / 'charm.py'}",
        "--strict-dependencies",
        *(f"--binary-package={name}" for name in part["charm-binary-python-packages"]),
        *(f"--requirement={path}" for path in part["charm-requirements"]),
    ]


def builder_env(constraints: Path) -> dict[str, str]:
    """The environment the plugin gives the builder (`env -i` and a few variables)."""
    env = {
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "CRYPTOGRAPHY_OPENSSL_NO_LEGACY": "true",
        "PIP_CONSTRAINT": str(constraints),
        # The builder's `python3 -m venv` finds the interpreter running these tests.
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
    }
    # The plugin passes the proxies on; the pip index settings and HOME (pip's cache) of the
    # machine running the tests go too.
    for key in ("HOME", "http_proxy", "https_proxy", "no_proxy", "PIP_INDEX_URL", "PIP_CERT"):
        if key in os.environ:
            env[key] = os.environ[key]
    return env


@pytest.fixture(scope="module")
def stage_libs() -> Any:
    spec = importlib.util.spec_from_file_location("stage_libs", ROOT / "scripts" / "stage_libs.py")
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("charm", CHARMS)
def test_charm_builder_installs_the_lock_and_the_charm_imports_from_its_tree(
    charm: str, tmp_path: Path, stage_libs: Any
):
    build, install = tmp_path / "build", tmp_path / "install"
    shutil.copytree(
        ROOT / charm, build, ignore=shutil.ignore_patterns("lib", "*.charm", "__pycache__")
    )
    staged = stage_libs.stage(build)
    command = charm_builder_command(charm, build, install)
    constraints = Path(command[3]).parent / "parts" / "plugins" / "charm-constraints.txt"
    built = _run(command, cwd=build, env=builder_env(constraints))
    assert built.returncode == 0, (
        f"charm builder failed for {charm}:\n{built.stdout[-6000:]}{built.stderr[-3000:]}"
    )
    # Strict mode: one pip call over the lock, binary packages from wheels, the rest from source.
    (install_call,) = [
        ast.literal_eval(line.removeprefix("Running external command "))
        for line in built.stdout.splitlines()
        if line.startswith("Running external command ") and "--no-deps" in line
    ]
    (no_binary,) = [arg for arg in install_call if arg.startswith("--no-binary=")]
    locked = re.findall(r"^([A-Za-z0-9_.-]+)==", (build / "requirements.txt").read_text(), re.M)
    binary = charmcraft_yaml(charm)["parts"]["charm"]["charm-binary-python-packages"]
    assert sorted(no_binary.removeprefix("--no-binary=").split(",")) == sorted(
        set(locked) - set(binary)
    )

    # -S: nothing from this test environment's site-packages, only what dispatch puts on the path.
    imported = _run(
        [sys.executable, "-S", "-c", IMPORT_CHARM, *staged],
        cwd=install,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": "lib:venv"},
    )
    assert imported.returncode == 0, imported.stderr
    outside = {
        name: path
        for name, path in json.loads(imported.stdout).items()
        if not Path(path).resolve().is_relative_to(install.resolve())
    }
    assert outside == {}, "the packed charm would import these from outside its own tree"
    modules = json.loads(imported.stdout)
    for package in staged:
        assert Path(modules[package]).is_relative_to(install / "lib"), package
