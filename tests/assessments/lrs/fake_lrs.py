"""A small but real xAPI LRS for the sync's recovery tests: a threaded HTTP server on 127.0.0.1.

Ralph shows one LRS's habits; this one lets a test choose them: which field `since` filters and orders on
(`stored` as xAPI 1.0.3 says, or `timestamp` as Ralph does), whole-second `stored` values, and faults no proxy
can make from a healthy answer (a 200 cut short, a page trickled a few bytes at a time, a page held back until
the test lets it go, an outage after N pages).
"""

import datetime
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import orjson

BASE_TIME = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


class FakeLRS:
    """Statements are added with their `stored` (and `timestamp`); GET /xAPI/statements pages through them."""

    def __init__(self, *, since_field: str = "stored"):
        self.since_field = since_field
        self.statements: list[dict] = []
        self.requests: list[str] = []
        self.pages_answered = 0
        self.outage_after: int | None = None  # after this many pages, answer 500 for good
        self.hold_after: int | None = None  # after this many pages, hold requests until `released` is set
        self.released = threading.Event()
        self.truncate_next = 0  # this many 200s are cut in half (with a Content-Length that matches the cut)
        self.trickle_next = 0  # this many 200s are sent in 30 pieces over `trickle_seconds`
        self.trickle_seconds = 3.0
        lrs = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                lrs.requests.append(self.path)
                url = urlsplit(self.path)
                if url.path != "/xAPI/statements":
                    self._answer(404, b'{"detail": "not found"}')
                    return
                if lrs.hold_after is not None and lrs.pages_answered >= lrs.hold_after:
                    lrs.released.wait(timeout=120)
                if lrs.outage_after is not None and lrs.pages_answered >= lrs.outage_after:
                    self._answer(500, b'{"detail": "injected outage"}')
                    return
                body = orjson.dumps(lrs.page(parse_qs(url.query)))
                lrs.pages_answered += 1
                if lrs.truncate_next:
                    lrs.truncate_next -= 1
                    body = body[: len(body) // 2]
                if lrs.trickle_next:
                    lrs.trickle_next -= 1
                    self._trickle(body)
                    return
                self._answer(200, body)

            def _answer(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _trickle(self, body: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                piece = max(1, len(body) // 30 + 1)
                try:
                    for start in range(0, len(body), piece):
                        self.wfile.write(body[start : start + piece])
                        self.wfile.flush()
                        time.sleep(lrs.trickle_seconds / 30)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up on the page, as it should

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.endpoint = f"{self.url}/xAPI/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def add(self, statement: dict, *, stored: datetime.datetime, timestamp: datetime.datetime | None = None) -> None:
        """Store a statement as an LRS would: `stored` set by the LRS, `timestamp` defaulting to it."""
        self.statements.append(
            statement | {"stored": _iso(stored), "timestamp": _iso(timestamp or stored), "_order": len(self.statements)}
        )

    def page(self, query: dict) -> dict:
        limit = int(query.get("limit", ["100"])[0])
        after = int(query.get("after", ["0"])[0])
        since = query.get("since", [None])[0]
        field = self.since_field
        matching = sorted(self.statements, key=lambda statement: (_parse(statement[field]), statement["_order"]))
        if since is not None:
            since_time = _parse(since)
            matching = [statement for statement in matching if _parse(statement[field]) > since_time]
        chunk = matching[after : after + limit]
        more = ""
        if after + limit < len(matching):
            more = "/xAPI/statements?" + urlencode(
                {key: values[0] for key, values in query.items() if key != "after"} | {"after": after + limit}
            )
        statements = [{key: value for key, value in statement.items() if key != "_order"} for statement in chunk]
        return {"statements": statements, "more": more}

    def ids(self) -> set[uuid.UUID]:
        return {uuid.UUID(statement["id"]) for statement in self.statements}

    def close(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


def _iso(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat()


def _parse(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
