"""Counts the suites print at the end of a run (examples per databag kind, fault cases).

A plain module-level Counter: pytest runs tests in one process here, and the conftest hooks
read it in `pytest_terminal_summary`.
"""

from collections import Counter

examples: Counter[str] = Counter()
"""Examples run, by databag kind (e.g. `configurator/ingress-app`)."""
invalid: Counter[str] = Counter()
"""Of those, the examples the oracle judged invalid (so the bad relation had to be reported)."""
lies: Counter[str] = Counter()
"""Of those, well-formed databags that lie about who wrote them (another application's name,
another model's or a non-Juju namespace), by databag kind and lie (`<kind>: <lie>`)."""
faults_tried: Counter[str] = Counter()
"""(fault, call index) cases run, by charm."""
faults_passed: Counter[str] = Counter()


def summary_lines(counter: Counter[str], total_label: str) -> list[str]:
    lines = [f"  {key}: {count}" for key, count in sorted(counter.items())]
    lines.append(f"  {total_label}: {sum(counter.values())}")
    return lines
