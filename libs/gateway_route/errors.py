"""The one error type a reader returns instead of raising on bad remote data."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DataError:
    """What is wrong with the other side's databag, by wire key.

    Returned, never raised: a charm turns it into a status and a log line and keeps serving
    every other relation.
    """

    field: str
    """The databag key at fault (a top-level key; nested positions are in `message`)."""
    message: str
    """Why, in words an operator can act on."""
    newer: bool = False
    """The writer speaks a newer version: the reader's charm is the one to upgrade."""

    def __str__(self) -> str:
        return f"gateway-route: field '{self.field}': {self.message}"
