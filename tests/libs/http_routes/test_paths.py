import pytest

from http_routes import MAX_PATH_LENGTH, nest_path, normalise_path


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("/", "/"),
        ("/api", "/api"),
        ("/api/", "/api"),
        ("//api//v1/", "/api/v1"),
        ("/./api/./v1", "/api/v1"),
        ("/a%20b", "/a%20b"),
        ("/~user/x@y", "/~user/x@y"),
    ],
)
def test_normalise_path_gives_one_canonical_spelling(given: str, expected: str) -> None:
    assert normalise_path(given) == expected


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("api", 'must start with "/"'),
        ("", 'must start with "/"'),
        ("/a b", "must not contain spaces"),
        ("/a/../b", 'must not contain ".."'),
        ("/..", 'must not contain ".."'),
        ("/a%2Fb", "encoded slash"),
        ("/a#b", "URL path characters"),
        ("/a?b", "URL path characters"),
        ("/a%zz", "URL path characters"),
        ("/" + "a" * MAX_PATH_LENGTH, "longer than 1024"),
    ],
)
def test_normalise_path_refuses_what_the_crd_would(given: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        normalise_path(given)


@pytest.mark.parametrize(
    ("prefix", "path", "expected"),
    [
        ("/shop-app", "/", "/shop-app"),
        ("/shop-app", "/api", "/shop-app/api"),
        ("/", "/api", "/api"),
    ],
)
def test_nest_path_puts_paths_under_the_prefix(prefix: str, path: str, expected: str) -> None:
    assert nest_path(prefix, path) == expected
