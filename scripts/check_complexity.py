"""Fail when a product function grows past the limits; print the five most complex ones.

Product code is both charms' `src/` and `libs/`. Limits: cyclomatic complexity 15 (radon's
count) and 60 lines per function, so that every step of a reconcile stays readable on one screen.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from radon.complexity import cc_visit
from radon.visitors import Class, Function

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("gateway-api-integrator/src", "gateway-route-configurator/src", "libs")
MAX_COMPLEXITY = 15
MAX_LINES = 60


def _functions(blocks: list) -> Iterator[Function]:
    for block in blocks:
        if isinstance(block, Class):
            yield from _functions(block.methods)
        elif isinstance(block, Function):
            yield block
            yield from _functions(block.closures)


def measured() -> list[tuple[int, int, str]]:
    """(complexity, lines, where) for every function and method of the product."""
    found = []
    for folder in PRODUCT:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for function in _functions(cc_visit(path.read_text())):
                lines = function.endline - function.lineno + 1
                where = f"{path.relative_to(ROOT)}:{function.lineno} {function.fullname}"
                found.append((function.complexity, lines, where))
    return found


def main() -> int:
    """Print the top five; return 1 when a limit is passed."""
    found = measured()
    print("most complex product functions (radon cyclomatic complexity, lines):")
    for complexity, lines, where in sorted(found, reverse=True)[:5]:
        print(f"  {complexity:3d} {lines:4d}  {where}")
    failed = False
    for complexity, lines, where in found:
        if complexity > MAX_COMPLEXITY:
            print(f"!! complexity {complexity} > {MAX_COMPLEXITY}: {where}")
            failed = True
        if lines > MAX_LINES:
            print(f"!! {lines} lines > {MAX_LINES}: {where}")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
