"""Turn rule violations raised by services and the ORM into 400s with messages, never a 500."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.views import exception_handler


def api_exception_handler(exc, context):
    """DRF's handler, plus Django's ValidationError (raised by services' full_clean and rules) as a 400."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, OverflowError):
        # e.g. a date filter so close to year 1 or 9999 that converting its time zone leaves the calendar.
        exc = exceptions.ValidationError({"detail": ["A date or number is out of range."]})
    return exception_handler(exc, context)
