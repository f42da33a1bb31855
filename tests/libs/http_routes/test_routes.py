from collections.abc import Callable

import pytest
from lightkube import Client, codecs

import kube_apply  # noqa: F401 - registers the Gateway API kinds with lightkube's codecs
from gateway_route import ParentRef
from http_routes import Attachment, Backend, desired_routes
from kube_objects import MAX_PARENT_REFS, MAX_RULES
from kube_objects import MAX_ROUTE_HOSTNAMES as MAX_HOSTNAMES
from kubedouble.validation import Validator

BACKEND = Backend("catalogue-8080", 8080)
HOST = "shop.example.com"


def http(section: str, port: int = 80) -> ParentRef:
    return ParentRef(
        name="gateway", namespace="edge", section_name=section, protocol="HTTP", port=port
    )


def https(section: str, port: int = 443) -> ParentRef:
    return ParentRef(
        name="gateway", namespace="edge", section_name=section, protocol="HTTPS", port=port
    )


def both(hostname: str) -> Attachment:
    """A hostname with a plain-HTTP and an HTTPS listener, as the gateway gives them."""
    label = hostname.replace(".", "-")
    return Attachment(hostname, (http(f"http-{label}"), https(f"https-{label}")))


def build(attachments: list[Attachment], paths: tuple[str, ...] = ("/",), **options) -> list[dict]:
    return desired_routes(
        name="catalogue",
        namespace="shop",
        attachments=attachments,
        paths=paths,
        backend=BACKEND,
        **options,
    )


def filters_of(route: dict) -> list[str]:
    return [f["type"] for rule in route["spec"]["rules"] for f in rule.get("filters", [])]


# ----- a small model of what data planes do with a route's rules (gateway-api#3592) ---------


def spec_prefix_match(value: str, path: str) -> str | None:
    """Gateway API semantics: element-wise prefix, a trailing "/" in the value is ignored."""
    prefix = value.rstrip("/") or "/"
    if prefix in ("/", path) or path.startswith(prefix + "/"):
        return prefix
    return None


def envoy_prefix_match(value: str, path: str) -> str | None:
    """Envoy-based data planes: a value ending in "/" is a literal prefix, else path-separated."""
    if value.endswith("/"):
        return value if path.startswith(value) else None
    if value in ("/", path) or path.startswith(value + "/"):
        return value
    return None


def spec_replace(matched: str, replacement: str, path: str) -> str:
    rest = path[len(matched) :]
    if replacement.endswith("/") and rest.startswith("/"):
        rest = rest[1:]
    return (replacement + rest) or "/"


def envoy_replace(matched: str, replacement: str, path: str) -> str:
    return replacement + path[len(matched) :]  # literal prefix_rewrite


DataPlane = tuple[Callable[[str, str], str | None], Callable[[str, str, str], str]]
DATA_PLANES: dict[str, DataPlane] = {
    "spec": (spec_prefix_match, spec_replace),
    "envoy": (envoy_prefix_match, envoy_replace),
}


def forwarded_path(rules: list[dict], path: str, plane: DataPlane) -> str | None:
    """The path the backend receives, choosing the rule by Gateway API precedence."""
    prefix_match, replace = plane
    best: tuple[int, dict, str] | None = None
    for rule in rules:
        match = rule["matches"][0]["path"]
        if match["type"] == "Exact":
            matched = match["value"] if path == match["value"] else None
            rank = 10_000
        else:
            matched = prefix_match(match["value"], path)
            rank = len(match["value"].rstrip("/"))
        if matched is not None and (best is None or rank > best[0]):
            best = (rank, rule, matched)
    if best is None:
        return None
    _, rule, matched = best
    for entry in rule.get("filters", []):
        if entry["type"] == "URLRewrite":
            modifier = entry["urlRewrite"]["path"]
            if modifier["type"] == "ReplaceFullPath":
                return modifier["replaceFullPath"]
            return replace(matched, modifier["replacePrefixMatch"], path)
    return path


