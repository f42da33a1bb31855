"""The one error type a reader returns instead of raising on bad data from the other side."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DataError:
    """What is wrong with the other side's databag, by wire key.

    Returned, never raised: a DNS provider writing garbage must cost us a status line, not the
    hook, and must change nothing else the charm does.
    """

    field: str
    """The databag key at fault (`dns_entries`; positions inside it are in `message`)."""
    message: str
    """Why, in words an operator can act on."""

    def __str__(self) -> str:
        return f"dns-record: field '{self.field}': {self.message}"
