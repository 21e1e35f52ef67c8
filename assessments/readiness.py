"""The readiness rules, as pure functions over plain facts (no queries): easy to read, test and reuse.

`assessments.services.readiness.readiness_recompute_for_people` loads the facts in a fixed number of queries and calls
`evaluate_criterion` and `decide_status`; the results are stored in `PersonReadiness` rows.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from roles.choices import Grandfathering, RubricLevel

from .choices import ReadinessStatus
from .constants import EXPIRY_WARNING_DAYS


@dataclass(frozen=True)
class CriterionRule:
    """What one criterion of a version demands."""

    key: str
    title: str
    skill_id: int
    skill_name: str
    required_level: int
    minimum_score: Decimal
    evidence_validity_days: int
    required_scenario_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class AttemptFact:
    """One non-voided attempt, reduced to what the rules and the evidence summary read."""

    id: int
    scenario_id: int
    completed_at: datetime.datetime
    score: Decimal
    passed: bool
    level_achieved: int | None = None
    errors_made: tuple[str, ...] = ()
    time_to_detect_seconds: int | None = None
    time_to_mitigate_seconds: int | None = None
    time_to_restore_seconds: int | None = None


@dataclass(frozen=True)
class SignOffFact:
    """A 'ready' sign-off of a person against some version of the standard."""

    id: int
    version_id: int
    signed_at: datetime.datetime
    expires_at: datetime.datetime | None
    revoked_at: datetime.datetime | None
    revoke_reason: str = ""


@dataclass
class StatusDecision:
    status: ReadinessStatus
    signoff: SignOffFact | None
    reassess_keys: list[str] = field(default_factory=list)
    needs_reassessment: bool = False


def number_text(value: Decimal | int) -> str:
    """72.50 → '72.5', 80.00 → '80': scores as a person would write them."""
    return f"{Decimal(value).normalize():f}"


def level_text(level: int) -> str:
    return RubricLevel(level).label if level in RubricLevel.values else str(level)


def evaluate_criterion(
    *,
    rule: CriterionRule,
    attempts: list[AttemptFact],
    scenario_ids_for_skill: set[int],
    scenario_titles: dict[int, str],
    now: datetime.datetime,
) -> dict:
    """Judge one criterion against a person's attempts; returns the evidence summary with `met` and `reason`.

    Counting evidence: attempts on scenarios that assess the criterion's skill, completed within the
    criterion's validity. The latest counting attempt wins: its score must reach the minimum and, when it was
    levelled, its level the required level. Every required scenario needs a passing attempt within validity.
    """
    cutoff = now - datetime.timedelta(days=rule.evidence_validity_days)
    on_skill = sorted(
        (attempt for attempt in attempts if attempt.scenario_id in scenario_ids_for_skill),
        key=lambda attempt: (attempt.completed_at, attempt.id),
        reverse=True,
    )
    counting = [attempt for attempt in on_skill if attempt.completed_at >= cutoff]
    reasons: list[str] = []
    latest = counting[0] if counting else None
    if latest is None:
        if on_skill:
            stale = on_skill[0]
            reasons.append(
                f"Your last attempt at {scenario_titles.get(stale.scenario_id, 'a scenario')} "
                f"({stale.completed_at:%d %b %Y}) is older than {rule.evidence_validity_days} days, "
                "so it no longer counts: try it again."
            )
        else:
            options = sorted(scenario_titles[sid] for sid in scenario_ids_for_skill if sid in scenario_titles)
            hint = f" Try: {', '.join(options)}." if options else " No scenario assesses it yet: ask your coach."
            reasons.append(f"No attempt yet at a scenario that assesses {rule.skill_name}.{hint}")
    else:
        where = f"{scenario_titles.get(latest.scenario_id, 'a scenario')} on {latest.completed_at:%d %b %Y}"
        if latest.score < rule.minimum_score:
            reasons.append(
                f"Your latest attempt ({where}) scored {number_text(latest.score)}; "
                f"this criterion needs {number_text(rule.minimum_score)} or more."
            )
        if latest.level_achieved is not None and latest.level_achieved < rule.required_level:
            reasons.append(
                f"Your latest attempt ({where}) was assessed at level {level_text(latest.level_achieved)}; "
                f"this criterion needs level {level_text(rule.required_level)}."
            )
    required = []
    for scenario_id in rule.required_scenario_ids:
        passed = any(
            attempt.scenario_id == scenario_id and attempt.passed and attempt.completed_at >= cutoff
            for attempt in attempts
        )
        title = scenario_titles.get(scenario_id, f"Scenario {scenario_id}")
        required.append({"title": title, "passed": passed})
        if not passed:
            reasons.append(f"{title} needs a passing attempt in the last {rule.evidence_validity_days} days.")
    timed = next(
        (
            attempt
            for attempt in counting
            if attempt.time_to_detect_seconds or attempt.time_to_mitigate_seconds or attempt.time_to_restore_seconds
        ),
        None,
    )
    errors = Counter(error for attempt in counting for error in attempt.errors_made)
    return {
        "key": rule.key,
        "title": rule.title,
        "skill": rule.skill_name,
        "met": not reasons,
        "reason": " ".join(reasons),
        "bar": {"minimum_score": number_text(rule.minimum_score), "required_level": level_text(rule.required_level)},
        "latest": (
            {
                "attempt_id": latest.id,
                "scenario": scenario_titles.get(latest.scenario_id, ""),
                "score": number_text(latest.score),
                "level": level_text(latest.level_achieved) if latest.level_achieved else None,
                "completed_at": latest.completed_at.isoformat(),
            }
            if latest
            else None
        ),
        "attempts": len(counting),
        "common_errors": [[error, count] for error, count in errors.most_common(3)],
        "timings": (
            {
                "detect": timed.time_to_detect_seconds,
                "mitigate": timed.time_to_mitigate_seconds,
                "restore": timed.time_to_restore_seconds,
                "completed_at": timed.completed_at.isoformat(),
            }
            if timed
            else None
        ),
        "required_scenarios": required,
    }


def grandfathered_reassessment(*, grandfathering: str, changed_keys: list[str]) -> list[str] | None:
    """The one grandfathering rule: what a current sign-off on an earlier version still needs once a newer version
    is published. None: it no longer holds (everyone re-assesses every criterion); otherwise the criteria to
    re-assess while it holds (none when it is kept until expiry, the changed ones under "re-assess changed")."""
    if grandfathering == Grandfathering.REASSESS_ALL:
        return None
    if grandfathering == Grandfathering.KEEP_UNTIL_EXPIRY:
        return []
    return list(changed_keys)


def decide_status(
    *,
    version_id: int,
    grandfathering: str,
    results: list[dict],
    changed_keys_since: dict[int, list[str]],
    signoffs: list[SignOffFact],
    has_any_attempt: bool,
    now: datetime.datetime,
) -> StatusDecision:
    """The status of a person against the current version, from the criteria results and their sign-offs.

    The latest 'ready' sign-off decides: revoked → revoked; past expiry → expired; on the current version →
    signed off (expiring soon within the warning window). A sign-off on an older version follows the
    standard's grandfathering: kept until expiry, kept while only the changed criteria are re-assessed
    (`changed_keys_since[old_version_id]`), or dropped so everyone re-assesses. Without a sign-off that holds,
    the evidence decides: ready for sign-off, in progress, or not started.
    """
    all_keys = [result["key"] for result in results]
    latest = max(signoffs, key=lambda signoff: (signoff.signed_at, signoff.id), default=None)
    if latest is not None:
        if latest.revoked_at is not None:
            return StatusDecision(ReadinessStatus.REVOKED, latest, all_keys)
        if latest.expires_at is not None and latest.expires_at <= now:
            return StatusDecision(ReadinessStatus.EXPIRED, latest, all_keys)
        reassess = (
            []
            if latest.version_id == version_id
            else grandfathered_reassessment(
                grandfathering=grandfathering, changed_keys=changed_keys_since.get(latest.version_id, [])
            )
        )
        if reassess is not None:
            warning_from = now + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
            expiring = latest.expires_at is not None and latest.expires_at <= warning_from
            status = ReadinessStatus.EXPIRING_SOON if expiring else ReadinessStatus.SIGNED_OFF
            return StatusDecision(status, latest, reassess, needs_reassessment=bool(reassess))
    if all(result["met"] for result in results):
        return StatusDecision(ReadinessStatus.READY_FOR_SIGNOFF, None, all_keys)
    status = ReadinessStatus.IN_PROGRESS if has_any_attempt else ReadinessStatus.NOT_STARTED
    return StatusDecision(status, None, all_keys)
