"""The three files `make demo OUT=dir` writes: objects.yaml, relations.json, statuses.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from bundlesim.runner import BundleRun

OUTPUT_FILES = ("objects.yaml", "relations.json", "statuses.json")


def objects_document(run: BundleRun) -> dict[str, Any]:
    """Every object in the API double as one `v1 List`, the shape `kubectl get -o yaml` gives."""
    return {"apiVersion": "v1", "kind": "List", "items": run.objects()}


def write_outputs(run: BundleRun, folder: Path) -> list[Path]:
    """Write the three files into `folder` (created if missing); return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    contents = {
        "objects.yaml": yaml.safe_dump(objects_document(run), sort_keys=False, width=99),
        "relations.json": json.dumps(run.sim.databags(), indent=2) + "\n",
        "statuses.json": json.dumps(run.sim.statuses(), indent=2) + "\n",
    }
    paths = []
    for name in OUTPUT_FILES:
        path = folder / name
        path.write_text(contents[name])
        paths.append(path)
    return paths
