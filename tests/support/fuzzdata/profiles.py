"""Hypothesis profiles for the fuzz suite, chosen by HYPOTHESIS_PROFILE.

They are applied per test (`@settings(profiles.current())`) rather than loaded globally, so that
other hypothesis tests in the same `make test` session keep their own settings.
"""

import os

from hypothesis import HealthCheck, settings

SAMPLE = "fuzz-sample"
"""`make test`: a small, fixed-seed sample (the same examples on every run)."""
FULL = "fuzz"
"""`tox -e fuzz`: at least 1,000 examples per databag kind, random seed."""

SAMPLE_EXAMPLES = 20
FULL_EXAMPLES = 1000

_HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]


def register() -> None:
    """Register both profiles (idempotent)."""
    settings.register_profile(
        SAMPLE,
        max_examples=SAMPLE_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        print_blob=True,
        suppress_health_check=_HEALTH,
    )
    settings.register_profile(
        FULL,
        max_examples=FULL_EXAMPLES,
        deadline=None,
        print_blob=True,
        suppress_health_check=_HEALTH,
    )


def name() -> str:
    """The profile this run uses: HYPOTHESIS_PROFILE, or the fixed-seed sample."""
    chosen = os.environ.get("HYPOTHESIS_PROFILE", SAMPLE)
    return chosen if chosen in (SAMPLE, FULL) else SAMPLE


def full() -> bool:
    """Whether this is a full run (`tox -e fuzz`), which also runs the whole fault matrix."""
    return name() == FULL


def current() -> settings:
    """The settings object of the chosen profile."""
    register()
    return settings.get_profile(name())
