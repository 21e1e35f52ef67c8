"""Assessment models, one concept per module."""

from .evidence import Attempt, Scenario, SignOff
from .lrs import ActorIdentity, LRSConnection, LRSSyncRun, QuarantinedStatement, Statement

__all__ = [
    "ActorIdentity",
    "Attempt",
    "LRSConnection",
    "LRSSyncRun",
    "QuarantinedStatement",
    "Scenario",
    "SignOff",
    "Statement",
]
