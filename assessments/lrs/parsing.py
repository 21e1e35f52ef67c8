"""Validating an xAPI statement against the data rules (xAPI 1.0.3 Data 2.4) and extracting its columns.

`statement_parse` either returns a ParsedStatement or raises StatementRejected whose message is the readable
reason kept in the quarantine. Unknown properties are ignored (Communication 3.3).
"""

import datetime
import uuid
from dataclasses import dataclass, field

import orjson

from program.validators import text_problem

from ..constants import STEP_LIST
from .duration import duration_seconds
from .identity import IdentityError, identity_from_actor
from .profile import EXTENSIONS, VOIDED_VERB


class StatementRejected(ValueError):
    """The statement breaks a data rule or lacks what the mapping needs; the message is the reason."""


@dataclass(slots=True)
class ParsedStatement:
    statement_id: uuid.UUID
    raw: str
    identity_kind: str | None
    identity_key: str | None
    actor_name: str
    verb_iri: str
    activity_iri: str
    timestamp: datetime.datetime
    stored: datetime.datetime | None
    registration: uuid.UUID | None = None
    score_scaled: float | None = None
    score_raw: float | None = None
    score_min: float | None = None
    score_max: float | None = None
    success: bool | None = None
    completion: bool | None = None
    duration_seconds: float | None = None
    extensions: dict = field(default_factory=dict)
    voids_statement_id: uuid.UUID | None = None
    # Set by the ingest path before the row is stored.
    status: str = ""
    identity: object = None
    voided_at: datetime.datetime | None = None


def statement_parse(data, raw: str, *, received_at: datetime.datetime) -> ParsedStatement:
    """Check one statement and extract its columns; StatementRejected with the reason when it breaks a rule."""
    if not isinstance(data, dict):
        raise StatementRejected(f"a statement is a JSON object, not {type(data).__name__}")
    statement_id = _uuid(data.get("id"), "id")
    if statement_id is None:
        raise StatementRejected("statement has no id: an LRS always assigns one, so this is not an LRS statement")

    actor = data.get("actor")
    if not isinstance(actor, dict):
        raise StatementRejected("statement has no actor object")
    try:
        identity = identity_from_actor(actor)
    except IdentityError as error:
        raise StatementRejected(str(error)) from None

    verb = data.get("verb")
    if not isinstance(verb, dict) or not _is_iri(verb.get("id")):
        raise StatementRejected("verb.id is missing or not an IRI")
    verb_iri = verb["id"]

    target = data.get("object")
    if not isinstance(target, dict):
        raise StatementRejected("statement has no object")
    object_type = target.get("objectType", "Activity")
    activity_iri = ""
    voids_statement_id = None
    if verb_iri == VOIDED_VERB:
        if object_type != "StatementRef":
            raise StatementRejected("a voiding statement's object must be a StatementRef")
        voids_statement_id = _uuid(target.get("id"), "object.id")
        if voids_statement_id is None:
            raise StatementRejected("a voiding statement's object.id must be the UUID of the voided statement")
    elif object_type == "Activity":
        if not _is_iri(target.get("id")):
            raise StatementRejected("object.id of an Activity is missing or not an IRI")
        activity_iri = target["id"]
    elif object_type not in ("Agent", "Group", "StatementRef", "SubStatement"):
        raise StatementRejected(f"object.objectType {object_type!r} is not one xAPI defines")

    stored = _datetime(data.get("stored"), "stored") if "stored" in data else None
    timestamp = _datetime(data.get("timestamp"), "timestamp") if "timestamp" in data else None
    parsed = ParsedStatement(
        statement_id=statement_id,
        raw=raw,
        identity_kind=identity[0] if identity else None,
        identity_key=identity[1] if identity else None,
        actor_name=actor.get("name") if isinstance(actor.get("name"), str) else "",
        verb_iri=verb_iri,
        activity_iri=activity_iri,
        # The LRS sets timestamp to stored when the sender gave none (Data 2.4.7).
        timestamp=timestamp or stored or received_at,
        stored=stored,
        voids_statement_id=voids_statement_id,
    )
    if "result" in data:
        _parse_result(data["result"], parsed)
    if "context" in data:
        _parse_context(data["context"], parsed)
    return parsed


