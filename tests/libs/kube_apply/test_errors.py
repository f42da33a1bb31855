"""API failures map to what the operator must be told and whether a retry can help."""

import httpx2
import pytest
from lightkube import ApiError

from kube_apply import classify
from kube_objects import Conflict, Forbidden, Invalid, NotFound, Unavailable


def api_error(code: int, message: str = "boom") -> ApiError:
    request = httpx2.Request("GET", "http://127.0.0.1/api/v1/services")
    body = {"kind": "Status", "apiVersion": "v1", "status": "Failure", "message": message}
    response = httpx2.Response(code, json=body | {"code": code}, request=request)
    return ApiError(request=request, response=response)


@pytest.mark.parametrize(
    ("code", "expected", "retry"),
    [
        (403, Forbidden, False),
        (404, NotFound, False),
        (422, Invalid, False),
        (409, Conflict, True),
        (500, Unavailable, True),
        (503, Unavailable, True),
    ],
)
def test_api_errors_are_classified_by_code(code: int, expected: type, retry: bool):
    error = classify(api_error(code, "denied by rbac"))
    assert isinstance(error, expected)
    assert error.retry is retry
    assert error.code == code
    assert "denied by rbac" in str(error)


def test_non_json_error_body_is_still_classified():
    request = httpx2.Request("GET", "http://127.0.0.1/api")
    response = httpx2.Response(403, text="forbidden", request=request)
    error = httpx2.HTTPStatusError("forbidden", request=request, response=response)
    assert isinstance(classify(error), Forbidden)


def test_transport_failures_are_retryable():
    error = classify(httpx2.ConnectError("connection refused"))
    assert isinstance(error, Unavailable)
    assert error.retry


def test_unexpected_exceptions_are_not_swallowed():
    with pytest.raises(KeyError):
        classify(KeyError("bug"))
