"""Data: the moved model's content type and the audit trail's model label follow it
from ``supervision`` to ``placements`` (the audit page names events by that label)."""

from django.db import migrations

OLD, NEW = "supervision", "placements"
MODEL = "supervisionassignment"


def relabel(apps, schema_editor, old=OLD, new=NEW):
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEvent = apps.get_model("accounts", "AuditEvent")
    if not ContentType.objects.filter(app_label=new, model=MODEL).exists():
        ContentType.objects.filter(app_label=old, model=MODEL).update(app_label=new)
    AuditEvent.objects.filter(model=f"{old}.SupervisionAssignment").update(
        model=f"{new}.SupervisionAssignment"
    )


def unlabel(apps, schema_editor):
    relabel(apps, schema_editor, old=NEW, new=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0004_move_supervision_assignment_here"),
        ("supervision", "0004_supervision_assignment_moved_to_placements"),
        ("accounts", "0002_add_user_sessions_and_audit_events"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(relabel, unlabel)]
