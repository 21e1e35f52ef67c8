"""Service levels of the org: metric samples and where they come from (Prometheus, CSV, the push API), SLO
targets with their error budgets and burn-rate alerts, and the calendar of sales and launches.

The models live in `program.operations.models` (imported by `program/models.py` so Django finds them); the
SLO arithmetic is pure (`slo.py`), the Prometheus client reads pages (`prometheus.py`), writes are in
`services.py` and reads in `selectors.py`.
"""
