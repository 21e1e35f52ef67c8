"""Serve Ralph (the xAPI LRS the sync tests and benchmarks run against) on 127.0.0.1, fs backend in append mode.

Run with .venv-ralph/bin/python (see scripts/bootstrap_ralph): `ralph_server.py PORT`. Configure it with the
RALPH_* environment variables (RALPH_RUNSERVER_BACKEND=fs, RALPH_AUTH_FILE, RALPH_APP_DIR,
RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH). Ralph's fs backend writes in create mode by default, so
every write after the first would fail: switch it to append before the app is imported.
"""

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

from ralph.api import app  # noqa: E402  (must load after the patch above)

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
