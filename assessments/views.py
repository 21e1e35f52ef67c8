"""Server-rendered pages of readiness: wiring only (the rules are in services and selectors)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from program.models import Person
from program.selectors import person_for_user, user_is_program_admin
from roles.models import StandardVersion
from roles.services import standard_version_publish

from .forms import RevokeForm, SignOffForm
from .models import SignOff
from .selectors import coaching, learners
from .selectors.versions import version_change_consequences
from .services import signoffs


def coach_for(request) -> Person:
    """The coach behind this login; learners, managers and logins without a person are refused."""
    person = person_for_user(request.user)
    if person is None or not request.user.has_perm("assessments.add_signoff"):
        raise PermissionDenied("The coach workspace is for coaches.")
    return person


def own_learner(coach: Person, person_id: int) -> Person:
    """One of the coach's own learners; anyone else (themselves included) is not found."""
    return get_object_or_404(Person.objects.select_related("team", "role"), pk=person_id, coach=coach, active=True)


def signoff_form_for(person: Person, data=None) -> SignOffForm:
    versions = StandardVersion.objects.filter(readiness__person=person).select_related("standard")
    form = SignOffForm(data, versions=versions, attempts=learners.learner_evidence(person=person))
    role_version = versions.filter(standard__role_id=person.role_id).first()
    if role_version is not None:
        form.initial["standard_version"] = role_version.pk
    return form


@login_required
def coach_queue(request):
    coach = coach_for(request)
    return render(
        request,
        "assessments/coach_queue.html",
        {
            "coach": coach,
            "queue": list(coaching.coach_queue(coach=coach)),
            "learners": list(coaching.coach_learners(coach=coach)),
        },
    )


def render_coach_learner(request, coach, person, *, form=None, status=200):
    return render(
        request,
        "assessments/coach_learner.html",
        {
            "coach": coach,
            "person": person,
            "readiness": list(person.readiness.select_related("standard", "standard_version", "signoff")),
            "signoffs": list(learners.signoffs_of(person=person)),
            "form": form or signoff_form_for(person),
            "revoke_form": RevokeForm(),
        },
        status=status,
    )


@login_required
def coach_learner(request, person_id: int):
    coach = coach_for(request)
    return render_coach_learner(request, coach, own_learner(coach, person_id))


@login_required
@require_POST
def signoff_create(request, person_id: int):
    coach = coach_for(request)
    person = own_learner(coach, person_id)
    form = signoff_form_for(person, request.POST)
    if form.is_valid():
        try:
            signoffs.signoff_create(
                coach=coach,
                person=person,
                standard_version=form.cleaned_data["standard_version"],
                decision=form.cleaned_data["decision"],
                recorded_by=request.user,
                reflection_notes=form.cleaned_data["reflection_notes"],
                evidence=list(form.cleaned_data["evidence_reviewed"]),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Recorded your decision on {person}.")
            return redirect("assessments:coach-learner", person_id=person.pk)
    return render_coach_learner(request, coach, person, form=form, status=400)


@login_required
@require_POST
def signoff_revoke(request, signoff_id: int):
    coach = coach_for(request)
    signoff = get_object_or_404(SignOff.objects.select_related("person"), pk=signoff_id, person__coach=coach)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            signoffs.signoff_revoke(signoff=signoff, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Revoked the sign-off of {signoff.person}; their gates close.")
    else:
        messages.error(request, "A revocation needs a reason.")
    return redirect("assessments:coach-learner", person_id=signoff.person_id)


@login_required
def learner_home(request):
    person = person_for_user(request.user)
    overview = learners.learner_overview(person=person) if person else None
    return render(request, "assessments/learner_home.html", {"person": person, "overview": overview})


@login_required
def version_changes(request, version_id: int):
    version = get_object_or_404(StandardVersion.objects.select_related("standard"), pk=version_id)
    diff, previous, consequences = version_change_consequences(version=version, user=request.user)
    return render(
        request,
        "assessments/version_changes.html",
        {
            "version": version,
            "previous": previous,
            "diff": diff,
            "consequences": consequences,
            "can_publish": user_is_program_admin(request.user) and not version.is_published,
        },
    )


@login_required
@require_POST
def version_publish(request, version_id: int):
    if not user_is_program_admin(request.user):
        raise PermissionDenied("Only L&D admins publish standard versions.")
    version = get_object_or_404(StandardVersion, pk=version_id)
    try:
        standard_version_publish(version=version, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Published {version}; readiness is being recomputed for the people concerned.")
    return redirect("assessments:version-changes", version_id=version.pk)
