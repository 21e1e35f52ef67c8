"""The profile's mapping from a statement to the values of an attempt (pure: no queries).

A statement here is a stored `Statement` or a `ParsedStatement` about to be stored: both have the same columns.

`attempt_values` raises MappingError with a readable reason when a statement on a scenario lacks what the
scenario's scoring rule needs; the statement then goes to the quarantine until the mapping is fixed.
"""

from decimal import Decimal

from roles.models import StandardVersion

from ..choices import ScoringRule
from ..models import Scenario, Statement
from ..scoring import score_from_result
from .profile import ATTEMPT_VERBS, SCENARIO_ACTIVITY_PREFIX


class MappingError(ValueError):
    """The statement names a scenario but cannot become an attempt; the message says why."""


def makes_attempt(statement: Statement) -> bool:
    """Whether the statement's verb is one that records an attempt (when its activity is a scenario)."""
    return statement.verb_iri in ATTEMPT_VERBS


def scenario_for(statement: Statement, by_iri: dict[str, Scenario], by_key: dict[str, Scenario]) -> Scenario | None:
    """The scenario a statement is about: by activity IRI, else by the scenario extension; None when neither."""
    scenario = by_iri.get(statement.activity_iri)
    if scenario is None and "scenario" in statement.extensions:
        scenario = by_key.get(statement.extensions["scenario"])
        if scenario is None:
            raise MappingError(f"no scenario has the key {statement.extensions['scenario']!r}")
    if scenario is None and statement.activity_iri.startswith(SCENARIO_ACTIVITY_PREFIX):
        raise MappingError(f"no scenario has the activity IRI {statement.activity_iri}")
    return scenario


def attempt_values(statement: Statement, scenario: Scenario, versions: dict[tuple[int, int], StandardVersion]) -> dict:
    """Score, rubric version, timings, steps and errors of the attempt a statement records."""
    extensions = statement.extensions
    standard_id = scenario.standard_version.standard_id
    rubric_version = scenario.standard_version
    if "rubric_version" in extensions:
        rubric_version = versions.get((standard_id, extensions["rubric_version"]))
        if rubric_version is None:
            raise MappingError(
                f"rubric version {extensions['rubric_version']} does not exist for {scenario.standard_version.standard}"
            )
    steps = extensions.get("steps_completed", [])
    try:
        score = _score(statement, scenario, steps)
    except ValueError as error:
        raise MappingError(f"scenario {scenario.key} ({scenario.get_scoring_rule_display()}): {error}") from None
    return {
        "scenario_id": scenario.pk,
        "rubric_version_id": rubric_version.pk,
        "completed_at": statement.timestamp,
        "score": score,
        "passed": score >= scenario.pass_mark,
        "level_achieved": extensions.get("rubric_level"),
        "key_steps_completed": steps,
        "errors_made": extensions.get("errors", []),
        "time_to_detect_seconds": _seconds(extensions.get("time_to_detect")),
        "time_to_mitigate_seconds": _seconds(extensions.get("time_to_mitigate")),
        "time_to_restore_seconds": _seconds(extensions.get("time_to_restore")),
        "source_statement_id": statement.statement_id,
    }


def _score(statement: Statement, scenario: Scenario, steps: list[str]) -> Decimal:
    rule = scenario.scoring_rule
    if rule == ScoringRule.PERCENT:
        if statement.score_raw is not None and statement.score_max:
            low = statement.score_min or 0
            return score_from_result(rule=rule, raw=statement.score_raw - low, maximum=statement.score_max - low)
        if statement.score_scaled is not None:
            return score_from_result(rule=rule, raw=max(statement.score_scaled, 0), maximum=1)
        raise ValueError("needs result.score.raw with max, or result.score.scaled")
    if rule == ScoringRule.KEY_STEPS:
        if "steps_completed" not in statement.extensions:
            raise ValueError("needs the steps-completed extension")
        key_steps = set(scenario.key_steps)
        return score_from_result(rule=rule, steps_completed=len(key_steps & set(steps)), steps_total=len(key_steps))
    if "rubric_level" not in statement.extensions:
        raise ValueError("needs the rubric-level extension (1 to 4)")
    return score_from_result(rule=rule, level=statement.extensions["rubric_level"])


def _seconds(value: float | None) -> int | None:
    return None if value is None else round(value)
