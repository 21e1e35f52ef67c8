"""The pages people decide from: home and navigation, the manager's team guides, the dashboards and the weekly
scorecard. The one program package allowed to read from every app (it only reads; writes stay in services)."""
