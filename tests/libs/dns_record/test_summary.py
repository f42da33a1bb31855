"""Sorting our entries by the provider's verdicts, for the charm's status."""

import pytest

from dns_record import DnsAnswer, DnsEntry, Refusal, desired_records, summarize

ENTRIES = desired_records(
    ["app.example.com", "shop.example.com", "www.example.com"], ["10.1.2.3"]
).entries
APP, SHOP, WWW = ENTRIES


def answers(**statuses: str) -> dict[str, DnsAnswer]:
    by_name = {"app": APP, "shop": SHOP, "www": WWW}
    return {
        by_name[name].uuid: DnsAnswer(uuid=by_name[name].uuid, status=status)  # type: ignore[arg-type]
        for name, status in statuses.items()
    }


def test_before_the_provider_writes_every_entry_is_waiting():
    summary = summarize(ENTRIES, None)

    assert (summary.approved, summary.refused, summary.waiting) == ((), (), ENTRIES)
    assert not summary.settled


def test_approved_entries_are_approved():
    summary = summarize(ENTRIES, answers(app="approved", shop="approved", www="approved"))

    assert summary.approved == ENTRIES
    assert summary.settled


@pytest.mark.parametrize(
    "status", ["conflict", "unknown", "permission_denied", "invalid_data", "failure"]
)
def test_every_status_but_approved_and_pending_is_a_refusal(status: str):
    summary = summarize(ENTRIES, answers(app="approved", shop=status, www="approved"))

    assert summary.approved == (APP, WWW)
    assert summary.refused == (Refusal(SHOP, status),)  # type: ignore[arg-type]
    assert summary.waiting == ()


def test_pending_from_a_policy_layer_is_waiting():
    summary = summarize(ENTRIES, answers(app="pending", shop="approved", www="approved"))

    assert summary.waiting == (APP,)
    assert summary.refused == ()


def test_no_answer_after_the_provider_has_written_is_a_refusal():
    # bind answers only the entries it could validate: silence is its refusal.
    summary = summarize(ENTRIES, answers(app="approved"))

    assert summary.approved == (APP,)
    assert summary.refused == (Refusal(SHOP, None), Refusal(WWW, None))
    assert all("answered nothing" in refusal.reason for refusal in summary.refused)


def test_no_answer_right_after_we_changed_the_list_is_waiting_not_refused():
    summary = summarize(ENTRIES, answers(app="approved"), just_published=True)

    assert summary.waiting == (SHOP, WWW)
    assert summary.refused == ()


def test_an_answer_to_an_entry_we_no_longer_ask_for_is_ignored():
    [moved] = desired_records(["app.example.com"], ["10.9.9.9"]).entries

    summary = summarize([moved], answers(app="approved"))

    assert summary.approved == ()
    assert summary.refused == (Refusal(moved, None),)


@pytest.mark.parametrize(
    ("refusal", "reason"),
    [
        (Refusal(APP, "conflict"), "conflict: the provider holds another record of that name"),
        (Refusal(APP, "conflict", "duplicate"), "conflict: duplicate"),
        (Refusal(APP, "unknown", "   "), "unknown: the DNS provider did not approve it"),
        (Refusal(APP, None), "no answer: the DNS provider answered nothing for it"),
        (Refusal(APP, "failure", "x" * 500), "failure: " + "x" * 117 + "..."),
    ],
)
def test_refusal_reason_prefers_the_providers_words_and_stays_short(refusal: Refusal, reason: str):
    assert refusal.reason.startswith(reason)
    assert len(refusal.reason) < 200


def test_entries_keep_their_order_within_each_bucket():
    entries: tuple[DnsEntry, ...] = (WWW, APP, SHOP)

    summary = summarize(entries, answers(www="approved", app="approved"))

    assert summary.approved == (WWW, APP)
