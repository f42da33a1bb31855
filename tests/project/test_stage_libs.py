"""The pack-time staging copies every shared library into a charm's lib/ and nothing else."""

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT_MODULE_FILES = """
import importlib, sys
for name in sys.argv[1:]:
    print(importlib.import_module(name).__file__)
"""


def load_stage_libs():
    spec = importlib.util.spec_from_file_location("stage_libs", ROOT / "scripts" / "stage_libs.py")
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_staging_copies_each_shared_package_without_tests_or_caches(tmp_path: Path):
    stage_libs = load_stage_libs()
    charm = tmp_path / "some-charm"
    charm.mkdir()
    (charm / "charmcraft.yaml").write_text("name: some-charm\n")
    (charm / "lib" / "stale").mkdir(parents=True)

    staged = stage_libs.stage(charm)

    expected = sorted(p.name for p in (ROOT / "libs").iterdir() if (p / "__init__.py").is_file())
    assert staged == expected
    assert sorted(p.name for p in (charm / "lib").iterdir()) == expected
    for name in staged:
        assert not list((charm / "lib" / name).rglob("__pycache__"))
        assert not (charm / "lib" / name / "tests").exists()


def test_staged_packages_import_from_the_charm_lib_folder(tmp_path: Path):
    stage_libs = load_stage_libs()
    charm = tmp_path / "c"
    source = ROOT / "gateway-route-configurator"
    shutil.copytree(source, charm, ignore=shutil.ignore_patterns("lib"))
    staged = stage_libs.stage(charm)
    assert staged
    # A fresh interpreter with only the charm's lib/ on the path, as Juju's dispatch sets it up.
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-c", PRINT_MODULE_FILES, *staged],
        env={**os.environ, "PYTHONPATH": str(charm / "lib")},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    for name in staged:
        assert str(charm / "lib" / name) in result.stdout
