"""Reads of readiness and gates, one module per concept: `gates` (the gate check), `coaching` (the coach's queue),
`learners` (the learner's page) and `versions` (a version's consequences). Import from the concrete module.

Each selector owns its eager loading, so the number of queries stays the same whatever the data size.
"""
