"""Hypothesis profiles for the fuzz suite, and the counts it prints at the end.

`make test` runs the fixed-seed `fuzz-sample` profile; `tox -e fuzz` sets
HYPOTHESIS_PROFILE=fuzz (>= 1,000 examples per databag kind, no deadline).
"""

import pytest

from fuzzdata import profiles, tally

profiles.register()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not tally.examples:
        return
    terminalreporter.section(f"fuzz: examples per databag kind (profile {profiles.name()})")
    for line in tally.summary_lines(tally.examples, "examples run"):
        terminalreporter.write_line(line)
    terminalreporter.write_line("  of which invalid (had to be reported):")
    for line in tally.summary_lines(tally.invalid, "invalid"):
        terminalreporter.write_line("  " + line)
    terminalreporter.write_line("  of which lies (well-formed, had to be refused):")
    for line in tally.summary_lines(tally.lies, "lies"):
        terminalreporter.write_line("  " + line)
