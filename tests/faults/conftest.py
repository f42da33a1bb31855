"""The counts the fault-injection suite prints at the end of a run."""

import pytest

from fuzzdata import profiles, tally


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not tally.faults_tried:
        return
    scope = "full matrix" if profiles.full() else "subset: every fault at 3 call indices"
    terminalreporter.section(f"faults: (fault, call index) pairs ({scope})")
    for charm in sorted(tally.faults_tried):
        terminalreporter.write_line(
            f"  {charm}: {tally.faults_tried[charm]} tried, {tally.faults_passed[charm]} passed"
        )
    terminalreporter.write_line(
        f"  total: {sum(tally.faults_tried.values())} tried, "
        f"{sum(tally.faults_passed.values())} passed"
    )
