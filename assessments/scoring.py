"""The one scoring rule set: how a raw result becomes a 0–100 score, identically for every team."""

from decimal import ROUND_HALF_UP, Decimal

from .choices import ScoringRule

TWO_PLACES = Decimal("0.01")


def score_from_result(
    *,
    rule: str,
    raw: Decimal | float | None = None,
    maximum: Decimal | float | None = None,
    steps_completed: int | None = None,
    steps_total: int | None = None,
    level: int | None = None,
) -> Decimal:
    """Normalise a result to 0–100 under a scenario's scoring rule; raises ValueError on missing input."""
    if rule == ScoringRule.PERCENT:
        if raw is None or not maximum:
            raise ValueError("percent scoring needs a raw score and a positive maximum")
        value = Decimal(str(raw)) / Decimal(str(maximum)) * 100
    elif rule == ScoringRule.KEY_STEPS:
        if steps_total is None or steps_total <= 0 or steps_completed is None:
            raise ValueError("key-step scoring needs the number of steps completed and a positive total")
        value = Decimal(steps_completed) / Decimal(steps_total) * 100
    elif rule == ScoringRule.RUBRIC:
        if level not in (1, 2, 3, 4):
            raise ValueError("rubric scoring needs a level from 1 to 4")
        value = Decimal(level) * 25
    else:
        raise ValueError(f"unknown scoring rule {rule!r}")
    return min(max(value, Decimal(0)), Decimal(100)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
