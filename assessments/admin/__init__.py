"""Admin of the assessments app, one module per concept."""

from . import (
    evidence,  # noqa: F401
    readiness,  # noqa: F401
)
