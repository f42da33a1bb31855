"""The benchmark's own tests: put the repository's root on the path, where `bench` lives.

It is not on pytest's configured path, and `tox -e unit` runs `pytest`, which does not add the
working directory.
"""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
