"""How many of the official Python SDK's ``crm.*`` and ``webhooks.*`` API methods localspot
routes.

Walks every ``hubspot.crm`` and ``hubspot.webhooks`` package, takes each public method of
every ``*Api`` class, reads the HTTP method and path its generated ``*_with_http_info``
passes to ``call_api``, and looks for a route of the app (``create_app``; nothing is served
or stored) with that method whose path template matches. Prints the counts and, with
``--missing``, the methods not routed.

    .venv/bin/python tools/sdk_coverage.py [--missing]
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator
from types import ModuleType

import hubspot.crm
import hubspot.webhooks
from litestar import Litestar

from localspot.app import create_app
from localspot.config import Settings

CALL = re.compile(r'call_api\(\s*["\'](?P<path>[^"\']+)["\'],\s*["\'](?P<method>[A-Z]+)["\']')


def sdk_methods(package: ModuleType) -> Iterator[tuple[str, str, str]]:
    """(``module.Class.method``, HTTP method, path) for every API method of an SDK package."""
    prefix = package.__name__ + "."
    for info in pkgutil.walk_packages(package.__path__, prefix):
        if ".api." not in info.name or ".models" in info.name:
            continue
        module = importlib.import_module(info.name)
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if not cls_name.endswith("Api") or cls.__module__ != module.__name__:
                continue
            for name, function in inspect.getmembers(cls, inspect.isfunction):
                if name.startswith("_") or name.endswith("_with_http_info"):
                    continue
                detail = getattr(cls, f"{name}_with_http_info", function)
                found = CALL.search(inspect.getsource(detail))
                if found:
                    yield f"{info.name}.{cls_name}.{name}", found["method"], found["path"]


def route_patterns(app: Litestar) -> list[tuple[set[str], re.Pattern[str]]]:
    patterns = []
    for route in app.routes:
        template = re.sub(r"\{[^}]+\}", "[^/]+", route.path.rstrip("/") or "/")
        patterns.append((set(route.methods), re.compile(f"^{template}/?$")))
    return patterns


def routed(patterns: list[tuple[set[str], re.Pattern[str]]], method: str, path: str) -> bool:
    sample = re.sub(r"\{[^}]+\}", "1", path)
    return any(method in methods and pattern.match(sample) for methods, pattern in patterns)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--missing", action="store_true", help="list the methods not routed")
    args = parser.parse_args()
    patterns = route_patterns(create_app(Settings(database_url="sqlite:///:memory:")))
    for package, label in ((hubspot.crm, "crm.*"), (hubspot.webhooks, "webhooks.*")):
        methods = sorted(set(sdk_methods(package)))
        missing = [m for m in methods if not routed(patterns, m[1], m[2])]
        if args.missing:
            for name, method, path in missing:
                print(f"{method:6} {path}  ({name})")
        print(f"{len(methods) - len(missing)} of {len(methods)} SDK {label} methods routed")


if __name__ == "__main__":
    main()
