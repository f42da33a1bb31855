"""Build the real kube-apiserver test binary (tests/realapi) once per source, and cache it.

The binary lands in `.cache/realapi/<kubernetes version>/realapi-<hash>`, where the hash covers
the Go module's files (go.mod, go.sum, *.go) and the build recipe below: a changed source
builds anew, an unchanged one is reused. Go's own build and module caches make a rebuild after
a small change quick; only the first build on a machine is slow (docs/reference/real-apiserver.md
has the figures). Concurrent callers (pytest-xdist workers, two tox runs) take a file lock, so
one builds and the others wait for its result.

`python -m realapi.build` (or scripts/build_realapi.py) builds and prints the binary's path.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

# tests/support/realapi/build.py -> the repository root is three levels up.
REPO_ROOT = Path(__file__).resolve().parents[3]
SOURCE = REPO_ROOT / "tests" / "realapi"
CACHE = REPO_ROOT / ".cache" / "realapi"
BINARY_ENV = "REALAPI_BINARY"  # a prebuilt binary to use instead of building one
GO_ENV = "GO"  # the go command, when not `go` on PATH

# Part of the cache key: changing how the binary is built must rebuild it.
RECIPE = "v1: go build -buildvcs=false -ldflags '-s -w -X version...' CGO_ENABLED=0"
_VERSION_PACKAGE = "k8s.io/component-base/version"
_REQUIRE = re.compile(r"^\s*k8s\.io/kubernetes\s+(v\d+\.\d+\.\d+)\s*$", re.MULTILINE)


class GoMissing(RuntimeError):
    """No Go toolchain: the real-server tier cannot be built on this machine."""


class BuildFailed(RuntimeError):
    """`go build` failed; the message ends with its output."""


@dataclass(frozen=True)
class Build:
    """A usable binary and how it came to be."""

    binary: Path
    kubernetes_version: str
    from_cache: bool
    seconds: float  # of the build that produced it (0 for a binary given by REALAPI_BINARY)
    peak_rss_mb: float | None  # largest process of that build
    go_version: str


def kubernetes_version(source: Path = SOURCE) -> str:
    """The k8s.io/kubernetes release the module requires (e.g. v1.36.3)."""
    found = _REQUIRE.search((source / "go.mod").read_text(encoding="utf-8"))
    if found is None:
        raise BuildFailed(f"{source / 'go.mod'} does not require k8s.io/kubernetes vX.Y.Z")
    return found.group(1)


def source_hash(source: Path = SOURCE) -> str:
    """Hash of the module's files and the build recipe: the cache key."""
    digest = hashlib.sha256(RECIPE.encode())
    files = [source / "go.mod", source / "go.sum", *sorted(source.glob("*.go"))]
    for file in files:
        digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def go_command() -> str:
    """The go executable, or GoMissing saying why there is none."""
    named = os.environ.get(GO_ENV) or "go"
    found = shutil.which(named)
    if found is None:
        raise GoMissing(f"no Go toolchain ({named!r} is not on PATH)")
    return found


def ldflags(version: str) -> str:
    """Strip debug data; stamp the release so /version names it instead of v0.0.0-master."""
    major, minor, _ = version.removeprefix("v").split(".")
    stamps = {
        "gitVersion": version,
        "gitMajor": major,
        "gitMinor": minor,
        "gitTreeState": "clean",
    }
    return " ".join(["-s", "-w"] + [f"-X {_VERSION_PACKAGE}.{k}={v}" for k, v in stamps.items()])


def ensure_built(*, log: bool = True) -> Build:
    """Return the cached binary for the current source, building it first when needed."""
    prebuilt = os.environ.get(BINARY_ENV)
    if prebuilt:
        path = Path(prebuilt)
        if not os.access(path, os.X_OK):
            raise BuildFailed(f"{BINARY_ENV}={prebuilt} is not an executable file")
        return Build(path, kubernetes_version(), True, 0.0, None, "unknown (prebuilt)")
    version = kubernetes_version()
    folder = CACHE / version
    binary = folder / f"realapi-{source_hash()}"
    record = binary.with_suffix(".json")
    if binary.exists() and record.exists():
        return _cached(binary, record)
    go = go_command()
    folder.mkdir(parents=True, exist_ok=True)
    with _locked(folder / ".lock"):
        if binary.exists() and record.exists():  # another process built it while we waited
            return _cached(binary, record)
        return _build(go, version, binary, record, log=log)


def _cached(binary: Path, record: Path) -> Build:
    data = json.loads(record.read_text(encoding="utf-8"))
    return Build(**{**data, "binary": binary, "from_cache": True})


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build(go: str, version: str, binary: Path, record: Path, *, log: bool) -> Build:
    go_version = subprocess.run(  # noqa: S603 - the go toolchain, fixed arguments
        [go, "env", "GOVERSION"], capture_output=True, text=True, check=True
    ).stdout.strip()
    partial = binary.with_name(f"{binary.name}.partial-{os.getpid()}")
    command = [go, "build", "-buildvcs=false", "-ldflags", ldflags(version), "-o", str(partial)]
    if log:
        print(
            f"realapi: building kube-apiserver {version} with {go_version} "
            f"(first build on a machine takes minutes; cached in {binary.parent})",
            file=sys.stderr,
            flush=True,
        )
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603 - the go toolchain, arguments built here
        [*command, "."],
        cwd=SOURCE,
        env={**os.environ, "CGO_ENABLED": "0"},
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = round(time.monotonic() - started, 1)
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BuildFailed(f"go build failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    # Largest resident set of any process the build waited for (the compiler or the linker).
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    os.replace(partial, binary)
    built = Build(binary, version, False, seconds, round(peak_kb / 1024, 1), go_version)
    fields = {k: v for k, v in asdict(built).items() if k not in ("binary", "from_cache")}
    record.write_text(json.dumps(fields, indent=2) + "\n", encoding="utf-8")
    if log:
        print(f"realapi: built in {seconds} s -> {binary}", file=sys.stderr, flush=True)
    return built


def main(argv: list[str] | None = None) -> int:
    """Build (or find) the binary and print its path; with --if-go, no Go is not an error."""
    parser = argparse.ArgumentParser(description="Build (or find) the real kube-apiserver.")
    parser.add_argument(
        "--if-go",
        action="store_true",
        help="without a Go toolchain, say so and exit 0 (the real-server tier is then skipped)",
    )
    args = parser.parse_args(argv)
    try:
        build = ensure_built()
    except GoMissing as missing:
        if os.environ.get("CI"):  # CI has Go by contract: a missing toolchain is a broken CI
            print(f"realapi: CI must run the real kube-apiserver tier: {missing}", file=sys.stderr)
            return 1
        print(
            f"realapi: SKIPPED building the real kube-apiserver ({missing}); "
            "its tests will be skipped. Install Go 1.26+ to run them.",
            file=sys.stderr,
        )
        return 0 if args.if_go else 1
    except BuildFailed as failed:
        print(f"realapi: {failed}", file=sys.stderr)
        return 1
    origin = "cached" if build.from_cache else "built"
    print(
        f"realapi: kube-apiserver {build.kubernetes_version} {origin} "
        f"(build took {build.seconds} s, peak RSS {build.peak_rss_mb} MB, {build.go_version})",
        file=sys.stderr,
    )
    print(build.binary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
