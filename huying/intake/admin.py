"""The admin pages of 12345 imports (批量导入): upload an export, check the columns it was
read with and edit the mapping, choose a dry run, start; then a progress bar fed by a small
JSON endpoint, the counts, and the row-level report as .xlsx. Administrators only: a staff
user who is not one gets 403, anyone else the admin's sign-in page."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huying.common.errors import DomainError
from huying.intake import services, tasks
from huying.intake.mapping import FIELDS
from huying.intake.models import ImportJob, JobStatus
from huying.intake.reading import data_rows, max_bytes, size_refusal
from huying.intake.report import field_label, report_xlsx, rows_reported
from huying.org.models import Level, OrgUnit
from huying.org.selectors import is_admin

SHOWN_PROBLEMS = 200


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Export file (.xlsx or .csv)"))
    county = forms.ModelChoiceField(queryset=OrgUnit.objects.filter(level=Level.COUNTY),
                                    label=gettext_lazy("County"), empty_label=None)
    source_system = forms.CharField(
        label=gettext_lazy("Source system"), max_length=64, required=False,
        initial=services.SOURCE_SYSTEM_DEFAULT,
        help_text=gettext_lazy("The work-order numbers are unique within this name: import "
                               "the same platform's exports under the same name."))
    dry_run = forms.BooleanField(label=gettext_lazy("Dry run: check every row, write no case"),
                                 required=False)


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["id", "file_name", "status", "dry_run", "progress_shown", "created_count",
                    "existing_count", "conflict_count", "error_count", "created_by",
                    "created_at"]
    list_filter = ["status", "dry_run"]
    list_select_related = ["created_by"]
    search_fields = ["file_name", "source_system"]

    @admin.display(description=gettext_lazy("Progress"))
    def progress_shown(self, job: ImportJob) -> str:
        return f"{job.rows_processed}/{job.total_rows}"

    # Who may: administrators, in the admin's views and in the custom ones alike.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:job_id>/start/", view(self.start_view), name="intake_importjob_start"),
            path("<int:job_id>/resume/", view(self.resume_view),
                 name="intake_importjob_resume"),
            path("<int:job_id>/progress/", view(self.progress_view),
                 name="intake_importjob_progress"),
            path("<int:job_id>/report.xlsx", view(self.report_view),
                 name="intake_importjob_report"),
            *super().get_urls(),
        ]

    def ensure_admin(self, request: HttpRequest) -> None:
        if not is_admin(request.user):
            raise DjangoPermissionDenied(_("Only administrators may import 12345 work orders."))

    def job_for(self, request: HttpRequest, job_id: int | str) -> ImportJob:
        self.ensure_admin(request)
        return get_object_or_404(ImportJob.objects.select_related("county", "created_by"),
                                 pk=job_id)

    # -- upload -------------------------------------------------------------------------

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context=None):
        self.ensure_admin(request)
        status = 200
        if request.method == "POST":
            form = UploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    if upload.size > max_bytes():
                        raise size_refusal()
                    job = services.import_job_create(
                        actor=request.user, file_name=upload.name, content=upload.read(),
                        now=timezone.now(), county=form.cleaned_data["county"],
                        source_system=form.cleaned_data["source_system"],
                        dry_run=form.cleaned_data["dry_run"])
                except DomainError as error:
                    field = error.details.get("field")
                    form.add_error(field if field in form.fields else None, error.message)
                else:
                    return HttpResponseRedirect(self.job_url(job))
            status = 422
        else:
            form = UploadForm()
        context = {**self.admin_site.each_context(request), "opts": self.opts, "form": form,
                   "title": _("Import a 12345 export"), "max_mb": max_bytes() // (1024 * 1024)}
        return TemplateResponse(request, "admin/intake/importjob/upload.html", context,
                                status=status)

    # -- the job's page -----------------------------------------------------------------

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context=None):
        job = self.job_for(request, object_id)
        return self.job_page(request, job)

    def job_page(self, request: HttpRequest, job: ImportJob, *, error: str = "",
                 status: int = 200) -> TemplateResponse:
        columns = []
        if job.status == JobStatus.DRAFT:
            sample = next(data_rows(services.file_path(job), job.file_format, job.encoding,
                                    job.headers), (0, {}))[1]
            columns = [{"index": i, "header": h, "field": job.mapping.get(h, ""),
                        "sample": "" if sample.get(h) is None else str(sample.get(h))[:40]}
                       for i, h in enumerate(job.headers)]
        problems = [{"row": r.row_number, "external_id": r.external_id,
                     "field": field_label(job, r.field),
                     "text": str(r.problem) if r.problem else str(r.note),
                     "outcome": r.get_outcome_display(),
                     "case": r.case.number if r.case else ""}
                    for r in rows_reported(job)[:SHOWN_PROBLEMS]]
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "job": job,
            "title": _("12345 import #%(id)d") % {"id": job.pk}, "columns": columns,
            "fields": [("", _("(not imported)")), *((k, str(v)) for k, v in FIELDS.items())],
            "problems": problems, "error": error,
            "running": job.status in (JobStatus.QUEUED, JobStatus.RUNNING),
            "resumable": job.status in (JobStatus.FAILED, JobStatus.RUNNING),
        }
        return TemplateResponse(request, "admin/intake/importjob/job.html", context,
                                status=status)

    def start_view(self, request: HttpRequest, job_id: int):
        job = self.job_for(request, job_id)
        if request.method != "POST":
            return HttpResponseRedirect(self.job_url(job))
        mapping = {h: request.POST.get(f"map-{i}", "") for i, h in enumerate(job.headers)}
        now = timezone.now()
        try:
            with transaction.atomic():
                job = services.import_job_configure(job=job, actor=request.user,
                                                    mapping=mapping,
                                                    dry_run=bool(request.POST.get("dry_run")),
                                                    now=now)
                job = services.import_job_start(job=job, actor=request.user, now=now)
                transaction.on_commit(lambda: tasks.import_job_task(job.pk))
        except DomainError as error:
            job.refresh_from_db()
            job.mapping = {**job.mapping, **mapping}
            return self.job_page(request, job, error=error.message, status=error.status)
        messages.success(request, _("The import has started."))
        return HttpResponseRedirect(self.job_url(job))

    def resume_view(self, request: HttpRequest, job_id: int):
        job = self.job_for(request, job_id)
        if request.method != "POST":
            return HttpResponseRedirect(self.job_url(job))
        try:
            with transaction.atomic():
                job = services.import_job_resume(job=job, actor=request.user,
                                                 now=timezone.now())
                transaction.on_commit(lambda: tasks.import_job_task(job.pk))
        except DomainError as error:
            return self.job_page(request, job, error=error.message, status=error.status)
        messages.success(request, _("The import goes on after the rows already taken in."))
        return HttpResponseRedirect(self.job_url(job))

    def progress_view(self, request: HttpRequest, job_id: int) -> JsonResponse:
        job = self.job_for(request, job_id)
        return JsonResponse({
            "id": job.pk, "status": job.status, "status_label": job.get_status_display(),
            "dry_run": job.dry_run, "total": job.total_rows, "processed": job.rows_processed,
            "percent": job.percent, "created": job.created_count,
            "existing": job.existing_count, "conflict": job.conflict_count,
            "error": job.error_count, "notes": job.note_count,
            "finished": job.status in (JobStatus.DONE, JobStatus.FAILED),
            "failure": str(job.failure) if job.failure else ""})

    def report_view(self, request: HttpRequest, job_id: int) -> HttpResponse:
        job = self.job_for(request, job_id)
        response = HttpResponse(
            report_xlsx(job),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        name = _("12345 import %(id)d problems.xlsx") % {"id": job.pk}
        response["Content-Disposition"] = (f'attachment; filename="import-{job.pk}.xlsx"; '
                                           f"filename*=UTF-8''{quote(name)}")
        return response

    def job_url(self, job: ImportJob) -> str:
        return reverse("admin:intake_importjob_change", args=[job.pk])
