"""The two OpenAPI documents the server publishes, cut from Litestar's one schema.

``/openapi.json`` is the HubSpot API (what SDK generators and schemathesis read, with a
private app's bearer token); ``/_localspot/openapi.json`` is localspot's own API: the admin
routes (the admin token) and the health check (no token). Each document keeps only the
components its paths use, so neither mentions the other's shapes or credentials.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from litestar.openapi.spec import Reference, SecurityScheme

from localspot.crm.object_types import all_types

HUBSPOT_SCHEME = "private_apps"
DEVELOPER_SCHEME = "developer_hapikey"
ADMIN_SCHEME = "localspot_admin"
SECURITY_SCHEMES: dict[str, SecurityScheme | Reference] = {
    HUBSPOT_SCHEME: SecurityScheme(
        type="http",
        scheme="bearer",
        description="A private app's access token (pat-...), as HubSpot's API takes it",
    ),
    DEVELOPER_SCHEME: SecurityScheme(
        type="apiKey",
        name="hapikey",
        security_scheme_in="query",
        description="An app's developer API key, as HubSpot's Webhooks API takes it",
    ),
    ADMIN_SCHEME: SecurityScheme(
        type="http",
        scheme="bearer",
        description="The admin token: LOCALSPOT_ADMIN_TOKEN, or the one `serve` prints",
    ),
}
LOCALSPOT_PATHS = ("/_localspot/", "/healthz")
TYPE_PARAMETERS = ("object_type", "to_object_type")
SCHEMA_REF = "#/components/schemas/"


def is_localspot_path(path: str) -> bool:
    return path.startswith(LOCALSPOT_PATHS)


def hubspot_document(full: dict[str, Any]) -> dict[str, Any]:
    document = cut(full, lambda path: not is_localspot_path(path), HUBSPOT_SCHEME, DEVELOPER_SCHEME)
    return with_object_type_names(document)


def admin_document(full: dict[str, Any]) -> dict[str, Any]:
    document = cut(full, is_localspot_path, ADMIN_SCHEME)
    document["info"] = {
        **document.get("info", {}),
        "title": "localspot admin",
        "description": "Portals, snapshots, seeded ids, time, faults and the journal "
        "of a localspot server, behind the admin token.",
    }
    return document


def cut(full: dict[str, Any], keep: Callable[[str], bool], *schemes: str) -> dict[str, Any]:
    """The paths ``keep`` accepts, the schemas they reach and their security schemes."""
    paths = {path: item for path, item in full.get("paths", {}).items() if keep(path)}
    schemas: dict[str, Any] = full.get("components", {}).get("schemas", {})
    used = reachable_schemas(paths, schemas)
    components = {
        "schemas": {name: schemas[name] for name in sorted(used)},
        "securitySchemes": {s: full["components"]["securitySchemes"][s] for s in schemes},
    }
    return {**full, "paths": paths, "components": components}


def reachable_schemas(root: Any, schemas: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    pending = list(refs(root))
    while pending:
        name = pending.pop()
        if name not in found and name in schemas:
            found.add(name)
            pending.extend(refs(schemas[name]))
    return found


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMA_REF):
            yield ref.removeprefix(SCHEMA_REF)
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def with_object_type_names(document: dict[str, Any]) -> dict[str, Any]:
    """Object types are data, so the path parameter is a plain string in code; the
    document lists the names and type ids the server knows."""
    names = sorted({k for t in all_types() for k in (t.name, t.type_id)})
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if parameter.get("name") in TYPE_PARAMETERS and parameter.get("in") == "path":
                    parameter["schema"] = {"type": "string", "enum": names}
    return document
