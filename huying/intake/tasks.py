"""The import runs in a huey worker, not in the request that started it."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from huey.contrib.djhuey import db_task

from huying.intake import services
from huying.intake.models import ImportJob


@db_task()
def import_job_task(job_id: int) -> None:
    """Run a queued import. The case services' refusals are kept as the text they render,
    so the worker renders them in the platform's language."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        services.import_job_run(job=job)
