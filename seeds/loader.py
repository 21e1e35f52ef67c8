"""Builds the demo org from seeds/data/*.toml through the services, idempotently.

Each step creates only what is missing, keyed on natural keys (codes, slugs, keys, e-mails, usernames), and
never changes what exists: running the loader again changes nothing, and an L&D admin's edits survive it.
Each step runs in a transaction (each person's history in one of its own), so an interrupted load resumes
where it stopped. Plain reference rows that carry no rule and have no service (regions, teams, skills,
roles, content items, scenarios, paths) are created with `full_clean()` here; every other write goes through
its service.
"""

import datetime
import time
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import transaction
from tqdm import tqdm

from assessments.choices import SyncRunKind
from assessments.lrs.importing import statements_import
from assessments.models import Attempt, LRSSyncRun, Scenario, SignOff
from assessments.services.attempts import attempts_record_history
from assessments.services.readiness import readiness_recompute_for_people
from assessments.services.signoffs import signoff_record_history, signoff_revoke
from content.models import ContentItem, LearningPath, PathStep, RefreshTicket
from content.services import content_version_release, refresh_ticket_open, refresh_ticket_set_status
from program.models import Person, Region, Role, Service, Shift, Team, TeamMembership
from program.services import person_join, person_move_team, person_set_reporting_lines, team_set_manager
from roles.models import (
    Criterion,
    Gate,
    LevelDescriptor,
    ReadinessStandard,
    Skill,
    SkillTag,
    StandardVersion,
)
from roles.services import (
    criterion_save,
    ensure_version_editable,
    gate_save,
    level_descriptor_save,
    standard_create,
    standard_version_new_draft,
    standard_version_publish,
    standard_version_update,
)

from .data_files import DATA_DIR, DemoData
from .incidents import load_incidents, load_refresh_tickets
from .operations import load_operations
from .planning import HistoryPlan, HistoryPlanner, PersonPlan, at_hour, plan_people

# An LRS export (NDJSON) as the customer's hosted LRS would give it, imported by the last step.
LRS_EXPORT = DATA_DIR / "lrs_export.ndjson"


def create_clean(model, **fields):
    """Create one plain reference row after validating it."""
    instance = model(**fields)
    instance.full_clean()
    instance.save()
    return instance


