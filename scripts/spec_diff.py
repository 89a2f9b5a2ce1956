"""Breaking and non-breaking changes between two versions of openapi.yaml.

    python scripts/spec_diff.py --base REV [--spec FILE]   # openapi.yaml at REV vs FILE
    python scripts/spec_diff.py --auto-base                # the CI gate (see below)

Breaking (for a client built from the old spec, or for a server that implements it):
- an operation removed, or its operationId changed (generated function names follow it);
- a parameter removed, made required, or added as required; a request body made required;
- an enum value removed, or a request field's enum narrowed;
- a response field removed, or a response or request field whose JSON types narrowed
  (e.g. number -> integer, string|null -> string); a field newly required in a request;
- a response status or content type removed.
Non-breaking: operations, optional parameters, response fields and enum values added; types
widened; documentation changes are ignored.

Schemas are compared by meaning, not by layout: `$ref`s are resolved and `anyOf`/`oneOf`/`allOf`
flattened into the set of JSON types, enum values and properties they admit, so moving a schema
into a component or spelling an open enum as `anyOf: [enum, string]` is not a change.

Exit status: 1 when there are breaking changes and `info.version`'s major number did not go up,
else 0. `--auto-base` picks the base itself: the oldest version of openapi.yaml in the history
that has the current major version (so everything released under this major must stay
compatible); with no earlier version in the clone (a shallow clone) it reports so and passes.

Tried first, and why not used: the npm `openapi-diff` (0.24.1) rejects OpenAPI 3.1 documents;
`api-smart-diff` (1.0.6) reads 3.1 but classifies by layout (this spec's own open-enum and
recursive-tree refactors come out "breaking") and treats removed response fields and renamed
operationIds as non-breaking; `oasdiff` and `openapi-changes` are Go binaries (not installable
from the package registries used here); PyPI has no `openapi-spec-diff`.
"""

import argparse
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped,unused-ignore]

ROOT = Path(__file__).resolve().parent.parent
SPEC = "openapi.yaml"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
ALL_TYPES = frozenset({"null", "boolean", "integer", "number", "string", "array", "object"})


@dataclass
class Shape:
    """What a schema admits: JSON types, enum values (None: any), properties, item shape."""

    types: set[str] = field(default_factory=set)
    enum: set[Any] | None = None
    properties: dict[str, list[Any]] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    items: list[Any] = field(default_factory=list)


