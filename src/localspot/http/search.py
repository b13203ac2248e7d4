"""``POST /crm/v3/objects/{objectType}/search``."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.datastructures import State
from litestar.status_codes import HTTP_200_OK

from localspot.crm import search
from localspot.crm.batch_rules import is_ascii_digits
from localspot.crm.errors import ValidationError
from localspot.http import convert
from localspot.http.objects import crm_context
from localspot.http.openapi_specs import error_responses
from localspot.wire import search as w
from localspot.wire.objects import SimplePublicObject

MAX_AFTER_DIGITS = 18
"""Far past the 10,000 results search pages through (and well inside ``int()``'s limit)."""


def _text(value: w.FilterValue | None) -> str | None:
    return None if value is None else convert.property_text(value)


def _filter(f: w.Filter) -> search.FilterInput:
    values = tuple(convert.property_text(v) for v in f.values) if f.values is not None else None
    return search.FilterInput(
        f.property_name, f.operator, _text(f.value), _text(f.high_value), values
    )


def _sort(rules: list[w.SortRule | str]) -> tuple[str, bool] | None:
    if not rules:
        return None
    rule = rules[0]
    if isinstance(rule, str):
        return (rule[1:], True) if rule.startswith("-") else (rule, False)
    if rule.direction not in ("ASCENDING", "DESCENDING"):
        raise ValidationError(f"Invalid sort direction {rule.direction}")
    return rule.property_name, rule.direction == "DESCENDING"


def _after(value: str | int | None) -> int:
    if value in (None, ""):
        return 0
    text = str(value)
    if not is_ascii_digits(text) or len(text) > MAX_AFTER_DIGITS:
        raise ValidationError(f"Invalid after value {text}", context={"after": [text]})
    return int(text)


def search_request(body: w.PublicObjectSearchRequest) -> search.SearchRequest:
    groups = [tuple(_filter(f) for f in g.filters) for g in body.filter_groups]
    if body.filters:
        groups.append(tuple(_filter(f) for f in body.filters))
    if len(body.sorts) > 1:
        raise ValidationError("Only one sort rule is supported", context={"sorts": ["1"]})
    return search.SearchRequest(
        groups=tuple(groups),
        sort=_sort(body.sorts),
        query=body.query,
        properties=tuple(body.properties),
        limit=body.limit,
        after=_after(body.after),
    )


class SearchController(Controller):
    path = "/{object_type:str}/search"
    tags = ["Search"]

    @post(
        "/",
        opt={"access": "read", "rate": "search"},
        status_code=HTTP_200_OK,
        responses=error_responses(),
        summary="Search",
    )
    async def do_search(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        data: w.PublicObjectSearchRequest,
    ) -> w.CollectionResponseWithTotalSimplePublicObject:
        parsed = search_request(data)
        page, selection = await search.run(await crm_context(request, object_type), parsed)
        results: list[SimplePublicObject] = [
            convert.simple_object(r, selection) for r in page.records
        ]
        following = parsed.after + parsed.limit
        paging = None
        if following < page.total:
            paging = w.ForwardPaging(next=w.NextPage(after=str(following)))
        return w.CollectionResponseWithTotalSimplePublicObject(page.total, results, paging)
