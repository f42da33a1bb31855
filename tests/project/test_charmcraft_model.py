"""charmcraft's own models accept each charm's charmcraft.yaml, the way `charmcraft pack` reads it.

`charmcraft pack` cannot run here (no snapd or LXD), but its project models can: charmcraft from
PyPI (pinned with its dependencies in charmcraft-requirements.txt beside this file, `make lock`)
goes into a virtual environment of its own under .cache/, made on first use and reused while
that file and the Python stay the same. scripts/check_charmcraft_yaml.py runs in it and reports
what charmcraft made of each file.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
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
