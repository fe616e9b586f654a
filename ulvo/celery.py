import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ulvo.settings")

app = Celery("ulvo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The one place where periodic work is scheduled (no django-celery-beat: the
# schedule is static and lives in code). Times are Europe/Amsterdam.
app.conf.beat_schedule = {}