class DemoLoader:
    """Loads the demo org step by step; `run()` returns how many rows each step created."""

    def __init__(self, *, data: DemoData, today: datetime.date, report: Callable[[str], None] = print):
        self.data = data
        self.today = today
        self.report = report
        self.people_plan: list[PersonPlan] = plan_people(data, today)
        self.created: dict[str, int] = {}

    def run(self) -> dict[str, int]:
        for step in (
            self.load_org,
            self.load_skills_and_roles,
            self.load_people,
            self.load_content,
            self.load_standards_and_scenarios,
            self.load_paths_and_gates,
            self.load_history,
            self.load_refresh_tickets,
            self.load_incidents,
            self.load_lrs_export,
            self.load_operations,
        ):
            started = time.monotonic()
            name = step.__name__.removeprefix("load_").replace("_", " ")
            before = sum(self.created.values())
            step()
            made = sum(self.created.values()) - before
            self.report(f"{name:<26} {made:>6} rows created  {time.monotonic() - started:6.1f}s")
        return self.created

    def count(self, what: str, number: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + number

    def days_ago(self, days: int) -> datetime.datetime:
        return at_hour(self.today - datetime.timedelta(days=days), 10)

    # --- org -------------------------------------------------------------------------------------------

    @transaction.atomic
    def load_org(self) -> None:
        org = self.data.org
        for region in org["regions"]:
            if not Region.objects.filter(code=region["code"]).exists():
                create_clean(Region, **region)
                self.count("regions")
        for shift in org["shifts"]:
            if not Shift.objects.filter(code=shift["code"]).exists():
                create_clean(Shift, **shift)
                self.count("shifts")
        for team in org["teams"]:  # parents come first in the file
            if not Team.objects.filter(slug=team["slug"]).exists():
                parent = Team.objects.get(slug=team["parent"]) if team.get("parent") else None
                create_clean(Team, slug=team["slug"], name=team["name"], parent=parent)
                self.count("teams")
        for service in org["services"]:
            if not Service.objects.filter(slug=service["slug"]).exists():
                position = service.get("checkout_path_position")
                create_clean(
                    Service,
                    slug=service["slug"],
                    name=service["name"],
                    team=Team.objects.get(slug=service["team"]),
                    criticality=service["criticality"],
                    on_checkout_path=position is not None,
                    checkout_path_position=position,
                )
                self.count("services")

    @transaction.atomic
    def load_skills_and_roles(self) -> None:
        for tag in self.data.skills["tags"]:
            if not SkillTag.objects.filter(name=tag["name"]).exists():
                create_clean(SkillTag, name=tag["name"])
                self.count("skill tags")
        for skill in self.data.skills["skills"]:  # parents come first in the file
            if not Skill.objects.filter(key=skill["key"]).exists():
                parent = Skill.objects.get(key=skill["parent"]) if skill.get("parent") else None
                created = create_clean(
                    Skill, key=skill["key"], name=skill["name"], description=skill["description"], parent=parent
                )
                created.tags.set(SkillTag.objects.filter(name__in=skill["tags"]))
                self.count("skills")
        for role in self.data.standards["roles"]:
            if not Role.objects.filter(key=role["key"]).exists():
                create_clean(Role, **role)
                self.count("roles")

    # --- people ----------------------------------------------------------------------------------------

    @transaction.atomic
    def load_people(self) -> None:
        logins = self.data.people["logins"]
        password_hash = None
        user_for_person = {}
        # A login that is a person mails as that person (expiry reminders, coverage warnings reach them).
        email_of_person = {plan.key: plan.email for plan in self.people_plan}
        for account in logins["accounts"]:
            user = User.objects.filter(username=account["username"]).first()
            if user is None:
                # Hashing is slow by design; the demo logins share one password, so hash it once.
                password_hash = password_hash or make_password(logins["password"])
                user = User.objects.create(
                    username=account["username"],
                    email=email_of_person.get(account.get("person"), ""),
                    password=password_hash,
                    is_staff=account.get("is_staff", False),
                    is_superuser=account.get("is_superuser", False),
                )
                user.groups.set(Group.objects.filter(name__in=account["groups"]))
                self.count("logins")
            if account.get("person"):
                user_for_person[account["person"]] = user
        teams = {team.slug: team for team in Team.objects.all()}
        roles = {role.key: role for role in Role.objects.all()}
        regions = {region.code: region for region in Region.objects.all()}
        shifts = {shift.code: shift for shift in Shift.objects.all()}
        existing = set(Person.objects.values_list("email", flat=True))
        new_keys = set()
        for plan in self.people_plan:
            if plan.email in existing:
                continue
            user = user_for_person.get(plan.key)
            if user is not None and Person.objects.filter(user=user).exists():
                user = None  # that login already belongs to someone an admin linked by hand
            person_join(
                email=plan.email,
                full_name=plan.full_name,
                team=teams[plan.team],
                role=roles[plan.role],
                started_on=plan.started_on,
                region=regions[plan.region],
                shift=shifts[plan.shift],
                working_language=plan.language,
                user=user,
            )
            new_keys.add(plan.key)
            self.count("people")
        people = self.people_by_key()
        # Reporting lines only for people created now, so that later moves and admins' changes stay.
        for plan in self.people_plan:
            if plan.key in new_keys:
                person_set_reporting_lines(
                    person=people[plan.key],
                    manager=people[plan.manager] if plan.manager else None,
                    coach=people[plan.coach] if plan.coach else None,
                )
            if plan.manages and teams[plan.manages].manager_id is None:
                team_set_manager(team=teams[plan.manages], manager=people[plan.key])
                self.count("team managers")

    def people_by_key(self) -> dict[str, Person]:
        by_email = {person.email: person for person in Person.objects.all()}
        return {plan.key: by_email[plan.email] for plan in self.people_plan if plan.email in by_email}

    # --- content ---------------------------------------------------------------------------------------

    @transaction.atomic
    def load_content(self) -> None:
        base = self.data.content["xapi"]["content_base"]
        people = self.people_by_key()
        for entry in self.data.content["items"]:
            if ContentItem.objects.filter(key=entry["key"]).exists():
                continue
            item = create_clean(
                ContentItem,
                key=entry["key"],
                kind=entry["kind"],
                title=entry["title"],
                summary=entry["summary"],
                owner=people[entry["owner"]],
                xapi_activity_iri=f"{base}{entry['key']}",
            )
            item.skills.set(Skill.objects.filter(key__in=entry["skills"]))
            review_by = self.today + datetime.timedelta(days=entry["review_in_days"])
            for number, version in enumerate(entry["versions"], start=1):
                content_version_release(
                    item=item,
                    change_note=version["change_note"],
                    link=f"https://learn.checkout.example/{entry['key']}/v{number}",
                    review_by=review_by,
                    published_at=self.days_ago(version["days_ago"]),
                )
            self.count("content items")
            self.count("content versions", len(entry["versions"]))

    # --- standards and scenarios -----------------------------------------------------------------------

    @transaction.atomic
    def load_standards_and_scenarios(self) -> None:
        """Standards and their first draft, then the scenarios written against it, then publishing.

        Scenarios point at a standard version and criteria require scenarios, so a new standard's first
        version is filled in, its scenarios are created, and only then is it published and followed by
        its later versions.
        """
        data = self.data.standards
        publisher = User.objects.filter(username=data["publisher"]).first()
        new_standards = []
        for entry in data["standards"]:
            role = Role.objects.get(key=entry["role"])
            if ReadinessStandard.objects.filter(role=role).exists():
                continue
            standard = standard_create(
                role=role,
                name=entry["name"],
                signoff_validity_days=entry["signoff_validity_days"],
                grandfathering=entry["grandfathering"],
            )
            self.fill_version(standard.versions.get(number=1), entry["versions"][0], required_scenarios=False)
            new_standards.append((standard, entry))
            self.count("standards")
        self.load_scenarios()
        for standard, entry in new_standards:
            for number, version_entry in enumerate(entry["versions"], start=1):
                if number == 1:
                    version = standard_version_update(
                        version=standard.versions.get(number=1), change_note=version_entry["change_note"]
                    )
                else:
                    version = standard_version_new_draft(standard=standard, change_note=version_entry["change_note"])
                self.fill_version(version, version_entry, required_scenarios=True)
                if "published_days_ago" in version_entry:
                    standard_version_publish(
                        version=version,
                        by=publisher,
                        published_at=self.days_ago(version_entry["published_days_ago"]),
                        queue_recompute=False,  # the history is recomputed once, after the evidence is in
                    )
                self.count("standard versions")

    def fill_version(self, version: StandardVersion, entry: dict, *, required_scenarios: bool) -> None:
        """Make a draft's criteria match the data: add missing ones (with levels), update the bar of the rest."""
        ensure_version_editable(version)
        library = self.data.standards["criteria"]
        for position, line in enumerate(entry["criteria"], start=1):
            text = library[line["key"]]
            criterion = version.criteria.filter(key=line["key"]).first()
            is_new = criterion is None
            if is_new:
                criterion = Criterion(version=version, key=line["key"])
            criterion.skill = Skill.objects.get(key=text["skill"])
            criterion.title = text["title"]
            criterion.description = text["description"]
            criterion.weight = Decimal(str(line["weight"]))
            criterion.required_level = line["required_level"]
            criterion.minimum_score = Decimal(str(line["minimum_score"]))
            criterion.evidence_validity_days = line["evidence_validity_days"]
            criterion.position = position
            criterion_save(criterion=criterion)
            if is_new:
                for level in text["levels"]:
                    level_descriptor_save(
                        level=LevelDescriptor(
                            criterion=criterion,
                            level=level["level"],
                            descriptor=level["descriptor"],
                            example_of_good=level["example"],
                        )
                    )
                self.count("criteria")
            if required_scenarios:
                criterion.required_scenarios.set(Scenario.objects.filter(key__in=line["required_scenarios"]))

    def load_scenarios(self) -> None:
        base = self.data.scenarios["xapi"]["scenario_base"]
        for entry in self.data.scenarios["scenarios"]:
            if Scenario.objects.filter(key=entry["key"]).exists():
                continue
            scenario = create_clean(
                Scenario,
                key=entry["key"],
                title=entry["title"],
                kind=entry["kind"],
                description=ContentItem.objects.get(key=entry["content_item"]).summary,
                standard_version=StandardVersion.objects.get(standard__role__key=entry["standard"], number=1),
                content_item=ContentItem.objects.get(key=entry["content_item"]),
                scoring_rule=entry["scoring_rule"],
                pass_mark=Decimal(str(entry["pass_mark"])),
                key_steps=entry["key_steps"],
                common_errors=entry["common_errors"],
                xapi_activity_iri=f"{base}{entry['key']}",
            )
            scenario.skills.set(Skill.objects.filter(key__in=entry["skills"]))
            self.count("scenarios")

    # --- paths and gates -------------------------------------------------------------------------------

    @transaction.atomic
    def load_paths_and_gates(self) -> None:
        for entry in self.data.paths["paths"]:
            role = Role.objects.get(key=entry["role"])
            if LearningPath.objects.filter(role=role).exists():
                continue
            path = create_clean(LearningPath, role=role, title=entry["title"], description=entry["description"])
            for position, step in enumerate(entry["steps"], start=1):
                item = ContentItem.objects.get(key=step["content"])
                path_step = create_clean(
                    PathStep,
                    path=path,
                    position=position,
                    kind=item.kind,
                    content_item=item,
                    required=step.get("required", True),
                )
                path_step.skills.set(Skill.objects.filter(key__in=step["skills"]))
            self.count("learning paths")
            self.count("path steps", len(entry["steps"]))
        for entry in self.data.paths["gates"]:
            service = Service.objects.get(slug=entry["service"]) if entry.get("service") else None
            if Gate.objects.filter(kind=entry["kind"], service=service).exists():
                continue
            gate_save(
                gate=Gate(
                    kind=entry["kind"],
                    service=service,
                    required_standard=ReadinessStandard.objects.get(role__key=entry["standard"]),
                ),
                queue_recompute=False,
            )
            self.count("gates")

    # --- history ---------------------------------------------------------------------------------------

    def load_history(self) -> None:
        """Each person's attempts, moves, sign-offs and revocations, in order, one transaction per person."""
        plans = HistoryPlanner(self.data, self.today).plan(self.people_plan)
        people = self.people_by_key()
        # Anyone with any history already is done (each person's history is written in one transaction).
        done = (
            set(Attempt.objects.values_list("person_id", flat=True).distinct())
            | set(SignOff.objects.values_list("person_id", flat=True).distinct())
            | set(TeamMembership.objects.filter(ended_on__isnull=False).values_list("person_id", flat=True))
        )
        context = HistoryContext.build(revoker=self.data.history["signoffs"]["revoker"])
        todo = [
            plan
            for plan in self.people_plan
            if plan.key in people and people[plan.key].pk not in done and (plans[plan.key].attempts or plan.moves)
        ]
        for plan in tqdm(todo, desc="history", unit="person", disable=None, leave=False):
            with transaction.atomic():
                self.write_history(people[plan.key], plan, plans[plan.key], people, context)
        # Readiness and gate grants, once, in batches: for everyone whose history was written now, and for
        # anyone without a readiness row yet (people who have not started); nobody else, so a rerun changes nothing.
        recompute = {people[plan.key].pk for plan in todo} | set(
            Person.objects.filter(readiness__isnull=True).values_list("pk", flat=True)
        )
        self.count("readiness rows", readiness_recompute_for_people(person_ids=recompute))

    def write_history(
        self, person: Person, plan: PersonPlan, history: HistoryPlan, people: dict, context: "HistoryContext"
    ) -> None:
        moves = sorted(plan.moves, key=lambda move: move.on)
        events = [(attempt.at, 0, attempt) for attempt in history.attempts]
        events += [(at_hour(move.on, 0), 1, move) for move in moves]
        events += [(signoff.at, 2, signoff) for signoff in history.signoffs]
        recorded: dict[int, Attempt] = {}
        pending = []

        def flush() -> None:
            """Record the attempts so far in one write, before a move or a sign-off that depends on them."""
            rows = [
                {
                    "scenario": context.scenarios[attempt.scenario],
                    "score": attempt.score,
                    "completed_at": attempt.at,
                    "rubric_version": context.version_at(attempt.role, attempt.at),
                    "evidence_source": attempt.evidence_source,
                    "level_achieved": attempt.level,
                    "reviewer": people[attempt.reviewer] if attempt.reviewer else None,
                    "key_steps_completed": attempt.key_steps,
                    "errors_made": attempt.errors,
                    "time_to_detect_seconds": attempt.timings[0] if attempt.timings else None,
                    "time_to_mitigate_seconds": attempt.timings[1] if attempt.timings else None,
                    "time_to_restore_seconds": attempt.timings[2] if attempt.timings else None,
                }
                for attempt in pending
            ]
            if rows:
                for attempt, created in zip(
                    pending, attempts_record_history(person=person, attempts=rows, queue_recompute=False), strict=True
                ):
                    recorded[id(attempt)] = created
                self.count("attempts", len(rows))
            pending.clear()

        for _, kind, event in sorted(events, key=lambda entry: (entry[0], entry[1])):
            if kind == 0:
                pending.append(event)
                continue
            flush()
            if kind == 1:
                person_move_team(
                    person=person, team=context.teams[event.team], on_date=event.on, role=context.roles[event.role]
                )
                person.refresh_from_db()
                person_set_reporting_lines(
                    person=person,
                    manager=people[event.manager] if event.manager else None,
                    coach=people[event.coach] if event.coach else None,
                )
                self.count("team moves")
            else:
                signoff = signoff_record_history(
                    coach=people[event.coach],
                    person=person,
                    standard_version=context.version_at(event.role, event.at),
                    decision=event.decision,
                    signed_at=event.at,
                    reflection_notes=event.notes,
                    evidence=[recorded[id(attempt)] for attempt in event.evidence],
                    queue_recompute=False,
                )
                self.count("sign-offs")
                if event.revoked_at:
                    signoff_revoke(
                        signoff=signoff,
                        actor=context.revoker,
                        reason=event.revoke_reason,
                        at=event.revoked_at,
                        queue_recompute=False,
                    )
                    self.count("revocations")
        flush()

    # --- refresh tickets -------------------------------------------------------------------------------

    @transaction.atomic
    def load_refresh_tickets(self) -> None:
        for entry in self.data.history["refresh_tickets"]:
            item = ContentItem.objects.get(key=entry["item"])
            if RefreshTicket.objects.filter(item=item, reason=entry["reason"]).exists():
                continue
            ticket = refresh_ticket_open(
                item=item,
                reason=entry["reason"],
                source=entry["source"],
                source_reference=entry.get("source_reference", ""),
                due_on=self.today + datetime.timedelta(days=entry["due_in_days"]),
            )
            refresh_ticket_set_status(ticket=ticket, status=entry["status"], at=self.days_ago(1))
            self.count("refresh tickets")

    @transaction.atomic
    def load_operations(self) -> None:
        """Service levels (seven months hourly), SLOs and the season's events: seeds/operations.py."""
        for what, number in load_operations(today=self.today).items():
            self.count(what, number)

    def load_incidents(self) -> None:
        """Seven months of incidents (seeds/incidents.py), then the note → tickets loop on the recent ones."""
        self.count("incidents", load_incidents(self.today))
        self.count("refresh tickets from incident notes", load_refresh_tickets(self.today))

    def load_lrs_export(self) -> None:
        """An LRS export imported as an admin would (`import_statements`): known people's statements, a new
        hire's that wait in the review queue until their account is mapped, one quarantined with its reason,
        one voided. None makes an attempt, so the readiness the demo promises stays as it is."""
        if LRSSyncRun.objects.filter(kind=SyncRunKind.IMPORT, source__endswith=LRS_EXPORT.name).exists():
            return
        run = statements_import(path=LRS_EXPORT)
        self.count("xAPI statements", run.new)
        self.count("quarantined statements", run.quarantined)


class HistoryContext:
    """Lookups the history step needs for every person, loaded once."""

    def __init__(self, scenarios, teams, roles, versions, revoker):
        self.scenarios = scenarios
        self.teams = teams
        self.roles = roles
        self.versions = versions
        self.revoker = revoker

    @classmethod
    def build(cls, *, revoker: str) -> "HistoryContext":
        versions: dict[str, list[StandardVersion]] = {}
        published = StandardVersion.objects.filter(published_at__isnull=False).select_related("standard__role")
        for version in published.order_by("published_at"):
            versions.setdefault(version.standard.role.key, []).append(version)
        return cls(
            scenarios={scenario.key: scenario for scenario in Scenario.objects.all()},
            teams={team.slug: team for team in Team.objects.all()},
            roles={role.key: role for role in Role.objects.all()},
            versions=versions,
            revoker=User.objects.get(username=revoker),
        )

    def version_at(self, role: str, at: datetime.datetime) -> StandardVersion:
        """The role's standard version in force at a time: the latest published by then (else the first)."""
        published = self.versions[role]
        current = [version for version in published if version.published_at <= at]
        return current[-1] if current else published[0]
