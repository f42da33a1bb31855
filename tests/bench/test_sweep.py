"""The sweep measures every event it reports, and says how the joins were totalled."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import joins, plot, report
from bench.sweep import Options, run_size

EVENTS = {
    ("config-changed", "first"),
    ("update-status", "steady"),
    ("config-changed", "steady"),
    ("gateway-route-relation-changed", "steady"),
    ("gateway-route-relation-changed", "change"),
    ("gateway-route-relation-broken", "remove"),
    ("certificates-relation-changed", "arrive"),
}


@pytest.mark.parametrize(
    ("tenants", "samples", "expected"),
    [(1, 5, [1]), (4, 5, [1, 2, 3, 4]), (1000, 5, [1, 251, 500, 750, 1000]), (10, 2, [1, 10])],
)
def test_joins_are_sampled_from_first_to_last(tenants, samples, expected):
    assert joins.sample_points(tenants, samples) == expected


def test_sampled_joins_are_summed_exactly_when_the_cost_is_linear():
    points = {k: 3.0 + 2.0 * k for k in joins.sample_points(1000)}
    assert joins.summed(points, 1000) == pytest.approx(sum(3.0 + 2.0 * k for k in range(1, 1001)))


def test_every_event_is_measured_in_the_tls_world():
    result = run_size(3, "tls", Options(repeats=1, cold_runs=0, join_samples=2))
    measured = {(s.event, s.phase) for s in result.samples if s.charm == "integrator"}
    assert measured >= EVENTS
    assert result.joins is not None
    assert result.joins["sampled"] == [1, 3]
    assert result.joins["total"]["hooks"] == 3 * 4  # created, joined, changed, certificates
    assert "integrator steady: the TLS library's refresh did not run" in result.checks


def test_past_the_tls_guard_only_the_steady_state_is_measured():
    result = run_size(2, "tls", Options(repeats=1, cold_runs=0, tls_change_max=1))
    assert result.joins is None
    assert result.skipped
    assert {s.phase for s in result.samples} == {"first", "steady", "change"}  # configurators


def _data(tmp_path: Path) -> dict:
    result = run_size(2, "http", Options(repeats=1, cold_runs=0))
    size = {
        "tenants": result.tenants,
        "world": result.world,
        "events": [s.as_json() for s in result.samples],
        "joins": result.joins,
        "skipped": result.skipped,
    }
    skipped = {"tenants": 1000, "world": "tls", "events": [], "joins": None, "skipped": ["N>1"]}
    data = {"sizes": [size, skipped], "modelled_ms_per_hook_tool": 20}
    (tmp_path / "results.json").write_text(json.dumps(data))
    return data


def test_the_join_time_is_printed_for_every_n(tmp_path):
    lines = report.join_lines(_data(tmp_path))
    assert lines[0].startswith("N=2 http: modelled time for all 2 tenants to join and be served:")
    assert "k = 1, 2" in lines[0]
    assert lines[1].endswith("not measured (N>1)")


def test_the_plot_is_written(tmp_path):
    path = tmp_path / "scaling.png"
    plot.write(_data(tmp_path), path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
