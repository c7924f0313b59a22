"""The client's exceptions: one class per kind of failure, mapped from HTTP status in one table."""

from __future__ import annotations

from collections.abc import Mapping


class LatePointError(Exception):
    """Base of every error the client raises."""

    #: A short message safe to show to staff (never contains the API key).
    user_message = "LatePoint could not be reached."
    #: False when the request never left the front office (nothing can have changed upstream).
    sent = True


class APIConnectionError(LatePointError):
    """The site could not be reached (DNS, refused connection, TLS, reset)."""

    user_message = "LatePoint could not be reached. Check the connection and try again."


class APITimeoutError(APIConnectionError):
    """The site did not answer within the configured timeout."""

    user_message = "LatePoint took too long to answer. Try again in a moment."


class DeadlineExceeded(APITimeoutError):
    """The page's time for LatePoint ran out before this request could be sent."""

    user_message = "LatePoint is answering too slowly. Try again in a moment."
    sent = False


class BadResponse(LatePointError):
    """The site answered, but with a payload the client cannot understand."""

    user_message = "LatePoint sent an answer the front office could not read."

    def __init__(self, message: str, *, status: int | None = None, body: str = "") -> None:
        super().__init__(message)
        self.status = status
        # Keep a short excerpt only: payloads can hold personal data.
        self.body_excerpt = body[:200]


class APIError(LatePointError):
    """LatePoint answered with an error status."""

    user_message = "LatePoint refused the request."

    def __init__(
        self,
        *,
        status: int,
        code: str = "",
        message: str = "",
        field_errors: Mapping[str, str] | None = None,
    ) -> None:
        self.status = status
        self.code = code or ""
        self.message = message or ""
        self.field_errors: dict[str, str] = dict(field_errors or {})
        super().__init__(f"{status} {self.code}: {self.message}".strip())

    @property
    def is_duplicate_email(self) -> bool:
        """True for a 409, or a 400 whose code or message says the email is taken."""
        if self.status == 409:
            return True
        text = f"{self.code} {self.message} {' '.join(self.field_errors.values())}".lower()
        return "email" in text and ("exist" in text or "in use" in text or "taken" in text)


class InvalidRequest(APIError):
    """400 or 422: the request was understood but its data is not valid."""

    user_message = "LatePoint did not accept the data."


class Unauthorized(APIError):
    """401: the API key is missing, wrong or revoked."""

    user_message = "LatePoint rejected the front office's API key."


class Forbidden(APIError):
    """403: the key lacks the permission for this request."""

    user_message = "The front office's API key is not allowed to do that."


class NotFound(APIError):
    """404: the resource does not exist."""

    user_message = "That record does not exist in LatePoint."


class Conflict(APIError):
    """409: the write conflicts with existing data (a duplicate email)."""

    user_message = "That conflicts with a record that already exists."


class SlotUnavailable(Conflict):
    """The booking's time is not free (taken meanwhile, or outside the agent's hours)."""

    user_message = "That time is not available any more. Choose another time."

    @property
    def is_duplicate_email(self) -> bool:
        return False


class RateLimited(APIError):
    """429: too many requests for the key's limits."""

    user_message = "LatePoint is busy (too many requests). Try again in a moment."

    def __init__(self, *, retry_after: float | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.retry_after = retry_after


class BudgetExhausted(RateLimited):
    """The shared request budget of the API key is spent: the request was not sent.

    Raised before sending, so LatePoint is never asked for what it would refuse (a 429).
    """

    user_message = "LatePoint's request limit for this minute is used up. Try again in a moment."
    sent = False

    def __init__(
        self, *, retry_after: float | None = None, wait_seconds: float | None = None
    ) -> None:
        super().__init__(
            retry_after=retry_after,
            status=429,
            code="budget_exhausted",
            message="The API key's request budget is used up",
        )
        #: When a place frees up, to the fraction of a second (`retry_after` may be rounded up).
        self.wait_seconds = wait_seconds if wait_seconds is not None else retry_after


class ServerError(APIError):
    """5xx: the site failed (including 503 latepoint_not_available)."""

    user_message = "LatePoint had a problem answering. Try again in a moment."


#: HTTP status to exception class. Any other 4xx is an InvalidRequest, any 5xx a ServerError.
STATUS_ERRORS: dict[int, type[APIError]] = {
    400: InvalidRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    422: InvalidRequest,
    429: RateLimited,
}


#: Error codes that say a booking's time is not free, whatever 4xx status carries them.
SLOT_CODES = frozenset(
    {
        "slot_unavailable",
        "slot_not_available",
        "time_slot_unavailable",
        "time_slot_not_available",
        "timeslot_not_available",
        "booking_slot_unavailable",
        "booking_conflict",
        "not_available_slot",
    }
)


def error_class_for(status: int, code: str = "") -> type[APIError]:
    if 400 <= status < 500 and code.strip().lower() in SLOT_CODES:
        return SlotUnavailable
    if status in STATUS_ERRORS:
        return STATUS_ERRORS[status]
    if status >= 500:
        return ServerError
    return InvalidRequest
