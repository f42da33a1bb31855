"""The scenario file: which applications, how they are related, the cluster, and what to do.

A scenario is YAML, validated here with pydantic so a mistake is reported with the key it is
under (`applications.shop.units: Input should be greater than or equal to 1`). The format is
documented in docs/reference/scenarios.md; keep the two in step.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from bundlesim.dnsprovider import RECORD_TYPES
from kubedouble.profiles import DEFAULT_PROFILE, PROFILES
from modelsim.crossmodel import CrossModelNames

CharmKind = Literal[
    "gateway-api-integrator",
    "gateway-route-configurator",
    "tls-provider",
    "workload",
    "dns",
    "canonical-gateway",
]
CHARMS_UNDER_TEST: frozenset[str] = frozenset(
    {"gateway-api-integrator", "gateway-route-configurator"}
)
REFRESHED_TO = "gateway-api-integrator"
"""What a `refresh` step turns an application into."""
REFRESHABLE: frozenset[str] = frozenset({"canonical-gateway", REFRESHED_TO})
CONFIGURED: frozenset[str] = CHARMS_UNDER_TEST | {"canonical-gateway"}
"""Kinds that take `config` (the stand-in for Canonical's charm holds its config for refresh)."""
# Spelled out for the type checker; a test keeps it equal to kubedouble.versions.
GatewayApiVersion = Literal["v1.2.1", "v1.4.1", "v1.6.1"]
Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$", max_length=63)]
ConfigValue = str | bool | int | float


class ScenarioError(Exception):
    """A scenario that cannot be run; each problem names the key it is under."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__(f"{source}: " + "; ".join(self.problems))


class _Strict(BaseModel):
    # Unknown keys are errors: a typo must not silently become a default.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Ingress(_Strict):
    """What a workload writes on its `ingress` relation (ingress v2)."""

    app: dict[str, JsonValue] = Field(default_factory=dict)
    units: dict[str, JsonValue] | None = None
    encoding: Literal["json", "raw"] = "json"

    @model_validator(mode="after")
    def _raw_values_are_strings(self) -> Ingress:
        if self.encoding == "raw":
            for where, bag in (("app", self.app), ("units", self.units or {})):
                for key, value in bag.items():
                    if not isinstance(value, str):
                        raise ValueError(f"{where}.{key}: encoding raw needs string values")
        return self


class ExistingRecord(_Strict):
    """A record the DNS stand-in already serves, in `dns_record`'s wire field names."""

    domain: Annotated[str, StringConstraints(min_length=1)]
    host_label: Annotated[str, StringConstraints(min_length=1)] = "@"
    ttl: int = Field(default=600, ge=0)
    record_class: Literal["IN"] = "IN"
    record_type: str = "A"
    record_data: str

    @field_validator("record_type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in RECORD_TYPES:
            raise ValueError(f"unknown record type {value!r}; known: {', '.join(RECORD_TYPES)}")
        return value


class Dns(_Strict):
    """The DNS stand-in's settings: records it already has, and how it treats invalid entries."""

    records: list[ExistingRecord] = Field(default_factory=list)
    answer_invalid: bool = Field(default=False, alias="answer-invalid")


class Application(_Strict):
    """One application: a charm under test, or a stand-in (TLS provider, workload, DNS)."""

    charm: CharmKind
    model: Name = "default"
    units: int = Field(default=1, ge=1, le=10)
    config: dict[str, ConfigValue] = Field(default_factory=dict)
    trust: bool = True
    ingress: Ingress | None = None
    dns: Dns | None = None

    @model_validator(mode="after")
    def _keys_fit_the_charm(self) -> Application:
        if self.ingress is not None and self.charm != "workload":
            raise ValueError(f"ingress: only a workload writes ingress data, not {self.charm}")
        if self.dns is not None and self.charm != "dns":
            raise ValueError(f"dns: only a dns stand-in has DNS records, not {self.charm}")
        if self.config and self.charm not in CONFIGURED:
            raise ValueError(f"config: a {self.charm} stand-in has no config")
        return self


class Cluster(_Strict):
    """The Kubernetes cluster: which Gateway API CRDs, which GatewayClasses, what it holds."""

    gateway_api: GatewayApiVersion = Field(default="v1.6.1", alias="gateway-api")
    gateway_classes: list[Name] = Field(
        default_factory=lambda: ["cilium"], alias="gateway-classes"
    )
    objects: list[dict[str, JsonValue]] = Field(default_factory=list)
    """Objects already in the cluster (what another charm left), created before deployment."""
    objects_field_manager: Name = Field(default="kubectl", alias="objects-field-manager")
    """Who applied `objects` (server-side apply): whose fields a charm adopting them meets."""

    @field_validator("objects")
    @classmethod
    def _objects_are_named(cls, value: list[dict[str, JsonValue]]) -> list[dict[str, JsonValue]]:
        # The API double says what else is wrong when it seeds them; these it cannot name.
        for i, obj in enumerate(value):
            metadata = obj.get("metadata")
            if not (obj.get("apiVersion") and obj.get("kind")):
                raise ValueError(f"[{i}]: an object needs apiVersion and kind")
            if not isinstance(metadata, dict) or not metadata.get("name"):
                raise ValueError(f"[{i}]: an object needs metadata.name")
        return value


class Rejection(_Strict):
    """An HTTPRoute the controller refuses, as `namespace/name`."""

    route: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+/[a-z0-9.-]+$")]
    reason: str = "NotAllowedByListeners"
    message: str = "refused by the scenario's controller"


def _known_profile(name: str | None) -> str | None:
    if name is not None and name not in PROFILES:
        raise ValueError(f"unknown controller profile {name!r}; known: {', '.join(PROFILES)}")
    return name


class Controller(_Strict):
    """The Gateway API controller: which one, whether it runs, the addresses, what it refuses."""

    profile: str = DEFAULT_PROFILE
    running: bool = True
    addresses: list[str] = Field(default_factory=lambda: ["10.0.0.1"])
    reject: list[Rejection] = Field(default_factory=list)

    _profile = field_validator("profile")(_known_profile)


class ControllerChange(_Strict):
    """A `controller` step: the keys given replace the controller's current ones."""

    profile: str | None = None
    running: bool | None = None
    addresses: list[str] | None = None
    reject: list[Rejection] | None = None

    _profile = field_validator("profile")(_known_profile)


class ActionCall(_Strict):
    """`juju run <unit-or-app> <action> key=value ...`, parsed."""

    target: str
    name: str
    params: dict[str, str]

    @classmethod
    def parse(cls, text: str) -> ActionCall:
        """Read `"gateway-api-integrator/0 get-certificate hostname=a.example.com"`."""
        words = shlex.split(text)
        if len(words) < 2:
            raise ValueError(f"expected '<unit or app> <action> [key=value ...]', got {text!r}")
        params: dict[str, str] = {}
        for word in words[2:]:
            key, sep, value = word.partition("=")
            if not sep or not key:
                raise ValueError(f"parameter {word!r} is not key=value")
            params[key] = value
        return cls(target=words[0], name=words[1], params=params)

    @property
    def app(self) -> str:
        """The application the target unit (or app) belongs to."""
        return self.target.split("/", 1)[0]

    def __str__(self) -> str:
        params = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.params.items())
        return f"{self.target} {self.name} {params}".strip()


class Step(_Strict):
    """One thing the operator (or the world) does; exactly one key is set.

    After every step the runner settles the model (see `BundleRun.settle`).
    """

    settle: bool | None = None
    action: ActionCall | None = None
    config: dict[str, dict[str, ConfigValue | None]] | None = None
    relate: tuple[str, str] | None = None
    unrelate: tuple[str, str] | None = None
    scale: dict[str, int] | None = None
    leader: str | None = None
    remove: str | None = None
    controller: ControllerChange | None = None
    renew_certificate: str | None = Field(default=None, alias="renew-certificate")
    revoke_certificate: str | None = Field(default=None, alias="revoke-certificate")
    rotate_ca: str | None = Field(default=None, alias="rotate-ca")
    """A TLS provider's name: it rotates its CA as self-signed-certificates does."""
    provider_pass: str | None = Field(default=None, alias="provider-pass")
    """A TLS provider's name: its periodic pass (update-status), re-signing what it revoked."""
    trust: dict[str, bool] | None = None
    refresh: str | None = None
    """`juju refresh <app>` to this repository's gateway-api-integrator."""

    @model_validator(mode="before")
    @classmethod
    def _bare_word(cls, value: Any) -> Any:
        # `- settle` reads better than `- settle: true`.
        return {value: True} if isinstance(value, str) else value

    @field_validator("trust", mode="before")
    @classmethod
    def _trust_one(cls, value: Any) -> Any:
        # `- trust: app` is `juju trust app --scope=cluster`; `{app: false}` is `--remove`.
        return {value: True} if isinstance(value, str) else value

    @field_validator("action", mode="before")
    @classmethod
    def _parse_action(cls, value: Any) -> Any:
        return ActionCall.parse(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _exactly_one(self) -> Step:
        given = [name for name in type(self).model_fields if getattr(self, name) is not None]
        if len(given) != 1:
            keys = ", ".join(self.keys()) or "none"
            raise ValueError(f"a step has exactly one key, got: {keys}")
        return self

    def keys(self) -> list[str]:
        """The scenario keys set on this step (one, once validated)."""
        fields = type(self).model_fields
        return [fields[name].alias or name for name in fields if getattr(self, name) is not None]

    @property
    def kind(self) -> str:
        """The step's key, as written in the scenario (`renew-certificate`, `scale`, ...)."""
        return self.keys()[0]

    def __str__(self) -> str:
        """The step as a scenario line, e.g. `config: {shop-route: {hostname: a.example.com}}`."""
        name = next(name for name in type(self).model_fields if getattr(self, name) is not None)
        value = getattr(self, name)
        if self.settle is not None or isinstance(value, ActionCall | str):
            return f"{self.kind}: {value}" if self.settle is None else self.kind
        if isinstance(value, BaseModel):
            value = value.model_dump(mode="json", by_alias=True, exclude_none=True)
        elif isinstance(value, tuple):
            value = list(value)
        shown = yaml.safe_dump(value, default_flow_style=True, width=10**6).strip()
        return f"{self.kind}: {shown}"


class Scenario(_Strict):
    """A whole bundle run."""

    description: str = ""
    cross_model_names: CrossModelNames = Field(default="simple", alias="cross-model-names")
    cluster: Cluster = Field(default_factory=Cluster)
    controller: Controller = Field(default_factory=Controller)
    applications: dict[Name, Application]
    relations: list[tuple[str, str]] = Field(default_factory=list)
    steps: list[Step] = Field(default_factory=list)

    @model_validator(mode="after")
    def _names_exist(self) -> Scenario:
        problems = [
            f"relations[{i}][{j}]: unknown application {end.split(':')[0]!r}"
            for i, pair in enumerate(self.relations)
            for j, end in enumerate(pair)
            if end.split(":")[0] not in self.applications
        ]
        for i, step in enumerate(self.steps):
            problems += [
                f"steps[{i}].{step.kind}: unknown application {app!r}"
                for app in _apps_named(step)
                if app not in self.applications
            ]
            if step.refresh in self.applications:
                kind = self.applications[step.refresh].charm
                if kind not in REFRESHABLE:
                    problems.append(
                        f"steps[{i}].refresh: {step.refresh} is a {kind}; only a "
                        f"{' or '.join(sorted(REFRESHABLE))} is refreshed to {REFRESHED_TO}"
                    )
            problems += [
                f"steps[{i}].trust: {app} is a {self.applications[app].charm} stand-in, "
                "not a charm under test"
                for app in step.trust or {}
                if app in self.applications
                and self.applications[app].charm not in CHARMS_UNDER_TEST
            ]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def of_kind(self, charm: str) -> list[str]:
        """Names of the applications running `charm`, in file order."""
        return [name for name, app in self.applications.items() if app.charm == charm]


def _apps_named(step: Step) -> list[str]:
    """Applications a step refers to (to check they are declared)."""
    names: list[str] = []
    if step.action is not None:
        names.append(step.action.app)
    for pair in (step.relate, step.unrelate):
        names += [end.split(":")[0] for end in pair or ()]
    names += list(step.config or {}) + list(step.scale or {}) + list(step.trust or {})
    names += [
        value.split("/")[0]
        for value in (step.leader, step.remove, step.refresh)
        if value is not None
    ]
    return names


def parse_scenario(data: Any, source: str = "<scenario>") -> Scenario:
    """Validate parsed YAML; raise ScenarioError naming each bad key."""
    if not isinstance(data, Mapping):
        raise ScenarioError(source, ["the top level must be a mapping with 'applications'"])
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(source, [_problem(e) for e in error.errors()]) from None


def load_scenario(path: Path | str) -> Scenario:
    """Read and validate a scenario file."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text())
    except OSError as error:
        raise ScenarioError(str(path), [f"cannot read: {error.strerror}"]) from None
    except yaml.YAMLError as error:
        raise ScenarioError(str(path), [f"not valid YAML: {error}"]) from None
    return parse_scenario(data, str(path))


def _problem(error: Mapping[str, Any]) -> str:
    where = ""
    for part in error["loc"]:
        if isinstance(part, int):
            where += f"[{part}]"
        elif part not in _UNION_TAGS:
            where += f".{part}" if where else str(part)
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


# pydantic puts the union member tried in `loc` (e.g. `str`, `tuple[str, str]`); a reader of a
# scenario error only needs the key.
_UNION_TAGS = frozenset({"str", "bool", "int", "float", "function-after[parse(), str]"})
