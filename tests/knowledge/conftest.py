import importlib

import pytest

from knowledge.models import Tag

# The tags the data migration adds: a test that flushes the database (transactional
# tests, browser journeys) removes them for the tests after it.
STARTING_TAGS = importlib.import_module("knowledge.migrations.0003_starting_tags").TAGS


@pytest.fixture(autouse=True)
def _starting_tags(request: pytest.FixtureRequest) -> None:
    if "transactional_db" in request.fixturenames:
        request.getfixturevalue("transactional_db")
    else:
        request.getfixturevalue("db")
    for category, names in STARTING_TAGS.items():
        for name in names:
            Tag.objects.get_or_create(category=category, name=name)