# ----- tests ------------------------------------------------------------------------------


def test_one_hostname_gives_one_route_with_a_rule_per_path() -> None:
    (route,) = build([Attachment(HOST, (http("http-shop"),))], paths=("/", "/api"))

    assert route["metadata"] == {"name": "catalogue", "namespace": "shop"}
    assert route["spec"] == {
        "parentRefs": [
            {
                "group": "gateway.networking.k8s.io",
                "kind": "Gateway",
                "name": "gateway",
                "namespace": "edge",
                "sectionName": "http-shop",
            }
        ],
        "hostnames": [HOST],
        "rules": [
            {
                "matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
                "backendRefs": [{"name": "catalogue-8080", "port": 8080}],
            },
            {
                "matches": [{"path": {"type": "PathPrefix", "value": "/api"}}],
                "backendRefs": [{"name": "catalogue-8080", "port": 8080}],
            },
        ],
    }


def test_hostname_and_its_listeners_share_a_route_when_rules_are_the_same() -> None:
    (route,) = build([both(HOST)])

    assert [p["sectionName"] for p in route["spec"]["parentRefs"]] == [
        "http-shop-example-com",
        "https-shop-example-com",
    ]


def test_hostname_less_attachment_has_no_hostnames() -> None:
    (route,) = build([Attachment(None, (http("http"),))], paths=("/shop-catalogue",))

    assert "hostnames" not in route["spec"]
    assert route["spec"]["rules"][0]["matches"] == [
        {"path": {"type": "PathPrefix", "value": "/shop-catalogue"}}
    ]


def test_no_attachment_gives_no_route() -> None:
    assert build([]) == []


def test_strip_prefix_keeps_each_rewrite_alone_with_one_prefix_match() -> None:
    routes = build([both(HOST)], paths=("/api", "/static"), strip_prefix=True)

    rewrites = [
        rule
        for route in routes
        for rule in route["spec"]["rules"]
        if any(f["type"] == "URLRewrite" for f in rule.get("filters", []))
    ]
    assert len(rewrites) == 4
    for rule in rewrites:
        assert len(rule["matches"]) == 1
        modifier = rule["filters"][0]["urlRewrite"]["path"]
        if modifier["type"] == "ReplacePrefixMatch":
            assert rule["matches"][0]["path"]["type"] == "PathPrefix"


def test_strip_prefix_leaves_the_root_path_alone() -> None:
    (route,) = build([both(HOST)], paths=("/",), strip_prefix=True)

    assert route["spec"]["rules"] == [
        {
            "matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
            "backendRefs": [{"name": "catalogue-8080", "port": 8080}],
        }
    ]


@pytest.mark.parametrize("plane", sorted(DATA_PLANES))
@pytest.mark.parametrize(
    ("request_path", "expected"),
    [
        ("/api/x", "/x"),
        ("/api/x/y", "/x/y"),
        ("/api/", "/"),
        ("/api", "/"),
        ("/static/app.css", "/app.css"),
        ("/other", "/other"),  # served by "/" unchanged
        ("/apix", "/apix"),  # not under /api: "/" serves it, unstripped
    ],
)
def test_strip_prefix_forwards_sub_paths_without_double_slashes(
    plane: str, request_path: str, expected: str
) -> None:
    (route,) = build([both(HOST)], paths=("/", "/api", "/static"), strip_prefix=True)

    forwarded = forwarded_path(route["spec"]["rules"], request_path, DATA_PLANES[plane])

    assert forwarded == expected


def test_the_data_plane_model_reproduces_the_double_slash_of_a_naive_rewrite() -> None:
    naive = [
        {
            "matches": [{"path": {"type": "PathPrefix", "value": "/api"}}],
            "filters": [
                {
                    "type": "URLRewrite",
                    "urlRewrite": {
                        "path": {"type": "ReplacePrefixMatch", "replacePrefixMatch": "/"}
                    },
                }
            ],
        }
    ]

    assert forwarded_path(naive, "/api/x", DATA_PLANES["envoy"]) == "//x"


