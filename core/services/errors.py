"""What a use case refuses with: one class per answer a caller gives (422, 409, 404)."""


class ServiceError(Exception):
    """A refusal with a one-line message meant for the person who asked."""


class Invalid(ServiceError):
    """The input is wrong (HTTP 422, a click error)."""


class Conflict(ServiceError):
    """The input clashes with what exists (HTTP 409)."""


class NotFoundError(ServiceError):
    """No such object (HTTP 404)."""


class Forbidden(ServiceError):
    """The caller's role may see this but not do that (HTTP 403)."""
