"""`make demo SCENARIO=... OUT=...`: a scenario file in, three files and a table out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bundlesim import OUTPUT_FILES, scenario_data
from bundlesim.demo import main


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The http-only scenario written to a file and run through the CLI."""
    folder = tmp_path_factory.mktemp("demo")
    scenario = folder / "mine.yaml"
    scenario.write_text(yaml.safe_dump(scenario_data("http-only")))
    out = folder / "out"
    code = main(["--scenario", str(scenario), "--out", str(out)])
    return {"code": code, "out": out}


def _read(out: Path, name: str):
    text = (out / name).read_text()
    return yaml.safe_load(text) if name.endswith(".yaml") else json.loads(text)


def test_demo_succeeds(demo: dict):
    assert demo["code"] == 0


def test_demo_writes_the_three_files(demo: dict):
    assert sorted(p.name for p in demo["out"].iterdir()) == sorted(OUTPUT_FILES)


def test_objects_file_lists_every_object_of_the_api_double(demo: dict):
    listed = _read(demo["out"], "objects.yaml")
    found = {
        (o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"]) for o in listed["items"]
    }
    assert listed["kind"] == "List"
    assert {
        ("Gateway", "infra", "gateway-api-integrator"),
        ("HTTPRoute", "shop", "shop"),
        ("Service", "shop", "shop-8080"),
        ("GatewayClass", None, "cilium"),
        ("Namespace", None, "shop"),
    } <= found


def test_relations_file_holds_the_published_url(demo: dict):
    relations = _read(demo["out"], "relations.json")
    (ingress,) = [r for r in relations if r["interface"] == "ingress"]
    assert json.loads(ingress["app_data"]["shop-route"]["ingress"]) == {
        "url": "http://shop.example.com/"
    }


def test_statuses_file_holds_every_application(demo: dict):
    statuses = _read(demo["out"], "statuses.json")
    assert statuses["shop-route"]["units"]["shop-route/0"] == {
        "status": "active",
        "message": "http://shop.example.com/",
    }


def test_demo_prints_the_url_table(demo: dict, capsys: pytest.CaptureFixture[str]):
    del demo
    code = main(["--scenario", str(Path(__file__).parents[2] / "scenarios" / "http-only.yaml")])
    printed = capsys.readouterr().out
    assert code == 0
    assert "shop      http://shop.example.com/" in printed


def test_bad_scenario_is_refused_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    scenario = tmp_path / "bad.yaml"
    scenario.write_text("applications:\n  gw:\n    charm: gateway-api-integrator\n    units: 0\n")
    code = main(["--scenario", str(scenario)])
    assert code == 2
    assert "applications.gw.units: Input should be greater than or equal to 1" in (
        capsys.readouterr().err
    )