def test_redirect_https_sends_plain_http_to_a_route_of_its_own() -> None:
    serve, redirect = build([both(HOST)], paths=("/", "/api"), redirect_https=True)

    assert [p["sectionName"] for p in serve["spec"]["parentRefs"]] == ["https-shop-example-com"]
    assert [p["sectionName"] for p in redirect["spec"]["parentRefs"]] == ["http-shop-example-com"]
    assert redirect["metadata"]["name"] == "catalogue-2"
    for rule in redirect["spec"]["rules"]:
        assert rule["filters"] == [
            {
                "type": "RequestRedirect",
                "requestRedirect": {"scheme": "https", "statusCode": 301, "port": 443},
            }
        ]
        assert "backendRefs" not in rule


def test_redirect_names_the_https_listener_port() -> None:
    attachment = Attachment(HOST, (http("http-shop"), https("https-shop", port=8443)))

    _, redirect = build([attachment], redirect_https=True)

    assert redirect["spec"]["rules"][0]["filters"][0]["requestRedirect"]["port"] == 8443


def test_redirect_and_rewrite_never_share_a_rule() -> None:
    routes = build([both(HOST)], paths=("/", "/api"), redirect_https=True, strip_prefix=True)

    for route in routes:
        for rule in route["spec"]["rules"]:
            kinds = {f["type"] for f in rule.get("filters", [])}
            assert not {"RequestRedirect", "URLRewrite"} <= kinds


def test_redirect_https_serves_hostnames_without_https_over_http() -> None:
    plain = Attachment("plain.example.com", (http("http-plain"),))

    (route,) = build([plain], redirect_https=True)

    assert "RequestRedirect" not in filters_of(route)
    assert route["spec"]["rules"][0]["backendRefs"]


def test_hsts_is_set_on_https_attachments_only() -> None:
    secure, plain = build(
        [both(HOST)], paths=("/", "/api"), strip_prefix=True, hsts_max_age=31536000
    )

    assert [p["sectionName"] for p in secure["spec"]["parentRefs"]] == ["https-shop-example-com"]
    for rule in secure["spec"]["rules"]:
        assert {
            "type": "ResponseHeaderModifier",
            "responseHeaderModifier": {
                "set": [{"name": "Strict-Transport-Security", "value": "max-age=31536000"}]
            },
        } in rule["filters"]
    assert [p["sectionName"] for p in plain["spec"]["parentRefs"]] == ["http-shop-example-com"]
    assert "ResponseHeaderModifier" not in filters_of(plain)


def test_no_hsts_header_when_max_age_is_zero() -> None:
    (route,) = build([both(HOST)], hsts_max_age=0)

    assert "ResponseHeaderModifier" not in filters_of(route)


def many_hostnames(count: int) -> list[Attachment]:
    return [both(f"h{i}.example.com") for i in range(count)]


@pytest.mark.parametrize(
    ("hostnames", "paths", "options", "routes"),
    [
        (17, 1, {}, 2),  # 17 hostnames; 34 parents
        (1, 17, {}, 2),  # 17 rules
        (1, 9, {"strip_prefix": True}, 2),  # 18 rules: two per stripped path
        (16, 1, {}, 1),  # exactly at the limits
        (40, 20, {"redirect_https": True, "hsts_max_age": 60}, 12),
    ],
)
def test_routes_split_to_stay_inside_the_crd_limits(
    hostnames: int, paths: int, options: dict, routes: int
) -> None:
    path_list = ("/", *(f"/p{i}" for i in range(paths - 1)))

    built = build(many_hostnames(hostnames), paths=path_list, **options)

    assert len(built) == routes
    for route in built:
        assert len(route["spec"].get("hostnames", [])) <= MAX_HOSTNAMES
        assert len(route["spec"]["parentRefs"]) <= MAX_PARENT_REFS
        assert len(route["spec"]["rules"]) <= MAX_RULES


