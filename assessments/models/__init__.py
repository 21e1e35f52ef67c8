"""Assessment models, one concept per module."""

from .evidence import Attempt, Scenario, SignOff

__all__ = ["Attempt", "Scenario", "SignOff"]
