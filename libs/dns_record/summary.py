"""What the provider made of our entries, in the three buckets a status needs.

bind answers `approved`, `conflict` or `unknown`, and answers nothing at all for an entry it
finds invalid; a policy layer in front of it may say `pending` first. So an entry without an
answer, once the provider has written, counts as refused: it is not coming.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from dns_record.models import DnsAnswer, DnsEntry, Status

_EXPLAINED: dict[Status | None, str] = {
    "conflict": (
        "the provider holds another record of that name and type (another requirer's, or one "
        "of its own)"
    ),
    "permission_denied": "the DNS provider does not let this application publish it",
    "invalid_data": "the DNS provider finds the entry invalid",
    "failure": "the DNS provider failed to publish it",
    "unknown": "the DNS provider did not approve it",
    None: "the DNS provider answered nothing for it (bind does not answer invalid entries)",
}
_MAX_DESCRIPTION = 120


@dataclass(frozen=True)
class Refusal:
    """One of our entries the provider will not publish."""

    entry: DnsEntry
    status: Status | None
    """None: the provider wrote its answers without one for this entry."""
    description: str | None = None
    """The provider's own words, if it gave any."""

    @property
    def reason(self) -> str:
        """Why, for a status line: the provider's words when it has some, else ours."""
        text = " ".join((self.description or "").split())  # one status line, no newlines
        if len(text) > _MAX_DESCRIPTION:
            text = text[: _MAX_DESCRIPTION - 3] + "..."
        explained = _EXPLAINED.get(self.status, _EXPLAINED["unknown"])
        return f"{self.status or 'no answer'}: {text or explained}"


@dataclass(frozen=True)
class DnsSummary:
    """Our entries sorted by the provider's verdict; each entry is in exactly one bucket."""

    approved: tuple[DnsEntry, ...]
    refused: tuple[Refusal, ...]
    waiting: tuple[DnsEntry, ...]
    """No verdict yet: the provider has written nothing, says `pending`, or has not yet seen
    this version of our list."""

    @property
    def settled(self) -> bool:
        """Whether every entry has a final verdict, approved or not."""
        return not self.waiting


def summarize(
    entries: Iterable[DnsEntry],
    answers: Mapping[str, DnsAnswer] | None,
    *,
    just_published: bool = False,
) -> DnsSummary:
    """Sort our entries by the provider's answers.

    Args:
        entries: what we ask for.
        answers: the provider's answers by uuid (`decode_answers`); None when it has written
            nothing yet.
        just_published: this reconcile wrote a changed list, so the answers read in it cannot
            cover the new entries yet; a missing answer then means "wait", not "refused".
    """
    approved: list[DnsEntry] = []
    refused: list[Refusal] = []
    waiting: list[DnsEntry] = []
    for entry in entries:
        answer = answers.get(entry.uuid) if answers is not None else None
        if answer is None:
            if answers is None or just_published:
                waiting.append(entry)
            else:
                refused.append(Refusal(entry, None))
        elif answer.status == "approved":
            approved.append(entry)
        elif answer.status == "pending":
            waiting.append(entry)
        else:
            refused.append(Refusal(entry, answer.status, answer.description))
    return DnsSummary(tuple(approved), tuple(refused), tuple(waiting))
