"""A first set of tags to filter the knowledge base by; staff add more in the
management site. Names in Dutch: tags are data that users read, as written."""

from typing import Any

from django.db import migrations

TAGS = {
    "domain": ["educatief", "sociaal", "pedagogisch"],
    "age_group": ["peuters en kleuters", "groep 3 tot en met 5", "groep 6 tot en met 8", "voortgezet onderwijs"],
    "setting": ["in de klas", "op het plein", "in de wijk", "na schooltijd"],
    "mechanism": ["identificatie", "coördinatie", "reflectie", "transformatie"],
}


def add(apps: Any, schema_editor: Any) -> None:
    tag = apps.get_model("knowledge", "Tag")
    for category, names in TAGS.items():
        for name in names:
            tag.objects.get_or_create(category=category, name=name)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_search_index")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
