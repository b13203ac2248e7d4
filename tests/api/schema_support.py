"""Helpers of the custom object tests: a schema body and its creation over HTTP."""

from __future__ import annotations

from typing import Any

import httpx

SCHEMAS = "/crm-object-schemas/v3/schemas"
ALIAS = "/crm/v3/schemas"


def car_body(name: str = "cars", /, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": name,
        "labels": {"singular": "Car", "plural": "Cars"},
        "primaryDisplayProperty": "model",
        "secondaryDisplayProperties": ["make"],
        "searchableProperties": ["model", "make"],
        "requiredProperties": ["model"],
        "properties": [
            {"name": "model", "label": "Model", "type": "string", "fieldType": "text"},
            {"name": "make", "label": "Make", "type": "string", "fieldType": "text"},
            {"name": "year", "label": "Year", "type": "number", "fieldType": "number"},
            {
                "name": "vin",
                "label": "VIN",
                "type": "string",
                "fieldType": "text",
                "hasUniqueValue": True,
            },
        ],
        "associatedObjects": ["CONTACT"],
    }
    body.update(changes)
    return body


def create_schema(client: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(SCHEMAS, json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created
