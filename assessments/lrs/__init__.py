"""Evidence from xAPI LRSs: client, sync, statement parsing and validation, identities, voiding, import.

One concept per module; `ingest.statements_ingest` is the one path every statement takes, whether it comes
from a sync or from a file.
"""
