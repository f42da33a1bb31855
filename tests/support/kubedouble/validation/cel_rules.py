"""`x-kubernetes-validations` rules: compiled once per process, evaluated at their schema nodes.

A `CelNode` mirrors the schema, keeping only the branches that hold rules, so admission walks
just the parts of an object some rule looks at.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import celpy
from celpy import celtypes

from .cel_library import FUNCTIONS, KNOWN_NAMES
from .cel_twins import TWINS, Twin, normalized
from .structural import index, join

# celpy logs every activation at DEBUG with the whole object repr; ops.testing turns the root
# logger to DEBUG, which made one 16-rule HTTPRoute take seconds and trip the client's timeout.
logging.getLogger("celpy").setLevel(logging.WARNING)

_STRINGS = re.compile(
    r"""[rRbB]*("{3}[\s\S]*?"{3}|'{3}[\s\S]*?'{3}|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')"""
)
_CALL = re.compile(r"([A-Za-z_]\w*)\s*\(")
_OLD_SELF = re.compile(r"\boldSelf\b")

_REASONS = {
    "FieldValueRequired": "Required value",
    "FieldValueForbidden": "Forbidden",
    "FieldValueDuplicate": "Duplicate value",
}

# Property names CEL cannot spell are escaped the Kubernetes way (`namespace` is a reserved
# word, so Gateway API rules say `p1.__namespace__`).
_RESERVED = frozenset(
    {
        "true", "false", "null", "in", "as", "break", "const", "continue", "else", "for",
        "function", "if", "import", "let", "loop", "package", "namespace", "return", "var",
        "void", "while",
    }
)  # fmt: skip
_ESCAPABLE = re.compile(r"^[a-zA-Z_.\-/][a-zA-Z0-9_.\-/]*$")
_ESCAPES = {"__": "__underscores__", ".": "__dot__", "-": "__dash__", "/": "__slash__"}
_ESCAPE_TOKEN = re.compile(r"__|[./-]")

_SCALARS: dict[type, Any] = {
    bool: celtypes.BoolType,
    int: celtypes.IntType,
    float: celtypes.DoubleType,
    str: celtypes.StringType,
}

_MEMO_SIZE = 4096
# Memo keys use these serials, not id(): ids of freed rule trees get reused.
_SERIALS = itertools.count()
_MEMO: OrderedDict[tuple[int, str, str | None], list[str]] = OrderedDict()

_VERDICTS: OrderedDict[tuple[int, str, str], str] = OrderedDict()

_ENV = celpy.Environment()
_LOCK = threading.Lock()
_PROGRAMS: dict[str, celpy.Runner | str] = {}  # rule text -> program, or why it is unusable


def program(text: str) -> celpy.Runner | str:
    """The compiled program for a CEL expression, or the reason it cannot be used."""
    with _LOCK:
        found = _PROGRAMS.get(text)
        if found is None:
            found = _compile(text)
            _PROGRAMS[text] = found
        return found


def _compile(text: str) -> celpy.Runner | str:
    # celpy resolves functions only at evaluation time: check names now so an unknown
    # function is reported up front instead of failing on the first object that reaches it.
    unknown = sorted(set(_CALL.findall(_STRINGS.sub('""', text))) - KNOWN_NAMES)
    if unknown:
        return f"uses functions the double does not implement: {', '.join(unknown)}"
    try:
        return _ENV.program(_ENV.compile(text), functions=FUNCTIONS)
    except Exception as exc:
        return f"does not compile: {exc}"


@dataclass
class Rule:
    """One rule at one schema position, with its usage counter for the coverage report."""

    schema_path: str
    text: str
    message: str
    program: celpy.Runner | None
    message_program: celpy.Runner | None
    unusable: str | None
    transition: bool
    reason: str
    field_path: str
    twin: Twin | None = None
    evaluations: int = 0
    interpreted: int = 0  # of those, how many celpy ran (the rest a twin answered)
    serial: int = field(default_factory=lambda: next(_SERIALS))


@dataclass
class CelNode:
    """Rules at one schema node and the child nodes that hold rules further down."""

    type_name: str
    rules: list[Rule] = field(default_factory=list)
    properties: dict[str, CelNode] = field(default_factory=dict)
    items: CelNode | None = None
    additional: CelNode | None = None
    map_keys: tuple[str, ...] = ()
    escaped: dict[str, str] = field(default_factory=dict)  # property name -> CEL spelling
    transitions: bool = False  # some rule here or below reads oldSelf
    serial: int = field(default_factory=lambda: next(_SERIALS))


