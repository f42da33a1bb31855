"""What the real-Juju suite needs from this machine, and a reason naming whatever is missing.

Pure apart from the default `which`/`run`/`environ` arguments, so the reasons are testable on a
machine that has none of it.
"""

import importlib.util
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHARMS = ("gateway-api-integrator", "gateway-route-configurator")

Run = Callable[[Sequence[str]], tuple[int, str, str]]
"""Runs a command; returns (exit code, stdout, stderr)."""


def _run(command: Sequence[str]) -> tuple[int, str, str]:
    try:
        done = subprocess.run(  # noqa: S603 - a fixed juju command line
            list(command), capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return 1, "", str(error)
    return done.returncode, done.stdout, done.stderr


def override_variable(charm: str) -> str:
    """The environment variable that points at an already packed charm file."""
    return charm.upper().replace("-", "_") + "_CHARM"


def packed_charm(
    charm: str, root: Path = ROOT, environ: Mapping[str, str] = os.environ
) -> Path | None:
    """`<charm>/<charm>_*.charm` as `make pack` leaves it, or the file the variable names."""
    override = environ.get(override_variable(charm))
    if override:
        path = Path(override)
        return path.resolve() if path.is_file() else None
    found = sorted((root / charm).glob(f"{charm}_*.charm"))
    return found[-1].resolve() if found else None


def _controller_problem(juju: str, run: Run) -> str | None:
    code, out, err = run([juju, "controllers", "--format", "json"])
    current = None
    if code == 0:
        try:
            current = (json.loads(out or "{}") or {}).get("current-controller")
        except ValueError:
            current = None
    if not current:
        return (
            "no current Juju controller (`juju controllers` shows none): bootstrap one, e.g. "
            "`juju bootstrap microk8s` or `juju bootstrap k8s`"
        )
    code, _out, err = run([juju, "models", "--controller", current, "--format", "json"])
    if code != 0:
        first = (err.strip().splitlines() or ["no error output"])[0]
        return f"Juju controller {current!r} is not reachable: {first}"
    return None


def _kubeconfig_problem() -> str | None:
    try:
        from lightkube import ConfigError, KubeConfig
    except ImportError:
        return "lightkube is not installed: run the suite with `tox -e integration`"
    try:
        KubeConfig.from_env()
    except ConfigError as error:
        return (
            f"no Kubernetes credentials for lightkube ({error}): set KUBECONFIG, e.g. "
            "`microk8s config > ~/.kube/config` or `sudo k8s config > ~/.kube/config`"
        )
    return None


def _importable(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def missing(
    *,
    importable: Callable[[str], bool] = _importable,
    which: Callable[[str], str | None] = shutil.which,
    run: Run = _run,
    root: Path = ROOT,
    environ: Mapping[str, str] = os.environ,
    kubeconfig_problem: Callable[[], str | None] = _kubeconfig_problem,
) -> str | None:
    """Everything the suite lacks here, joined with "; ", or None when it can run."""
    problems: list[str] = []
    if not importable("jubilant"):
        problems.append("jubilant is not installed: run the suite with `tox -e integration`")
    juju = which("juju")
    if juju is None:
        problems.append(
            "no `juju` binary on PATH: install Juju 3.6 or later (`sudo snap install juju`) "
            "and bootstrap a controller on MicroK8s or Canonical K8s"
        )
    else:
        controller = _controller_problem(juju, run)
        if controller:
            problems.append(controller)
    for charm in CHARMS:
        if packed_charm(charm, root, environ) is None:
            problems.append(
                f"no packed charm {charm}/{charm}_*.charm: run `make pack` "
                f"(or set {override_variable(charm)}=/path/to/{charm}.charm)"
            )
    kube = kubeconfig_problem()
    if kube:
        problems.append(kube)
    return "; ".join(problems) or None
