"""`lrs_connection` and `sync_lrs`: the shell's way to set up and sync connections."""

import io

import pytest
from django.core.management import CommandError, call_command

from assessments.choices import SyncTrigger
from assessments.models import LRSConnection, LRSSyncRun, Statement
from program.crypto import secret_decrypt

from .conftest import RALPH_PASSWORD, RALPH_USER, make_statement

pytestmark = pytest.mark.django_db


def test_add_a_connection_then_sync_it_from_the_shell(ralph):
    ralph.post([make_statement() for _ in range(12)])
    out = io.StringIO()
    call_command(
        "lrs_connection", "add", "ralph", "--endpoint", ralph.endpoint, "--key", RALPH_USER,
        "--secret", RALPH_PASSWORD, "--page-size", "5", "--since-mode", "timestamp", stdout=out,
    )  # fmt: skip
    connection = LRSConnection.objects.get(name="ralph")
    assert secret_decrypt(connection.secret_encrypted) == RALPH_PASSWORD
    assert RALPH_PASSWORD not in out.getvalue()

    listing = io.StringIO()
    call_command("lrs_connection", "list", stdout=listing)
    assert "ralph" in listing.getvalue() and RALPH_PASSWORD not in listing.getvalue()

    result = io.StringIO()
    call_command("sync_lrs", "--connection", "ralph", stdout=result, verbosity=0)

    assert "12 new" in result.getvalue()
    assert Statement.objects.count() == 12
    assert LRSSyncRun.objects.get().trigger == SyncTrigger.COMMAND


def test_invalid_connection_is_refused_with_the_reason():
    with pytest.raises(CommandError, match="Enter a valid URL"):
        call_command("lrs_connection", "add", "bad", "--endpoint", "not a url", "--key", "k", "--secret", "s")


def test_unknown_connection_name_is_a_clear_error():
    with pytest.raises(CommandError, match="No LRS connection named 'nope'"):
        call_command("sync_lrs", "--connection", "nope")


def test_a_failed_sync_exits_with_an_error(fault_proxy, fast_retries):
    call_command(
        "lrs_connection", "add", "down", "--endpoint", fault_proxy.endpoint, "--key", RALPH_USER,
        "--secret", RALPH_PASSWORD, stdout=io.StringIO(),
    )  # fmt: skip
    fault_proxy.fail_after = 0

    with pytest.raises(CommandError, match="at least one sync failed"):
        call_command("sync_lrs", stderr=io.StringIO(), verbosity=0)
    assert "HTTP 500" in LRSSyncRun.objects.get().error
