"""Load each charm's charmcraft.yaml through charmcraft's own models, as `charmcraft pack` does.

Run it with an interpreter that has charmcraft installed (tests/project/test_packing.py keeps
one under .cache/, pinned by tests/project/charmcraft-requirements.txt):

    <charmcraft venv>/bin/python scripts/check_charmcraft_yaml.py gateway-api-integrator ...

For every charm folder it prints one JSON line: what charmcraft made of the file (the part as
its plugin model filled it in, assumes, the build plan), or the error charmcraft raised. Exit
status 1 when any file was refused. No LXD, snapd or network is needed: only the models run,
not the build.

The steps follow charmcraft 4.x: `CharmcraftProject.from_yaml_file` preprocesses the file and
validates the project, including each part against its plugin's properties model (after
`parts.setup_parts()` registers charmcraft's plugins, and from the charm folder, because the
`charm` plugin resolves `source` against the working directory). Pack then writes
metadata.yaml from `CharmMetadata.from_charm(project)`, checked here too. The project model keeps
`config` as a plain dict that pack writes out unchecked; charmcraft's `JujuConfig` model of
config.yaml is applied as well, since Juju refuses at deploy time what it refuses (an option
type such as `bool`). `JujuActions` is not used: pack does not use it either, and in charmcraft
4.5.0 it fails on any action (its name pattern is a pydantic private attribute).
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Any

import craft_platforms
from charmcraft import parts
from charmcraft.models.config import JujuConfig
from charmcraft.models.metadata import CharmMetadata
from charmcraft.models.project import CharmcraftProject


def check(charm_dir: Path) -> dict[str, Any]:
    """What charmcraft's models make of charm_dir/charmcraft.yaml; raises what they raise."""
    parts.setup_parts()
    with contextlib.chdir(charm_dir):
        project = CharmcraftProject.from_yaml_file(Path("charmcraft.yaml"))
        config = JujuConfig.model_validate(project.config or {})
        metadata = CharmMetadata.from_charm(project)
        plan = craft_platforms.charm.get_platforms_charm_build_plan(
            base=project.base,
            build_base=project.build_base,
            platforms=project.marshal()["platforms"],
        )
    return {
        "name": metadata.name,
        "assumes": metadata.assumes,
        "parts": project.parts,
        "config": sorted((config.options or {}).keys()),
        "actions": sorted((project.actions or {}).keys()),
        "build_plan": [
            {
                "platform": info.platform,
                "build_for": str(info.build_for),
                "base": str(info.build_base),
            }
            for info in plan
        ],
    }


def main(argv: list[str]) -> int:
    """Check every charm folder named on the command line; print one JSON line for each."""
    if not argv:
        print("usage: check_charmcraft_yaml.py CHARM_DIR [CHARM_DIR ...]", file=sys.stderr)
        return 2
    refused = 0
    for name in argv:
        charm_dir = Path(name).resolve()
        try:
            result = {"charm": name, "ok": True, **check(charm_dir)}
        except Exception as error:  # every refusal is reported, whatever its type
            details = getattr(error, "details", None)
            message = f"{type(error).__name__}: {error}" + (f" ({details})" if details else "")
            result = {"charm": name, "ok": False, "error": message}
            refused += 1
        print(json.dumps(result, default=str))
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
