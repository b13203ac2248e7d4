"""HubSpot's whole-request errors, raised anywhere in the domain.

One handler in ``http/errors.py`` turns any of them into HubSpot's ``Error`` body::

    HubSpotError (status, category, message, context, details, links, headers)
    ├── ValidationError        400 VALIDATION_ERROR
    ├── InvalidAuthentication  401 INVALID_AUTHENTICATION
    │   └── ExpiredAuthentication  401 EXPIRED_AUTHENTICATION
    ├── MissingScopes          403 MISSING_SCOPES
    ├── ObjectNotFound         404 OBJECT_NOT_FOUND (a record)
    ├── ResourceNotFound       404 OBJECT_NOT_FOUND (an object type, property, group)
    ├── Conflict               409 CONFLICT
    └── RateLimited            429 RATE_LIMITS (with errorType and policyName)

Per-input failures inside batches are not exceptions: they are ``InputError`` data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ErrorDetail:
    message: str
    code: str | None = None
    context: Mapping[str, Sequence[str]] = field(default_factory=dict)


class HubSpotError(Exception):
    status: int = 500
    category: str = "INTERNAL_ERROR"

    def __init__(
        self,
        message: str,
        *,
        context: Mapping[str, Sequence[str]] | None = None,
        details: Sequence[ErrorDetail] = (),
        links: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        sub_category: str | None = None,
    ) -> None:
        super().__init__(message)
        self.sub_category = sub_category
        self.message = message
        self.context = dict(context or {})
        self.details = tuple(details)
        self.links = dict(links or {})
        self.headers = dict(headers or {})
        self.error_type: str | None = None
        self.policy_name: str | None = None


class ValidationError(HubSpotError):
    status = 400
    category = "VALIDATION_ERROR"


class InvalidAuthentication(HubSpotError):
    status = 401
    category = "INVALID_AUTHENTICATION"

    def __init__(self) -> None:
        super().__init__(
            "Authentication credentials not found. This API supports OAuth 2.0 authentication "
            "and you can find more details at "
            "https://developers.hubspot.com/docs/methods/auth/oauth-overview",
            headers={"x-hubspot-auth-failure": "401 Unauthorized"},
        )


class ExpiredAuthentication(InvalidAuthentication):
    """An expired token: 401 like a missing one, with HubSpot's OAuth category."""

    category = "EXPIRED_AUTHENTICATION"


class MissingScopes(HubSpotError):
    status = 403
    category = "MISSING_SCOPES"

    def __init__(self, required: Sequence[str]) -> None:
        super().__init__(
            "This app hasn't been granted all required scopes to make this call. "
            "Read more about required scopes here: https://developers.hubspot.com/scopes.",
            details=(
                ErrorDetail(
                    message="One or more of the following scopes are required.",
                    context={"requiredGranularScopes": list(required)},
                ),
            ),
            links={"scopes": "https://developers.hubspot.com/scopes"},
        )


class ObjectNotFound(HubSpotError):
    status = 404
    category = "OBJECT_NOT_FOUND"

    def __init__(self, object_id: str) -> None:
        super().__init__(
            "Object not found.  objectId are usually numeric.", context={"id": [object_id]}
        )


class ResourceNotFound(HubSpotError):
    status = 404
    category = "OBJECT_NOT_FOUND"


class Conflict(HubSpotError):
    status = 409
    category = "CONFLICT"


class RateLimited(HubSpotError):
    """HubSpot's 429: the official SDKs retry on ``errorType``/``policyName`` exactly."""

    status = 429
    category = "RATE_LIMITS"

    def __init__(self, policy_name: str) -> None:
        super().__init__(f"You have reached your {policy_name.lower()} limit.")
        self.error_type = "RATE_LIMIT"
        self.policy_name = policy_name
