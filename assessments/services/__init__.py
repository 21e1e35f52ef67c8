"""Writes of evidence and decisions, one module per concept: `attempts`, `signoffs`, `readiness` (the recompute, also
after a standard version is published or a gate saved in roles), `grants` (gate grants follow readiness),
`exceptions` (gate exceptions), `expiry` (the daily run) and `scenarios` (the scenarios a criterion requires).
Import from the concrete module. Attempts made from xAPI statements are the LRS package's (`assessments.lrs.attempts`),
a client of these."""