def test_split_routes_cover_every_hostname_listener_and_path_once() -> None:
    attachments = many_hostnames(17)
    paths = ("/", *(f"/p{i}" for i in range(16)))

    built = build(attachments, paths=paths)

    covered = [
        (host, ref["sectionName"], rule["matches"][0]["path"]["value"])
        for route in built
        for host in route["spec"]["hostnames"]
        for ref in route["spec"]["parentRefs"]
        if ref["sectionName"].endswith(host.replace(".", "-"))
        for rule in route["spec"]["rules"]
    ]
    expected = {
        (a.hostname, p.section_name, path)
        for a in attachments
        for p in a.parents
        for path in paths
    }
    assert sorted(covered) == sorted(expected)


def test_split_route_names_are_deterministic() -> None:
    first = build(many_hostnames(20), paths=("/", "/a"))
    again = build(many_hostnames(20), paths=("/", "/a"))

    assert [r["metadata"]["name"] for r in first] == ["catalogue", "catalogue-2"]
    assert first == again


def test_a_listener_shared_by_hostnames_is_referenced_once() -> None:
    shared = http("http")
    attachments = [Attachment("a.example.com", (shared,)), Attachment("b.example.com", (shared,))]

    (route,) = build(attachments)

    assert len(route["spec"]["parentRefs"]) == 1
    assert route["spec"]["hostnames"] == ["a.example.com", "b.example.com"]


SCENARIOS = {
    "plain": ([Attachment(HOST, (http("http-shop"),))], ("/",), {}),
    "hostname-less": (
        [Attachment(None, (http("http"),))],
        ("/shop-catalogue",),
        {"strip_prefix": True},
    ),
    "strip two paths": ([both(HOST)], ("/api", "/static"), {"strip_prefix": True}),
    "redirect": ([both(HOST)], ("/", "/api"), {"redirect_https": True, "strip_prefix": True}),
    "hsts": ([both(HOST)], ("/", "/api"), {"hsts_max_age": 31536000, "strip_prefix": True}),
    # 32 parents: the most an HTTPRoute may have (the pairwise rules have native twins).
    "split": (
        [Attachment(f"h{i}.example.com", (http(f"http-h{i}"),)) for i in range(32)],
        tuple(f"/p{i}" for i in range(17)),
        {},
    ),
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_every_built_route_is_admitted_by_the_crds(scenario: str, validator: Validator) -> None:
    attachments, paths, options = SCENARIOS[scenario]

    for route in build(attachments, paths=paths, **options):
        admission = validator.admit(route, None)
        assert admission.errors == []
        assert admission.warnings == []


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_every_built_route_is_stored_alike_by_both_servers(scenario: str, api_any) -> None:
    attachments, paths, options = SCENARIOS[scenario]
    expected = Validator(api_any.gateway_api_version)
    api_any.ensure_namespace("shop")
    client = Client(field_manager="http-routes-test", dry_run=True)

    for route in build(attachments, paths=paths, **options):
        stored = client.create(codecs.from_dict(route)).to_dict()  # type: ignore[union-attr]
        assert stored["spec"] == expected.admit(route, None).obj["spec"]
    assert api_any.warnings == []


def test_crd_rejects_a_prefix_rewrite_rule_with_two_path_matches(validator: Validator) -> None:
    (route,) = build([both(HOST)], paths=("/api",), strip_prefix=True)
    broken = route["spec"]["rules"][0]
    broken["matches"].append({"path": {"type": "PathPrefix", "value": "/other/"}})

    errors = validator.admit(route, None).errors

    assert any("exactly one PathPrefix match" in error for error in errors)
