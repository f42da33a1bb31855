"""Path prefixes as HTTPRoute `PathPrefix` matches accept them, in one canonical form.

The CRDs' CEL rules refuse `//`, `/./`, `/../`, `%2f`, `#` and any character outside the URL
path set; normalising first turns harmless spellings (`/api/`, `//api`) into one prefix, so that
two spellings of the same path are never two rules.
"""

import re

MAX_PATH_LENGTH = 1024
"""`spec.rules[].matches[].path.value` maxLength."""

# The character set of the HTTPRoute path-match CEL rule; `%` only as a percent-encoding.
_PATH_CHARACTERS = re.compile(r"^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})+$")


def normalise_path(value: str) -> str:
    """The canonical prefix for `value`: repeated and trailing slashes and `.` segments gone.

    Raises:
        ValueError: with the reason, phrased to follow the value (`must start with "/"`).
    """
    if not value.startswith("/"):
        raise ValueError('must start with "/"')
    if any(char.isspace() for char in value):
        raise ValueError("must not contain spaces")
    if ".." in value:
        raise ValueError('must not contain ".."')
    if "%2f" in value.lower():
        raise ValueError('must not contain an encoded slash ("%2F")')
    if not _PATH_CHARACTERS.match(value):
        raise ValueError("may only hold URL path characters (letters, digits, -._~!$&'()*+,;=:@/)")
    segments = [segment for segment in value.split("/") if segment not in ("", ".")]
    path = "/" + "/".join(segments)
    if len(path) > MAX_PATH_LENGTH:
        raise ValueError(f"is longer than {MAX_PATH_LENGTH} characters")
    return path


def nest_path(prefix: str, path: str) -> str:
    """`path` served under `prefix` (both canonical): `/shop-app` + `/api` is `/shop-app/api`."""
    if prefix == "/":
        return path
    return prefix if path == "/" else prefix + path
