"""Admin of the assessments app, one module per concept."""

from . import (
    calibration,  # noqa: F401
    criteria,  # noqa: F401
    evidence,  # noqa: F401
    lrs,  # noqa: F401
    readiness,  # noqa: F401
)
