"""Writes of evidence and decisions, one module per concept: `attempts`, `signoffs`, `readiness` (the recompute),
`grants` (gate grants follow readiness), `gates` (saving a gate), `exceptions` (gate exceptions), `expiry` (the daily
run) and `publish` (publishing a standard version). Import from the concrete module."""
