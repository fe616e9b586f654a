"""Coordinators import students and placements from a CSV or Excel file.

Upload → dry run (every row checked, progress polled with htmx) → confirm →
import (all or nothing) → result. The work runs in Celery tasks; the pages
only show the job's state.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from environments.models import LearningEnvironment
from placements.access import environment_to_manage
from placements.imports import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    ImportFileError,
    ImportJobError,
    import_job_confirm,
    import_job_create,
    import_job_progress,
    import_template_csv,
    import_template_xlsx,
    inspect_upload,
    report_view,
)
from placements.models import ImportJob
from ulvo.lib.http import AuthedRequest

TEMPLATE = "placements/import.html"
RECENT_JOBS = 10

CONFIRM_ERRORS = {
    "done": gettext_lazy("This file has already been imported; nothing was added again."),
    "not_ready": gettext_lazy(
        "This file cannot be imported: it has not been checked yet or has errors."
    ),
}


class ImportUploadForm(forms.Form):
    """The file to import; its type is checked by its content, not only its name.

    It lives beside the import views rather than in ``placements/forms.py`` so
    the import stays one self-contained piece.
    """

    file = forms.FileField(
        label=gettext_lazy("File"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "CSV (comma or semicolon separated, UTF-8) or Excel (.xlsx); at most "
            "%(rows)s rows and %(mb)s MB."
        ) % {"rows": MAX_ROWS, "mb": MAX_FILE_BYTES // (1024 * 1024)}
        self.kind = ""
        self.content = b""

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_FILE_BYTES:
            error = ImportFileError("too_big", max=MAX_FILE_BYTES // (1024 * 1024))
            raise forms.ValidationError(error.message, code=error.code)
        content = upload.read(MAX_FILE_BYTES + 1)
        try:
            self.kind = inspect_upload(name=upload.name or "", content=content)
        except ImportFileError as error:
            raise forms.ValidationError(error.message, code=error.code) from error
        self.content = content
        return upload


def _job_for(environment: LearningEnvironment, job_pk: int) -> ImportJob:
    return get_object_or_404(
        ImportJob.objects.select_related("created_by").filter(environment=environment),
        pk=job_pk,
    )


def _context(
    environment: LearningEnvironment,
    *,
    form: ImportUploadForm | None = None,
    job: ImportJob | None = None,
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "environment": environment,
        "form": form or ImportUploadForm(),
        "job": job,
        "recent_jobs": environment.import_jobs.select_related("created_by").defer(
            "content", "report"
        )[:RECENT_JOBS],
    }
    if job is not None:
        context["progress"] = import_job_progress(job=job)
        context["report"] = report_view(job=job)
    return context


@require_http_methods(["GET", "POST"])
def import_start(request: AuthedRequest, pk: int) -> HttpResponse:
    environment = environment_to_manage(request.user, pk)
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            job = import_job_create(
                environment=environment,
                created_by=request.user,
                file_name=upload.name or "",
                content=form.content,
                kind=form.kind,
            )
            if request.htmx:
                return HttpResponseClientRedirect(job.get_absolute_url())
            return redirect(job)
        status = 422
    else:
        form = ImportUploadForm()
        status = 200
    template_name = TEMPLATE
    if request.htmx:
        template_name += "#import-upload"
    return TemplateResponse(request, template_name, _context(environment, form=form), status=status)


@require_GET
def import_job(request: AuthedRequest, pk: int, job_pk: int) -> HttpResponse:
    environment = environment_to_manage(request.user, pk)
    job = _job_for(environment, job_pk)
    template_name = TEMPLATE
    if request.htmx:
        template_name += "#import-progress"
    return TemplateResponse(request, template_name, _context(environment, job=job))


@require_GET
def import_progress(request: AuthedRequest, pk: int, job_pk: int) -> HttpResponse:
    """The polled fragment: progress while the job runs, the report once it is done."""
    environment = environment_to_manage(request.user, pk)
    job = _job_for(environment, job_pk)
    return TemplateResponse(request, TEMPLATE + "#import-progress", _context(environment, job=job))


@require_POST
def import_confirm(request: AuthedRequest, pk: int, job_pk: int) -> HttpResponse:
    environment = environment_to_manage(request.user, pk)
    job = _job_for(environment, job_pk)
    try:
        job = import_job_confirm(job=job, confirmed_by=request.user)
    except ImportJobError as error:
        messages.warning(request, str(CONFIRM_ERRORS[str(error)]))
    else:
        messages.success(request, _("The import has started."))
    if request.htmx:
        job.refresh_from_db()
        return TemplateResponse(
            request, TEMPLATE + "#import-progress", _context(environment, job=job)
        )
    return redirect(job)


@require_GET
def import_template(request: AuthedRequest, pk: int, file_format: str) -> HttpResponse:
    environment = environment_to_manage(request.user, pk)
    if file_format == "csv":
        response = HttpResponse(import_template_csv(), content_type="text/csv; charset=utf-8")
    elif file_format == "xlsx":
        response = HttpResponse(
            import_template_xlsx(environment=environment),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="stages-importeren.{file_format}"'
    return response
