class ServiceError(Exception):
    """A use case refused its input; the message is one line fit for the user."""


class Invalid(ServiceError):
    """Bad input: 422 on the web, a click error on the command line."""


class Conflict(ServiceError):
    """The object exists already, or its state forbids the change: 409."""


class NotFoundError(ServiceError):
    """No such object (or not one the caller may see): 404."""
