"""The one place error bodies are built: every failure becomes HubSpot's ``Error`` JSON with
a fresh ``correlationId`` (also sent as ``x-hubspot-correlation-id``). Never a traceback.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.datastructures import MultiDict
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotFoundException,
    ValidationException,
)

from localspot.crm.errors import ErrorDetail as DomainDetail
from localspot.crm.errors import HubSpotError
from localspot.crm.storage import StoreRejected
from localspot.wire.errors import Error, ErrorDetail

log = logging.getLogger("localspot")

CORRELATION_HEADER = "x-hubspot-correlation-id"


def new_correlation_id() -> str:
    return str(uuid.uuid4())


def _detail(detail: DomainDetail) -> ErrorDetail:
    context = {k: list(v) for k, v in detail.context.items()} or None
    return ErrorDetail(message=detail.message, code=detail.code, context=context)


def error_response(
    status: int,
    category: str,
    message: str,
    *,
    context: Mapping[str, Any] | None = None,
    details: tuple[DomainDetail, ...] = (),
    links: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    error_type: str | None = None,
    policy_name: str | None = None,
    sub_category: str | None = None,
) -> Response[Error]:
    correlation_id = new_correlation_id()
    body = Error(
        status="error",
        message=message,
        correlation_id=correlation_id,
        category=category,
        context={k: list(v) for k, v in (context or {}).items()},
        errors=[_detail(d) for d in details],
        links=dict(links) if links else None,
        error_type=error_type,
        policy_name=policy_name,
        sub_category=sub_category,
    )
    all_headers = {CORRELATION_HEADER: correlation_id, **(headers or {})}
    return Response(body, status_code=status, headers=all_headers)


def _error_body(exc: HubSpotError, correlation_id: str) -> Error:
    return Error(
        status="error",
        message=exc.message,
        correlation_id=correlation_id,
        category=exc.category,
        context={k: list(v) for k, v in exc.context.items()},
        errors=[_detail(d) for d in exc.details],
        links=dict(exc.links) or None,
        error_type=exc.error_type,
        policy_name=exc.policy_name,
        sub_category=exc.sub_category,
    )


async def send_error(send: Any, exc: HubSpotError) -> None:
    """The same answer as ``on_hubspot_error``, for ASGI layers outside the app."""
    correlation_id = new_correlation_id()
    body = msgspec.json.encode(_error_body(exc, correlation_id))
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (CORRELATION_HEADER.encode(), correlation_id.encode()),
        *((k.encode("latin-1"), v.encode("latin-1")) for k, v in exc.headers.items()),
    ]
    await send({"type": "http.response.start", "status": exc.status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def on_hubspot_error(_: Request[Any, Any, Any], exc: HubSpotError) -> Response[Error]:
    return error_response(
        exc.status,
        exc.category,
        exc.message,
        context=exc.context,
        details=exc.details,
        links=exc.links,
        headers=exc.headers,
        error_type=exc.error_type,
        policy_name=exc.policy_name,
        sub_category=exc.sub_category,
    )


PARAMETER_SOURCES = {"query": "query parameter", "path": "path parameter", "header": "header"}


def _source(item: dict[str, Any]) -> str | None:
    """What a decoding problem's ``source`` (Litestar's ``ParamType``, a ``str`` enum) names:
    a parameter kind of ``PARAMETER_SOURCES``, or None (the body)."""
    source = item.get("source")
    return PARAMETER_SOURCES.get(str(getattr(source, "value", source)))


def _wire_name(key: str, sent: Iterable[str]) -> str:
    """The parameter's name as the request spelled it (``includeFilters``), where the
    framework names its handler's argument (``include_filters``)."""
    plain = key.replace("_", "").lower()
    return next((name for name in sent if name.replace("_", "").lower() == plain), key)


def _decode_problem(
    exc: ValidationException, sent: MultiDict[str]
) -> tuple[str, dict[str, list[str]]]:
    """The message and context of a request the framework could not decode: a body that is
    not the JSON expected, or a query or path parameter of the wrong type (named, with the
    parameter as context, rather than called JSON)."""
    extra = exc.extra if isinstance(exc.extra, list) else []
    items = [item for item in extra if isinstance(item, dict)]
    names = list(sent.keys())
    params = [
        (_source(i), _wire_name(str(i.get("key") or ""), names), i.get("message", ""))
        for i in items
    ]
    if params and all(source and key for source, key, _ in params):
        reasons = [f"Invalid {source} {key}: {why}" for source, key, why in params]
        return "; ".join(reasons), {key: sent.getall(key, []) for _, key, _ in params}
    messages = [str(item.get("message", "")) for item in items]
    reason = "; ".join(m for m in messages if m) or str(exc.detail)
    return f"Invalid input JSON: {reason}", {}


def on_validation_exception(
    request: Request[Any, Any, Any], exc: ValidationException
) -> Response[Error]:
    empty = request.headers.get("content-length", "0") == "0"
    if request.method in ("POST", "PATCH", "PUT") and empty:
        message = "Invalid input JSON on line 1, column 1: No content to map due to end-of-input"
        return error_response(400, "VALIDATION_ERROR", message)
    message, context = _decode_problem(exc, request.query_params)
    return error_response(400, "VALIDATION_ERROR", message, context=context)


def on_not_found(request: Request[Any, Any, Any], _: NotFoundException) -> Response[Error]:
    return error_response(
        404, "OBJECT_NOT_FOUND", f"Unable to route {request.method} {request.url.path}"
    )


def on_method_not_allowed(
    request: Request[Any, Any, Any], exc: MethodNotAllowedException
) -> Response[Error]:
    allow = {k: v for k, v in (exc.headers or {}).items() if k.lower() == "allow"}
    message = f"HTTP method {request.method} is not supported by this resource"
    return error_response(405, "VALIDATION_ERROR", message, headers=allow)


def on_http_exception(_: Request[Any, Any, Any], exc: HTTPException) -> Response[Error]:
    if exc.status_code >= 500:
        return error_response(exc.status_code, "INTERNAL_ERROR", "internal error")
    message = str(exc.detail)
    if "JSON" in message:
        message = f"Invalid input JSON: {message}"
    return error_response(exc.status_code, "VALIDATION_ERROR", message)


def on_store_rejected(_: Request[Any, Any, Any], exc: StoreRejected) -> Response[Error]:
    reason = str(exc).splitlines()[0] if str(exc) else "value not storable"
    return error_response(400, "VALIDATION_ERROR", f"Invalid input: {reason}")


def on_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Error]:
    response = error_response(500, "INTERNAL_ERROR", "internal error")
    log.error(
        "unexpected error on %s %s (correlationId %s)",
        request.method,
        request.url.path,
        response.headers[CORRELATION_HEADER],
        exc_info=exc,
    )
    return response


EXCEPTION_HANDLERS: dict[int | type[Exception], Any] = {
    HubSpotError: on_hubspot_error,
    ValidationException: on_validation_exception,
    NotFoundException: on_not_found,
    MethodNotAllowedException: on_method_not_allowed,
    HTTPException: on_http_exception,
    StoreRejected: on_store_rejected,
    Exception: on_unexpected,
}
