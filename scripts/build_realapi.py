"""Build (or find in .cache/realapi) the real kube-apiserver the test suite runs against.

The same as `python -m realapi.build` inside tox; this needs no PYTHONPATH. Prints the
binary's path; `--if-go` makes a missing Go toolchain a notice instead of an error.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "support"))

from realapi.build import main

if __name__ == "__main__":
    sys.exit(main())
