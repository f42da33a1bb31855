"""Stage the shared libraries from libs/ into each charm's lib/ folder before charmcraft packs it.

charmcraft packs a single folder, and the Juju dispatch script puts that folder's lib/ on the
import path. Copying at pack time (into a git-ignored folder) keeps one source of truth in libs/
while each packed charm is self-contained.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIBS = ROOT / "libs"
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "tests")


def shared_packages() -> list[Path]:
    """Every importable package under libs/ (a folder holding an __init__.py)."""
    return sorted(p for p in LIBS.iterdir() if (p / "__init__.py").is_file())


def stage(charm_dir: Path) -> list[str]:
    """Replace charm_dir/lib with fresh copies of the shared packages; return their names."""
    target = charm_dir / "lib"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir()
    names = []
    for package in shared_packages():
        shutil.copytree(package, target / package.name, ignore=IGNORE)
        names.append(package.name)
    return names


def main(argv: list[str]) -> int:
    """Stage into every charm folder named on the command line."""
    if not argv:
        print("usage: stage_libs.py CHARM_DIR [CHARM_DIR ...]", file=sys.stderr)
        return 2
    for name in argv:
        charm_dir = (ROOT / name).resolve()
        if not (charm_dir / "charmcraft.yaml").is_file():
            print(f"{name}: not a charm folder (no charmcraft.yaml)", file=sys.stderr)
            return 2
        staged = stage(charm_dir)
        print(f"{name}/lib: {', '.join(staged)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
