"""Incidents: entered in the admin, pushed through the API or received from PagerDuty webhooks."""
