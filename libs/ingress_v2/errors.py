"""The one error type this library hands back for bad relation data.

Bad data from a requirer is another team's bug, not ours: it is returned, never raised, so the
charm can show it in a status and keep serving everything else.
"""

import json
from typing import Any

from pydantic import BaseModel, ConfigDict

# A value shown back to the user is cut to this many characters so that the whole message still
# fits comfortably in a Juju status line.
_MAX_SHOWN_VALUE = 24

TOO_DEEP = "is JSON nested too deeply to decode (invalid here)"
"""The reason for a value nested past the decoder's recursion limit (not a type mistake)."""

_JSON_TYPE_NAMES: tuple[tuple[type, str], ...] = (
    (bool, "a boolean"),
    (int, "a number"),
    (float, "a number"),
    (str, "a string"),
    (list, "a list"),
    (dict, "an object"),
)


class IngressDataError(BaseModel):
    """One problem with one key in one databag of the ingress relation.

    Attributes:
        relation: the relation as Juju names it, e.g. ``ingress:3``.
        databag: whose databag holds the problem: the remote application or unit name.
        key: the databag key at fault, or None when the databag as a whole is at fault.
        reason: what is wrong, phrased to follow the key (``must be ..., got ...``).
    """

    model_config = ConfigDict(frozen=True)

    relation: str
    databag: str
    key: str | None
    reason: str

    def __str__(self) -> str:
        """Short enough for a Juju status: ``catalogue port: must be ..., got "80" (a string)``."""
        where = f"{self.databag} {self.key}" if self.key else self.databag
        return f"{where}: {self.reason}"

    @property
    def log_message(self) -> str:
        """The full story for the debug log, naming the relation too."""
        key = f"key {self.key!r}" if self.key else "databag"
        return f"relation {self.relation}, {self.databag} {key}: {self.reason}"


def describe_value(value: Any) -> str:
    """Render a decoded JSON value and its JSON type, e.g. ``"80" (a string)``.

    Values are shown as JSON because that is how the requirer wrote them; the type is named
    because ``"80"`` versus ``80`` is the most common mistake and easy to miss.
    """
    try:
        shown = json.dumps(value)
    except (RecursionError, ValueError):
        # Decoded near the recursion limit, it may be too deep to encode again from here.
        return f"a deeply nested value ({json_type_name(value)})"
    return f"{_shorten(shown)} ({json_type_name(value)})"


def describe_raw(raw: str) -> str:
    """Render a databag value that is not JSON at all."""
    return _shorten(repr(raw))


def json_type_name(value: Any) -> str:
    """Name a decoded JSON value's type the way JSON does, not the way Python does."""
    if value is None:
        return "null"
    # bool first: in Python True is an int, in JSON it is not a number.
    for python_type, name in _JSON_TYPE_NAMES:
        if isinstance(value, python_type):
            return name
    return type(value).__name__


def _shorten(text: str) -> str:
    if len(text) <= _MAX_SHOWN_VALUE:
        return text
    return text[: _MAX_SHOWN_VALUE - 1] + "…"