def _parse_result(result, parsed: ParsedStatement) -> None:
    if not isinstance(result, dict):
        raise StatementRejected("result must be an object")
    for flag in ("success", "completion"):
        if flag in result:
            if not isinstance(result[flag], bool):
                raise StatementRejected(f"result.{flag} must be true or false, not {result[flag]!r}")
            setattr(parsed, flag, result[flag])
    if "duration" in result:
        try:
            parsed.duration_seconds = duration_seconds(result["duration"])
        except ValueError as error:
            raise StatementRejected(f"result.duration: {error}") from None
    score = result.get("score")
    if score is None:
        return
    if not isinstance(score, dict):
        raise StatementRejected("result.score must be an object")
    values = {}
    for name in ("scaled", "raw", "min", "max"):
        if name in score:
            value = score[name]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise StatementRejected(f"result.score.{name} must be a number, not {value!r}")
            values[name] = float(value)
    scaled, raw, low, high = (values.get(name) for name in ("scaled", "raw", "min", "max"))
    if scaled is not None and not -1 <= scaled <= 1:
        raise StatementRejected(f"result.score.scaled {scaled} is outside -1…1")
    if low is not None and high is not None and not low < high:
        raise StatementRejected(f"result.score.min {low} must be less than max {high}")
    if raw is not None and ((low is not None and raw < low) or (high is not None and raw > high)):
        raise StatementRejected(f"result.score.raw {raw} is outside min…max ({low}…{high})")
    parsed.score_scaled, parsed.score_raw, parsed.score_min, parsed.score_max = scaled, raw, low, high


def _parse_context(context, parsed: ParsedStatement) -> None:
    if not isinstance(context, dict):
        raise StatementRejected("context must be an object")
    if "registration" in context:
        parsed.registration = _uuid(context["registration"], "context.registration")
        if parsed.registration is None:
            raise StatementRejected("context.registration must be a UUID")
    extensions = context.get("extensions") or {}
    if not isinstance(extensions, dict):
        raise StatementRejected("context.extensions must be an object keyed by IRIs")
    for iri, value in extensions.items():
        if iri in EXTENSIONS:
            name = EXTENSIONS[iri][0]
            parsed.extensions[name] = _extension_value(name, value, iri)


# Role, service and scenario keys: the statement's role_key and service_key columns hold 80 characters.
EXTENSION_KEY_MAX_LENGTH = 80
IRI_MAX_LENGTH = 500


def _extension_value(name: str, value, iri: str):
    """Check the program's extensions so a bad value is quarantined here rather than failing the mapping later."""
    if name in ("rubric_version", "rubric_level"):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1 or (name == "rubric_level" and value > 4):
            allowed = "an integer from 1 to 4" if name == "rubric_level" else "a positive integer"
            raise StatementRejected(f"extension {iri} must be {allowed}, not {value!r}")
    elif name in ("steps_completed", "errors"):
        # The attempt's own shape (assessments.constants.STEP_LIST), so what the API refuses is quarantined here.
        if problem := STEP_LIST.problem(value):
            raise StatementRejected(f"extension {iri} must be a list of strings: {problem}")
    elif name.startswith("time_to_"):
        if isinstance(value, str):
            try:
                return duration_seconds(value)
            except ValueError as error:
                raise StatementRejected(f"extension {iri}: {error}") from None
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise StatementRejected(f"extension {iri} must be seconds (a number ≥ 0) or an ISO 8601 duration")
    elif not isinstance(value, str) or not value:
        raise StatementRejected(f"extension {iri} must be a non-empty string")
    elif len(value) > EXTENSION_KEY_MAX_LENGTH or text_problem(value):
        raise StatementRejected(
            f"extension {iri} must be a key of at most {EXTENSION_KEY_MAX_LENGTH} characters of storable text"
        )
    return value


def _uuid(value, where: str) -> uuid.UUID | None:
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise StatementRejected(f"{where} {value!r} is not a UUID") from None


def _datetime(value, where: str) -> datetime.datetime:
    if not isinstance(value, str):
        raise StatementRejected(f"{where} must be an ISO 8601 date-time string")
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise StatementRejected(f"{where} {value!r} is not an ISO 8601 date-time") from None
    # xAPI asks for a time zone; a value without one is read as UTC rather than lost.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


def _is_iri(value) -> bool:
    # At most 500 characters of storable text: the statement's verb_iri and activity_iri columns.
    return (
        isinstance(value, str)
        and ":" in value
        and " " not in value
        and len(value) <= IRI_MAX_LENGTH
        and text_problem(value) is None
    )


def raw_text(data) -> str:
    """The statement's JSON text, key order and values kept, for the `raw` column."""
    return orjson.dumps(data).decode()
