"""Domain errors: one base carrying its HTTP status, rendered by one handler in the API.

    ModerationError (400)
    ├── NotFound (404)
    ├── Unauthenticated (401)
    ├── Forbidden (403)
    │   └── CsrfFailed           a browser form or call without its session's CSRF token
    ├── Conflict (409)
    │   ├── VersionConflict      same offer version sent with different content
    │   ├── CaseClosed           a decision on a case that already has one
    │   └── LeaseNotHeld         caller does not hold the case's lease
    ├── PayloadTooLarge (413)
    ├── RateLimited (429)        carries the seconds to wait (Retry-After)
    └── InvalidInput (422)       carries the offending field
"""

from __future__ import annotations


class ModerationError(Exception):
    """Base of every error the domain raises on purpose."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(ModerationError):
    status_code = 404
    code = "not_found"


class Unauthenticated(ModerationError):
    status_code = 401
    code = "unauthenticated"


class Forbidden(ModerationError):
    status_code = 403
    code = "forbidden"


class CsrfFailed(Forbidden):
    code = "csrf_failed"


class Conflict(ModerationError):
    status_code = 409
    code = "conflict"


class VersionConflict(Conflict):
    code = "version_conflict"


class CaseClosed(Conflict):
    code = "case_closed"


class LeaseNotHeld(Conflict):
    code = "lease_not_held"


class PayloadTooLarge(ModerationError):
    status_code = 413
    code = "payload_too_large"


class RateLimited(ModerationError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class InvalidInput(ModerationError):
    status_code = 422
    code = "invalid_input"
