"""The same checks on every resource of tests/api/resources.py: success, anonymous, wrong user (IDOR),
token scope, one filter, and a list's query count that does not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from program.choices import ApiScope

from .conftest import client_for, token_client
from .resources import ADMINS, AGGREGATES, CASES, EVERYONE, PERSON, TEAM

pytestmark = pytest.mark.django_db

cases = pytest.mark.parametrize("case", CASES, ids=str)


def list_url(case) -> str:
    return reverse(f"{case.route}-list")


def detail_url(case, obj) -> str:
    return reverse(f"{case.route}-detail", args=[obj.pk])


def result_ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


@cases
def test_admin_lists_and_reads(case, org, admin_api):
    obj = case.make(org, org.learner)
    listed = admin_api.get(list_url(case))
    assert listed.status_code == 200, listed.content
    assert obj.pk in result_ids(listed)
    detail = admin_api.get(detail_url(case, obj))
    assert detail.status_code == 200
    assert detail.json()["id"] == obj.pk


@cases
def test_anonymous_is_refused(case, org):
    obj = case.make(org, org.learner)
    anonymous = client_for(None)
    assert anonymous.get(list_url(case)).status_code == 401
    assert anonymous.get(detail_url(case, obj)).status_code == 401


def rightful_and_wrong_viewers(case, org, users):
    """Who must see an object about `org.learner`, and who must not see one about `org.stranger`."""
    coach, manager, learner = users["coach"], users["manager"], users["learner"]
    return {
        PERSON: ([coach, manager], [coach, manager, learner]),
        TEAM: ([manager], [manager, learner]),
        AGGREGATES: ([manager], [learner, coach]),
        EVERYONE: ([learner, coach, manager], []),
        ADMINS: ([], [learner, coach, manager]),
    }[case.visibility]


@cases
def test_rightful_viewers_see_and_others_get_404(case, org, coach_user, manager_user, learner_user):
    users = {"coach": coach_user, "manager": manager_user, "learner": learner_user}
    rightful, wrong = rightful_and_wrong_viewers(case, org, users)
    own = case.make(org, org.learner)
    foreign = case.make(org, org.stranger)
    for user in rightful:
        client = client_for(user)
        assert own.pk in result_ids(client.get(list_url(case))), user
        assert client.get(detail_url(case, own)).status_code == 200, user
    for user in wrong:  # the IDOR cases: another coach's learner, another team's person
        client = client_for(user)
        assert foreign.pk not in result_ids(client.get(list_url(case))), user
        assert client.get(detail_url(case, foreign)).status_code == 404, user


@cases
def test_token_needs_the_scope_of_the_family(case, org, ld_admin_user):
    obj = case.make(org, org.learner)
    others = [scope for scope in ApiScope.values if not scope.startswith(f"{case.scope}:")]
    lacking = token_client(ld_admin_user, others)
    response = lacking.get(list_url(case))
    assert response.status_code == 403
    assert f"{case.scope}:read" in response.json()["detail"]
    assert lacking.get(detail_url(case, obj)).status_code == 403
    assert token_client(ld_admin_user, [f"{case.scope}:read"]).get(list_url(case)).status_code == 200


@cases
def test_one_filter_selects(case, org, admin_api):
    wanted = case.make(org, org.learner)
    other = case.make(org, org.stranger)
    response = admin_api.get(list_url(case), {case.filter_param: case.filter_value(wanted)})
    assert response.status_code == 200, response.content
    ids = result_ids(response)
    assert wanted.pk in ids
    assert other.pk not in ids


def count_list_queries(client, url) -> int:
    client.get(url)  # warm up: a token's first call of the minute also stamps last_used_at
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@cases
def test_list_query_count_does_not_grow(case, org, admin_api, manager_user):
    manager = client_for(manager_user)
    for _ in range(2):
        case.make(org, org.learner)
    small = count_list_queries(admin_api, list_url(case)), count_list_queries(manager, list_url(case))
    for _ in range(18):
        case.make(org, org.learner)
    large = count_list_queries(admin_api, list_url(case)), count_list_queries(manager, list_url(case))
    assert small == large
