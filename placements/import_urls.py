"""The import pages; included into the ``placements`` namespace by placements/urls.py."""

from django.urls import path

from placements import import_views

urlpatterns = [
    path(
        "leeromgevingen/<int:pk>/stages/importeren/",
        import_views.import_start,
        name="import_start",
    ),
    path(
        "leeromgevingen/<int:pk>/stages/importeren/<int:job_pk>/",
        import_views.import_job,
        name="import_job",
    ),
    path(
        "leeromgevingen/<int:pk>/stages/importeren/<int:job_pk>/voortgang/",
        import_views.import_progress,
        name="import_progress",
    ),
    path(
        "leeromgevingen/<int:pk>/stages/importeren/<int:job_pk>/bevestigen/",
        import_views.import_confirm,
        name="import_confirm",
    ),
    path(
        "leeromgevingen/<int:pk>/stages/importeren/sjabloon.<str:file_format>",
        import_views.import_template,
        name="import_template",
    ),
]
