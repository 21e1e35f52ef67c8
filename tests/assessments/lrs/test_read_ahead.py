"""Reading LRS pages ahead of the sync in a thread: order, bounded look-ahead, errors after the pages before them."""

import threading

import pytest

from assessments.lrs.client import LRSError, StatementPage, pages_read_ahead


class FakeClient:
    """Serves `count` pages of one statement each, linked by `more`; fails on page `fail_at` if given."""

    def __init__(self, count: int, fail_at: int | None = None):
        self.count = count
        self.fail_at = fail_at
        self.requested = []

    def page(self, number: int) -> StatementPage:
        self.requested.append(number)
        if number == self.fail_at:
            raise LRSError(f"page {number}: HTTP 500")
        more = f"/xAPI/statements?page={number + 1}" if number < self.count else ""
        return StatementPage(statements=[{"id": number}], more=more, consistent_through=None, url="")

    def next_page(self, page: StatementPage) -> StatementPage | None:
        return self.page(int(page.more.rsplit("=", 1)[1])) if page.more else None


def test_pages_come_in_order_then_none():
    client = FakeClient(count=7)

    with pages_read_ahead(client, lambda: client.page(1), depth=2) as next_page:
        numbers = []
        while (page := next_page()) is not None:
            numbers.append(page.statements[0]["id"])

    assert numbers == [1, 2, 3, 4, 5, 6, 7]
    assert client.requested == [1, 2, 3, 4, 5, 6, 7]


def test_a_failed_read_raises_after_the_pages_before_it():
    client = FakeClient(count=5, fail_at=3)

    with pages_read_ahead(client, lambda: client.page(1), depth=4) as next_page:
        first, second = next_page(), next_page()
        with pytest.raises(LRSError, match="page 3"):
            next_page()

    assert [first.statements[0]["id"], second.statements[0]["id"]] == [1, 2]


def test_a_caller_that_stops_early_stops_the_reader_which_never_ran_more_than_depth_ahead():
    client = FakeClient(count=1000)

    with pages_read_ahead(client, lambda: client.page(1), depth=3) as next_page:
        assert next_page().statements[0]["id"] == 1

    # Leaving the block ended the reader, which had read at most the page taken, a full queue and the page it was
    # waiting to queue.
    assert not [thread for thread in threading.enumerate() if thread.name == "lrs-read"]
    assert len(client.requested) <= 1 + 3 + 1
