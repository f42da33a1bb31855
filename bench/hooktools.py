"""Hook-tool calls: what a hook would pay Juju's unit agent, counted under `ops.testing`.

Under real Juju every call of ops' model backend (`relation-get`, `config-get`, `juju-log`, ...)
is a process talking to the unit agent; `ops.testing` answers the same calls in-process, so
nothing shows them. `HookTools` wraps the backend ops.testing uses and counts each call the real
`ops.model._ModelBackend` would make a hook tool of, by the tool's name.

The tool names come from the installed ops' own backend source, so a new ops is counted the way
it really calls out. The real backend's savings are kept: `is-leader` is asked once per 30 s
lease, and the remote application of the relation a hook is about comes from the environment.
"""

from __future__ import annotations

import functools
import inspect
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ops import model as ops_model
from scenario.mocking import _MockModelBackend

MODELLED_MS_PER_CALL = 20.0
"""Per hook-tool call, the cost issue 17 assumes (it cites ~10-30 ms); not a measured figure."""

_WRAPPED = re.compile(r"_wrap_hookcmd\(\s*'([a-z-]+)'")
_CALLED = re.compile(r"hookcmds\.(\w+)\(")
_INTERNAL = {"run"}  # hookcmds._utils.run: the tool is named by _wrap_hookcmd


def tool_names() -> dict[str, str]:
    """Backend method -> the hook tool the real `_ModelBackend` runs for it."""
    found: dict[str, str] = {}
    for name, method in inspect.getmembers(ops_model._ModelBackend, inspect.isfunction):
        source = inspect.getsource(method)
        tools = _WRAPPED.findall(source) or [
            called.replace("_", "-")
            for called in _CALLED.findall(source)
            if called not in _INTERNAL
        ]
        if tools:
            found[name] = tools[0]
    return found


class HookTools:
    """Counts by tool name; `reset()` between hooks."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self._depth = 0
        self._leader_checked: dict[int, float] = {}

    @property
    def total(self) -> int:
        """Every hook-tool call since the last reset."""
        return sum(self.calls.values())

    def reset(self) -> None:
        """Start counting a new hook."""
        self.calls.clear()

    def _counts(self, backend: Any, method: str, args: tuple, kwargs: dict) -> bool:
        """Whether the real backend would run a tool for this call."""
        if self._depth:
            return False  # the mock calling itself (relation_list -> remote app name)
        if method == "juju_log" and threading.current_thread() is not threading.main_thread():
            return False  # a record of the API double's threads, not the charm's
        if method == "is_leader":
            checked = self._leader_checked.get(id(backend))
            lease = ops_model._ModelBackend.LEASE_RENEWAL_PERIOD.total_seconds()
            if checked is not None and time.monotonic() - checked < lease:
                return False
            self._leader_checked[id(backend)] = time.monotonic()
            return True
        if method == "relation_remote_app_name":
            context = backend._juju_context
            relation_id = args[0] if args else kwargs.get("relation_id")
            return not (context.remote_app_name and context.relation_id == relation_id)
        return True

    def _wrap(self, method: str, tool: str, original: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(original)
        def counted(backend: Any, *args: Any, **kwargs: Any) -> Any:
            if self._counts(backend, method, args, kwargs):
                self.calls[tool] += 1
            self._depth += 1
            try:
                return original(backend, *args, **kwargs)
            finally:
                self._depth -= 1

        return counted

    @contextmanager
    def installed(self) -> Iterator[HookTools]:
        """Count every `ops.testing` run inside the block."""
        saved = {name: _MockModelBackend.__dict__.get(name) for name in tool_names()}
        for method, tool in tool_names().items():
            setattr(
                _MockModelBackend,
                method,
                self._wrap(method, tool, getattr(_MockModelBackend, method)),
            )
        try:
            yield self
        finally:
            for name, original in saved.items():
                if original is None:
                    delattr(_MockModelBackend, name)
                else:
                    setattr(_MockModelBackend, name, original)


def modelled_ms(wall_ms: float, calls: int, per_call_ms: float = MODELLED_MS_PER_CALL) -> float:
    """In-process hook time plus `per_call_ms` for each hook-tool call."""
    return wall_ms + calls * per_call_ms
