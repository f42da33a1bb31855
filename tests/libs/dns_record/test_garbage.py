"""Whatever a provider writes, reading it returns a value and never raises."""

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from dns_record import KEY, DataError, DnsAnswer, decode_answers, decode_entries, summarize

OURS = "207ddfc1-8196-501a-af35-f041dedd4c1e"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
statuses = st.sampled_from(["approved", "conflict", "unknown", "pending"]) | st.text(max_size=8)
answer_like = st.fixed_dictionaries(
    {"uuid": st.sampled_from([OURS, OURS.upper(), "x"]) | st.text(max_size=8)},
    optional={"status": statuses | json_values, "description": st.text() | json_values},
)
items = st.lists(answer_like | json_values, max_size=5)
values = (
    st.text(max_size=60)
    | json_values.map(lambda value: json.dumps(value, allow_nan=True))
    | items.map(lambda value: json.dumps(value, allow_nan=True))
)


def check(result: Any) -> None:
    if isinstance(result, DataError):
        assert result.field == KEY
        assert result.message
    elif result is not None:
        assert set(result) <= {OURS}
        assert all(isinstance(answer, DnsAnswer) for answer in result.values())


@given(value=values, extra=st.dictionaries(st.text(max_size=8), st.text(max_size=8)))
def test_garbage_never_raises_and_only_our_answers_come_back(value: str, extra: dict[str, str]):
    result = decode_answers({**extra, KEY: value}, [OURS])

    check(result)
    if isinstance(result, dict):
        summarize([], result)


@given(value=values)
def test_garbage_requirer_data_never_raises(value: str):
    result = decode_entries({KEY: value})

    assert isinstance(result, DataError | list)
