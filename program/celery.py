"""The Celery app: configured from Django settings (CELERY_*), tasks found in every installed app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "program.settings")

app = Celery("program")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The top-level pages are a package of the project, not an app: their tasks are named here.
app.autodiscover_tasks(["program.pages"])