def build(schema: dict[str, Any], schema_path: str = "") -> CelNode | None:
    """The rule tree of a schema; None when no rule lives at or below this node."""
    node = CelNode(type_name=str(schema.get("type", "object")))
    for spec in schema.get("x-kubernetes-validations", []):
        node.rules.append(_rule(spec, schema_path or "<root>"))
    for key, child in schema.get("properties", {}).items():
        sub = build(child, join(schema_path, key))
        if sub is not None:
            node.properties[key] = sub
    if isinstance(schema.get("items"), dict):
        node.items = build(schema["items"], schema_path + "[*]")
        if schema.get("x-kubernetes-list-type") == "map":
            node.map_keys = tuple(escape(k) for k in schema.get("x-kubernetes-list-map-keys", ()))
    if isinstance(schema.get("additionalProperties"), dict):
        node.additional = build(schema["additionalProperties"], join(schema_path, "*"))
    if node.rules or node.properties or node.items or node.additional:
        node.escaped = {k: escape(k) for k in node.properties}
        node.transitions = any(r.transition for r in rules(node))
        return node
    return None


def escape(name: str) -> str:
    """The CEL identifier of an object property, as Kubernetes spells it."""
    if name in _RESERVED:
        return f"__{name}__"
    if _ESCAPABLE.match(name):
        return _ESCAPE_TOKEN.sub(lambda m: _ESCAPES[m.group(0)], name)
    return name


def to_cel(value: Any, schema: dict[str, Any]) -> Any:
    """JSON to celpy values; object properties (not map keys) get their escaped names."""
    if isinstance(value, dict):
        props = schema.get("properties")
        additional = schema.get("additionalProperties")
        out = celtypes.MapType()
        for key, child in value.items():
            if props is not None and key in props:
                out[celtypes.StringType(escape(key))] = to_cel(child, props[key])
            else:
                sub = additional if isinstance(additional, dict) else {}
                out[celtypes.StringType(key)] = to_cel(child, sub)
        return out
    if isinstance(value, list):
        items = schema.get("items")
        sub = items if isinstance(items, dict) else {}
        return celtypes.ListType([to_cel(v, sub) for v in value])
    convert = _SCALARS.get(type(value))
    return convert(value) if convert is not None else value


def _rule(spec: dict[str, Any], schema_path: str) -> Rule:
    text = str(spec["rule"])
    compiled = program(text)
    unusable = compiled if isinstance(compiled, str) else None
    message_program = None
    if "messageExpression" in spec:
        compiled_message = program(str(spec["messageExpression"]))
        if isinstance(compiled_message, str):
            unusable = unusable or f"messageExpression {compiled_message}"
        else:
            message_program = compiled_message
    if spec.get("optionalOldSelf"):
        unusable = unusable or "optionalOldSelf is not implemented by the double"
    return Rule(
        schema_path=schema_path,
        text=text,
        message=str(spec.get("message") or f"failed rule: {text}"),
        program=None if isinstance(compiled, str) else compiled,
        message_program=message_program,
        unusable=unusable,
        transition=bool(_OLD_SELF.search(text)),
        reason=str(spec.get("reason", "FieldValueInvalid")),
        field_path=str(spec.get("fieldPath", "")),
        twin=TWINS.get(normalized(text)),
    )


def rules(node: CelNode | None) -> list[Rule]:
    """Every rule in a tree, for the coverage report."""
    if node is None:
        return []
    found = list(node.rules)
    for child in node.properties.values():
        found += rules(child)
    found += rules(node.items) + rules(node.additional)
    return found


def evaluate(node: CelNode, value: Any, old: Any, path: str, errors: list[str]) -> None:
    """Run every rule of `node` and below against CEL-typed `value` (`old` is None on create)."""
    if value is None:
        return
    for rule in node.rules:
        _check(rule, node.type_name, value, old, path=path, errors=errors)
    if isinstance(value, dict):
        old_map = old if isinstance(old, dict) else {}
        for key, child in node.properties.items():
            name = node.escaped[key]
            if name in value:
                evaluate(child, value[name], old_map.get(name), join(path, key), errors)
        if node.additional is not None:
            for key, item in value.items():
                evaluate(node.additional, item, old_map.get(key), join(path, str(key)), errors)
    elif isinstance(value, list) and node.items is not None:
        olds = _correlate(old, node.map_keys)
        for i, item in enumerate(value):
            old_item = olds.get(_key(item, node.map_keys)) if olds else None
            evaluate(node.items, item, old_item, index(path, i), errors)