class Resolver:
    """Flattens schemas of one document into `Shape`s."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    def deref(self, schema: Any) -> Any:
        seen = 0
        while isinstance(schema, dict) and "$ref" in schema and seen < 50:
            node: Any = self.document
            for part in schema["$ref"].lstrip("#/").split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
            schema, seen = node, seen + 1
        return schema

    def shape(self, schema: Any, depth: int = 0) -> Shape:
        schema = self.deref(schema)
        result = Shape()
        if not isinstance(schema, dict) or depth > 30:
            result.types = set(ALL_TYPES)
            return result
        branches = [*schema.get("anyOf", []), *schema.get("oneOf", [])]
        if branches:
            for branch in branches:
                self._merge(result, self.shape(branch, depth + 1))
        own = {k: v for k, v in schema.items() if k not in ("anyOf", "oneOf", "allOf")}
        for part in schema.get("allOf", []):
            own = _combine(own, self.deref(part))
        if own.keys() & {"type", "enum", "const", "properties", "items"} or not branches:
            self._merge(result, self._own_shape(own, depth))
        return result

    def _own_shape(self, schema: dict[str, Any], depth: int) -> Shape:
        result = Shape()
        declared = schema.get("type")
        if isinstance(declared, list):
            result.types = set(declared)
        elif isinstance(declared, str):
            result.types = {declared}
        if "integer" in result.types and "number" in result.types:
            result.types.discard("integer")
        if "enum" in schema or "const" in schema:
            values = schema.get("enum", [schema.get("const")])
            result.enum = set(_hashable(value) for value in values)
            if not result.types:
                result.types = {_json_type(value) for value in values}
        if "properties" in schema or "additionalProperties" in schema:
            result.types = result.types or {"object"}
        if "items" in schema:
            result.types = result.types or {"array"}
            result.items = [schema["items"]]
        if not result.types:
            result.types = set(ALL_TYPES)
        result.properties = {name: [sub] for name, sub in schema.get("properties", {}).items()}
        result.required = set(schema.get("required", []))
        return result

    @staticmethod
    def _merge(into: Shape, other: Shape) -> None:
        """`into` becomes the union of both alternatives (what `anyOf` admits)."""
        first = not into.types
        other_enum = other.enum
        if other_enum is None and other.types == {"null"}:
            other_enum = {None}
        if first:
            into.enum = None if other_enum is None else set(other_enum)
        elif into.enum is None or other_enum is None:
            into.enum = None
        else:
            into.enum |= other_enum
        into.types |= other.types
        if "number" in into.types:
            into.types.discard("integer")
        for name, subs in other.properties.items():
            into.properties.setdefault(name, []).extend(subs)
        into.required = set(other.required) if first else into.required & other.required
        into.items.extend(other.items)


def _combine(first: dict[str, Any], second: Any) -> dict[str, Any]:
    if not isinstance(second, dict):
        return first
    merged = {**second, **first}
    merged["properties"] = {**second.get("properties", {}), **first.get("properties", {})}
    merged["required"] = [*second.get("required", []), *first.get("required", [])]
    return merged


def _hashable(value: Any) -> Any:
    return repr(value) if isinstance(value, dict | list) else value


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else "string"


@dataclass
class Report:
    """Changes found, each one line."""

    breaking: list[str] = field(default_factory=list)
    non_breaking: list[str] = field(default_factory=list)


class Differ:
    """Compares two documents operation by operation."""

    def __init__(self, base: dict[str, Any], head: dict[str, Any]) -> None:
        self.old, self.new = Resolver(base), Resolver(head)
        self.base, self.head = base, head
        self.report = Report()

    def run(self) -> Report:
        old_ops, new_ops = dict(_operations(self.base)), dict(_operations(self.head))
        self._components()
        for key in old_ops.keys() - new_ops.keys():
            self.report.breaking.append(f"{_op_name(key, old_ops[key])}: operation removed")
        for key in new_ops.keys() - old_ops.keys():
            self.report.non_breaking.append(f"{_op_name(key, new_ops[key])}: operation added")
        for key in sorted(old_ops.keys() & new_ops.keys()):
            self._operation(_op_name(key, old_ops[key]), old_ops[key], new_ops[key])
        self.report.breaking = list(dict.fromkeys(self.report.breaking))
        self.report.non_breaking = list(dict.fromkeys(self.report.non_breaking))
        return self.report

    def _components(self) -> None:
        """Named schemas become generated models and enums: removing one, or a member, breaks."""
        old = self.base.get("components", {}).get("schemas", {})
        new = self.head.get("components", {}).get("schemas", {})
        for name in sorted(old.keys() - new.keys()):
            self.report.breaking.append(f"schema {name}: removed (its generated model goes)")
        for name in sorted(new.keys() - old.keys()):
            self.report.non_breaking.append(f"schema {name}: added")
        for name in sorted(old.keys() & new.keys()):
            before, after = old[name].get("enum"), new[name].get("enum")
            if before is None or after is None:
                continue
            removed = [value for value in before if value not in after]
            added = [value for value in after if value not in before]
            if removed:
                self.report.breaking.append(f"schema {name}: enum values removed {removed}")
            if added:
                self.report.non_breaking.append(f"schema {name}: enum values added {added}")

    def _operation(self, where: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        if old.get("operationId") != new.get("operationId"):
            self.report.breaking.append(
                f"{where}: operationId renamed to {new.get('operationId')!r} "
                "(generated function names change)"
            )
        self._parameters(where, old, new)
        self._request_body(where, old.get("requestBody"), new.get("requestBody"))
        old_responses, new_responses = old.get("responses", {}), new.get("responses", {})
        for status in sorted(old_responses.keys() - new_responses.keys()):
            self.report.breaking.append(f"{where}: response {status} removed")
        for status in sorted(new_responses.keys() - old_responses.keys()):
            self.report.non_breaking.append(f"{where}: response {status} added")
        for status in sorted(old_responses.keys() & new_responses.keys()):
            old_content = self.old.deref(old_responses[status]).get("content", {})
            new_content = self.new.deref(new_responses[status]).get("content", {})
            for media in sorted(old_content.keys() - new_content.keys()):
                self.report.breaking.append(f"{where}: response {status} {media} removed")
            for media in sorted(old_content.keys() & new_content.keys()):
                self._schema(
                    f"{where} response {status}",
                    old_content[media].get("schema"),
                    new_content[media].get("schema"),
                    response=True,
                )

    def _parameters(self, where: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        old_params = {
            (p["in"], p["name"]): p for p in map(self.old.deref, old.get("parameters", []))
        }
        new_params = {
            (p["in"], p["name"]): p for p in map(self.new.deref, new.get("parameters", []))
        }
        for key in sorted(old_params.keys() - new_params.keys()):
            self.report.breaking.append(f"{where}: {key[0]} parameter {key[1]!r} removed")
        for key in sorted(new_params.keys() - old_params.keys()):
            if new_params[key].get("required"):
                self.report.breaking.append(
                    f"{where}: required {key[0]} parameter {key[1]!r} added"
                )
            else:
                self.report.non_breaking.append(
                    f"{where}: optional {key[0]} parameter {key[1]!r} added"
                )
        for key in sorted(old_params.keys() & new_params.keys()):
            label = f"{where} {key[0]} parameter {key[1]!r}"
            if new_params[key].get("required") and not old_params[key].get("required"):
                self.report.breaking.append(f"{label}: became required")
            elif old_params[key].get("required") and not new_params[key].get("required"):
                self.report.non_breaking.append(f"{label}: became optional")
            self._schema(
                label, old_params[key].get("schema"), new_params[key].get("schema"), response=False
            )

    def _request_body(self, where: str, old: Any, new: Any) -> None:
        old, new = self.old.deref(old) or {}, self.new.deref(new) or {}
        if new.get("required") and not old.get("required"):
            self.report.breaking.append(f"{where}: request body became required")
        old_content, new_content = old.get("content", {}), new.get("content", {})
        for media in sorted(old_content.keys() - new_content.keys()):
            self.report.breaking.append(f"{where}: request body {media} no longer accepted")
        for media in sorted(old_content.keys() & new_content.keys()):
            self._schema(
                f"{where} request body",
                old_content[media].get("schema"),
                new_content[media].get("schema"),
                response=False,
            )

    def _schema(self, where: str, old: Any, new: Any, *, response: bool, depth: int = 0) -> None:
        if depth > 12 or old is None or new is None:
            return
        before, after = self.old.shape(old), self.new.shape(new)
        lost, gained = before.types - after.types, after.types - before.types
        lost -= {"integer"} if "number" in after.types else set()
        gained -= {"integer"} if "number" in before.types else set()
        if lost:
            self.report.breaking.append(f"{where}: type narrowed, no longer {sorted(lost)}")
        if gained:
            kind = "breaking" if response else "non-breaking"
            target = self.report.breaking if response else self.report.non_breaking
            target.append(f"{where}: type widened to also {sorted(gained)} ({kind} for clients)")
        if before.enum is not None:
            removed = before.enum - after.enum if after.enum is not None else set()
            if removed:
                self.report.breaking.append(
                    f"{where}: enum values removed {sorted(map(str, removed))}"
                )
            added = after.enum - before.enum if after.enum is not None else set()
            if after.enum is None:
                self.report.non_breaking.append(f"{where}: enum opened to any value")
            elif added:
                self.report.non_breaking.append(
                    f"{where}: enum values added {sorted(map(str, added))}"
                )
        elif after.enum is not None and not response:
            self.report.breaking.append(
                f"{where}: values restricted to {sorted(map(str, after.enum))}"
            )
        for name in sorted(before.properties.keys() - after.properties.keys()):
            self.report.breaking.append(f"{where}: field {name!r} removed")
        for name in sorted(after.properties.keys() - before.properties.keys()):
            if not response and name in after.required:
                self.report.breaking.append(f"{where}: required field {name!r} added")
            else:
                self.report.non_breaking.append(f"{where}: field {name!r} added")
        if not response:
            for name in sorted((after.required - before.required) & before.properties.keys()):
                self.report.breaking.append(f"{where}: field {name!r} became required")
        elif before.required - after.required:
            for name in sorted(before.required - after.required):
                self.report.breaking.append(f"{where}: field {name!r} no longer always sent")
        for name in sorted(before.properties.keys() & after.properties.keys()):
            self._schema(
                f"{where}.{name}",
                {"anyOf": before.properties[name]},
                {"anyOf": after.properties[name]},
                response=response,
                depth=depth + 1,
            )
        if before.items and after.items:
            self._schema(
                f"{where}[]",
                {"anyOf": before.items},
                {"anyOf": after.items},
                response=response,
                depth=depth + 1,
            )


def _operations(document: dict[str, Any]) -> Iterator[tuple[tuple[str, str], dict[str, Any]]]:
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            if isinstance(item, dict) and method in item:
                yield (method.upper(), path), item[method]


def _op_name(key: tuple[str, str], operation: dict[str, Any]) -> str:
    return f"{operation.get('operationId', '?')} ({key[0]} {key[1]})"


def major(document: dict[str, Any]) -> int:
    """The major number of `info.version` (0 when it has none)."""
    text = str(document.get("info", {}).get("version", "0")).lstrip("v")
    head = text.split(".", 1)[0]
    return int(head) if head.isdigit() else 0


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


def spec_at(revision: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(git("show", f"{revision}:{SPEC}"))
    return document


def auto_base(head: dict[str, Any]) -> str | None:
    """The oldest commit whose openapi.yaml has the current major version, walking back."""
    commits = git("log", "--format=%H", "--", SPEC).split()
    base = None
    for commit in commits:
        try:
            if major(spec_at(commit)) != major(head):
                break
        except subprocess.CalledProcessError:
            break
        base = commit
    return base


def render(report: Report, base: dict[str, Any], head: dict[str, Any], label: str) -> str:
    old_version = base.get("info", {}).get("version")
    new_version = head.get("info", {}).get("version")
    lines = [
        f"openapi.yaml: {label} (version {old_version}) -> working tree (version {new_version})"
    ]
    lines.append(f"Breaking changes: {len(report.breaking)}")
    lines += [f"  - {line}" for line in report.breaking]
    lines.append(f"Non-breaking changes: {len(report.non_breaking)}")
    lines += [f"  - {line}" for line in report.non_breaking]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    choice = parser.add_mutually_exclusive_group(required=True)
    choice.add_argument("--base", help="git revision of the old openapi.yaml")
    choice.add_argument("--base-file", type=Path, help="a file holding the old spec")
    choice.add_argument("--auto-base", action="store_true", help="the CI gate's base (see above)")
    parser.add_argument("--spec", type=Path, default=ROOT / SPEC, help="the new spec file")
    options = parser.parse_args(argv)
    head: dict[str, Any] = yaml.safe_load(options.spec.read_text())
    if options.auto_base:
        revision = auto_base(head)
        shallow = git("rev-parse", "--is-shallow-repository").strip() == "true"
        if revision is None or (shallow and revision == git("rev-parse", "HEAD").strip()):
            print("spec-check: no earlier openapi.yaml in this clone; nothing to compare")
            return 0
        oldest = "oldest commit in this shallow clone" if shallow else "first commit"
        label = f"{revision[:12]} ({oldest} of major version {major(head)})"
        base = spec_at(revision)
    elif options.base_file is not None:
        base, label = yaml.safe_load(options.base_file.read_text()), str(options.base_file)
    else:
        base, label = spec_at(options.base), options.base
    report = Differ(base, head).run()
    print(render(report, base, head, label))
    if report.breaking and major(head) <= major(base):
        print(
            f"FAIL: {len(report.breaking)} breaking change(s) without a new major version "
            f"(info.version {head.get('info', {}).get('version')}); bump it or keep compatibility."
        )
        return 1
    if report.breaking:
        print(f"OK: breaking changes come with a new major version ({major(head)}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
