"""A learning line runs in date order: the sessions of every line are numbered by
their start, as ``session_save`` keeps them from now on."""

from django.db import migrations


def number_by_date(apps, schema_editor):
    NetworkSession = apps.get_model("learning_networks", "NetworkSession")
    line_ids = (
        NetworkSession.objects.exclude(line=None).values_list("line_id", flat=True).distinct()
    )
    for line_id in list(line_ids):
        sessions = list(NetworkSession.objects.filter(line_id=line_id).order_by("starts_at", "pk"))
        for position, session in enumerate(sessions, 1):
            session.position = position
        NetworkSession.objects.bulk_update(sessions, ["position"])


class Migration(migrations.Migration):
    dependencies = [
        ("learning_networks", "0003_ship_school_holidays"),
    ]

    operations = [migrations.RunPython(number_by_date, migrations.RunPython.noop)]
