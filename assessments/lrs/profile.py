"""The program's xAPI profile: the verbs and context extensions the portal understands, and its JSON-LD document.

Content authors read docs/xapi-profile.md; the portal publishes the profile at /xapi/profile.jsonld.
"""

PORTAL_IRI = "https://readiness-portal.example/xapi"
PROFILE_IRI = f"{PORTAL_IRI}/profile"
PROFILE_VERSION_IRI = f"{PROFILE_IRI}/v1"
SCENARIO_ACTIVITY_PREFIX = f"{PORTAL_IRI}/activities/scenario/"
CONTENT_ACTIVITY_PREFIX = f"{PORTAL_IRI}/activities/content/"
EXTENSION_PREFIX = f"{PORTAL_IRI}/extensions/"

VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"

# Verbs whose statements on a scenario activity make an attempt: the result is the attempt's evidence.
ATTEMPT_VERBS = {
    "http://adlnet.gov/expapi/verbs/completed": "completed",
    "http://adlnet.gov/expapi/verbs/passed": "passed",
    "http://adlnet.gov/expapi/verbs/failed": "failed",
    "http://adlnet.gov/expapi/verbs/scored": "scored",
    f"{PORTAL_IRI}/verbs/resolved-drill": "resolved drill",
}
# Verbs stored for reporting that make no attempt.
RECORDED_VERBS = {
    "http://adlnet.gov/expapi/verbs/attempted": "attempted",
    "http://adlnet.gov/expapi/verbs/experienced": "experienced",
    f"{PORTAL_IRI}/verbs/started-drill": "started drill",
}

# Context extensions: IRI -> (short name kept on the statement, what it holds).
EXTENSIONS = {
    f"{EXTENSION_PREFIX}role": ("role", "The learner's role key, e.g. `sre`."),
    f"{EXTENSION_PREFIX}service": ("service", "The service the scenario exercises, e.g. `payments-api`."),
    f"{EXTENSION_PREFIX}scenario": ("scenario", "The scenario key, when the activity IRI is not a scenario IRI."),
    f"{EXTENSION_PREFIX}rubric-version": (
        "rubric_version",
        "The version number (integer) of the readiness standard the attempt was scored against.",
    ),
    f"{EXTENSION_PREFIX}steps-completed": ("steps_completed", "The key steps taken, a list of strings."),
    f"{EXTENSION_PREFIX}errors": ("errors", "The errors made, a list of strings."),
    f"{EXTENSION_PREFIX}rubric-level": ("rubric_level", "The reviewer's rubric level, 1 to 4 (rubric scoring)."),
    f"{EXTENSION_PREFIX}time-to-detect": ("time_to_detect", "Drill: seconds (number) or ISO 8601 duration."),
    f"{EXTENSION_PREFIX}time-to-mitigate": ("time_to_mitigate", "Drill: seconds (number) or ISO 8601 duration."),
    f"{EXTENSION_PREFIX}time-to-restore": ("time_to_restore", "Drill: seconds (number) or ISO 8601 duration."),
}
EXTENSION_BY_NAME = {name: iri for iri, (name, _) in EXTENSIONS.items()}


def scenario_activity_iri(scenario_key: str) -> str:
    """The activity IRI content authors use for a scenario."""
    return f"{SCENARIO_ACTIVITY_PREFIX}{scenario_key}"


def profile_document() -> dict:
    """The profile as an xAPI Profile (JSON-LD, xAPI Profiles 1.0)."""
    author = {"type": "Organization", "name": "Readiness Portal"}

    def concept(iri: str, kind: str, label: str, definition: str, **extra) -> dict:
        return {
            "id": iri,
            "inScheme": PROFILE_VERSION_IRI,
            "type": kind,
            "prefLabel": {"en": label},
            "definition": {"en": definition},
            **extra,
        }

    concepts = [
        concept(iri, "Verb", label, "On a scenario activity: makes an attempt from the statement's result.")
        for iri, label in ATTEMPT_VERBS.items()
    ]
    concepts += [
        concept(iri, "Verb", label, "Stored for reporting; makes no attempt.") for iri, label in RECORDED_VERBS.items()
    ]
    concepts += [concept(iri, "ContextExtension", name, description) for iri, (name, description) in EXTENSIONS.items()]
    concepts.append(
        concept(
            f"{PORTAL_IRI}/activity-types/scenario",
            "ActivityType",
            "scenario",
            "A readiness scenario (lab, incident drill or course check) scored against a readiness standard.",
        )
    )
    return {
        "@context": "https://w3id.org/xapi/profiles/context",
        "id": PROFILE_IRI,
        "type": "Profile",
        "conformsTo": "https://w3id.org/xapi/profiles#1.0",
        "prefLabel": {"en": "Readiness Portal"},
        "definition": {
            "en": "Statements from courses, labs and incident drills that the Readiness Portal turns into attempts."
        },
        "author": author,
        "versions": [{"id": PROFILE_VERSION_IRI, "generatedAtTime": "2026-11-25T00:00:00Z"}],
        "concepts": concepts,
        "templates": [
            {
                "id": f"{PROFILE_IRI}/templates/scenario-attempt",
                "inScheme": PROFILE_VERSION_IRI,
                "type": "StatementTemplate",
                "prefLabel": {"en": "scenario attempt"},
                "definition": {"en": "A learner's attempt at a scenario, with its result and drill timings."},
                "objectActivityType": f"{PORTAL_IRI}/activity-types/scenario",
                "rules": [
                    {"location": "$.actor", "presence": "included"},
                    {"location": "$.verb.id", "presence": "included", "any": sorted(ATTEMPT_VERBS)},
                    {"location": "$.object.id", "presence": "included"},
                    {"location": "$.result.score", "presence": "recommended"},
                    {
                        "location": f"$.context.extensions['{EXTENSION_PREFIX}rubric-version']",
                        "presence": "recommended",
                    },
                ],
            }
        ],
    }
