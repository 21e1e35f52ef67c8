"""Admin of the assessments app, one module per concept."""

from . import (
    criteria,  # noqa: F401
    evidence,  # noqa: F401
    lrs,  # noqa: F401
    readiness,  # noqa: F401
)