def _key(item: Any, keys: tuple[str, ...]) -> tuple[Any, ...] | None:
    if not keys or not isinstance(item, dict):
        return None
    return tuple(item.get(k) for k in keys)


def _correlate(old: Any, keys: tuple[str, ...]) -> dict[tuple[Any, ...] | None, Any]:
    # Only list-type=map items have an identity across writes; kube gives other list
    # items no oldSelf, so their transition rules do not run.
    if not keys or not isinstance(old, list):
        return {}
    return {_key(item, keys): item for item in old}


def _check(
    rule: Rule, type_name: str, value: Any, old: Any, *, path: str, errors: list[str]
) -> None:
    if rule.program is None:
        return
    if rule.transition and old is None:
        return  # kube skips transition rules when there is no old value (create, new item)
    activation: dict[str, Any] = {"self": value}
    if rule.transition:
        activation["oldSelf"] = old
    target = path + rule.field_path if rule.field_path else path
    prefix = f"{target}: " if target else ""
    # A verdict depends only on self (and oldSelf): identical nodes recur across rules, objects
    # and hook runs, so verdicts are memoised on the node's content.
    # repr, not JSON: celpy's BoolType is an int, so json.dumps would spell true as 1.
    memo_key = (rule.serial, repr(value), repr(old) if rule.transition else "")
    with _LOCK:
        detail = _VERDICTS.get(memo_key)
        if detail is not None:
            _VERDICTS.move_to_end(memo_key)
    if detail is None:
        detail = _verdict(rule, activation)
        with _LOCK:
            _VERDICTS[memo_key] = detail
            while len(_VERDICTS) > _MEMO_SIZE * 4:
                _VERDICTS.popitem(last=False)
    if not detail:
        return
    reason = _REASONS.get(rule.reason)
    if reason:
        errors.append(f"{prefix}{reason}: {detail}")
    else:
        errors.append(f'{prefix}Invalid value: "{type_name}": {detail}')


def _verdict(rule: Rule, activation: dict[str, Any]) -> str:
    """Empty when the rule holds, else the error detail (the rule's message)."""
    assert rule.program is not None
    rule.evaluations += 1
    value = activation["self"]
    verdict = rule.twin(value) if rule.twin is not None and not rule.transition else None
    if verdict is True:
        return ""
    try:
        if verdict is False:
            result = celtypes.BoolType(False)
        else:
            rule.interpreted += 1
            result = rule.program.evaluate(activation)
    except Exception as exc:
        return f"{rule.message}: rule evaluation error: {exc}"
    if isinstance(result, celtypes.BoolType) and bool(result):
        return ""
    return _message(rule, activation)


def _message(rule: Rule, activation: dict[str, Any]) -> str:
    if rule.message_program is not None:
        try:
            text = rule.message_program.evaluate(activation)
        except Exception:
            text = None
        if isinstance(text, str) and text.strip():
            return str(text)
    return rule.message


def evaluate_object(
    node: CelNode,
    schema: dict[str, Any],
    obj: dict[str, Any],
    old: dict[str, Any] | None,
    *,
    only: str | None = None,
) -> list[str]:
    """Errors from every rule in a whole object (or its `only` top-level field).

    Results per top-level field are memoised on that field's content (and the old content
    when a transition rule looks at it): charms re-apply the same spec on every hook, and
    interpreted CEL is the slow part of admission.
    """
    errors: list[str] = []
    props = schema.get("properties", {})
    for key, child in node.properties.items():
        if (only is not None and key != only) or obj.get(key) is None:
            continue
        old_part = old.get(key) if old is not None else None
        memo_key = (
            child.serial,
            json.dumps(obj[key], sort_keys=True),
            json.dumps(old_part, sort_keys=True)
            if child.transitions and old is not None
            else None,
        )
        with _LOCK:
            found = _MEMO.get(memo_key)
            if found is not None:
                _MEMO.move_to_end(memo_key)
        if found is None:
            found = []
            old_value = to_cel(old_part, props[key]) if memo_key[2] is not None else None
            evaluate(child, to_cel(obj[key], props[key]), old_value, key, found)
            with _LOCK:
                _MEMO[memo_key] = found
                while len(_MEMO) > _MEMO_SIZE:
                    _MEMO.popitem(last=False)
        errors += found
    if node.rules and only is None:
        value = to_cel(obj, schema)
        old_value = to_cel(old, schema) if old is not None else None
        for rule in node.rules:
            _check(rule, node.type_name, value, old_value, path="", errors=errors)
    return errors
