"""Which portal a raw ASGI request belongs to, for the fault and journal layers.

Those layers wrap the whole app, outside routing and guards: after a routed request the auth
guard's ``Principal`` is in the scope's state; before routing, or when a request never got
that far (an unknown route), the bearer token is looked up once and the answer cached in the
scope.
"""

from __future__ import annotations

from typing import Any

from localspot.crm import accounts
from localspot.crm.accounts_storage import AccountsStorage
from localspot.crm.model import Principal

_CACHE_KEY = "localspot.portal_id"
_UNTRACKED = ("/_localspot", "/healthz", "/openapi.json", "/schema", "/docs")


def is_tracked(scope: Any) -> bool:
    """HTTP requests to the CRM API: not the admin API, health, schema or docs pages."""
    if scope["type"] != "http":
        return False
    path: str = scope["path"]
    return not any(path == p or path.startswith(p + "/") for p in _UNTRACKED)


def bearer_of(scope: Any) -> str | None:
    for name, value in scope.get("headers", ()):
        if name.lower() == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() or None if scheme.lower() == "bearer" else None
    return None


async def portal_of(scope: Any) -> int | None:
    """The portal of the request's token; None when it has no token the store knows."""
    state: dict[str, Any] = scope.setdefault("state", {})
    principal = state.get("principal")
    if isinstance(principal, Principal):
        return principal.portal_id
    if _CACHE_KEY not in state:
        store: AccountsStorage = scope["app"].state.store
        state[_CACHE_KEY] = await accounts.portal_of_token(store, bearer_of(scope))
    cached: int | None = state[_CACHE_KEY]
    return cached
