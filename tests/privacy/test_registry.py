"""The registry (privacy/registry.py) covers every model that holds personal data.

A model with a relation to the user, or a project model with fields that look
personal (names, addresses, free text), must be in the registry with each of its
relations to the user handled, or be listed as not personal with a reason.
"""

import re
from collections.abc import Iterable

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from privacy.registry import NOT_PERSONAL, PSEUDONYM, REGISTRY, Erasure, PersonalData
from tests.accounts.factories import UserFactory
from tests.security.matrix import PROJECT_APPS

PERSONAL_FIELD = re.compile(
    r"name|email|e_mail|text|note|comment|description|reason|report|payload|content|"
    r"body|message|criteria|agreement|address|phone|device|(^|_)ip(_|$)"
)
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.BinaryField)
# What a row may keep when it is kept: codes, numbers, dates, and these names.
KEPT_ON_PURPOSE = {
    # Names of the supervisor who signed the week off, not of the person erased.
    ("placements.Week", "reviewer_name"),
}


def user_relations(model: type[models.Model]) -> list[str]:
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    return [
        field.name
        for field in [*model._meta.fields, *model._meta.many_to_many]
        if field.is_relation and field.related_model is user_model
    ]


def personal_looking_fields(model: type[models.Model]) -> list[str]:
    return [
        field.name
        for field in model._meta.fields
        if isinstance(field, TEXT_FIELDS) and PERSONAL_FIELD.search(field.name)
    ]


def uncovered(
    registry: Iterable[PersonalData], not_personal: dict[str, str]
) -> dict[str, list[str]]:
    """Models and the relations or fields the registry does not account for."""
    registry = list(registry)
    problems: dict[str, list[str]] = {}
    for model in apps.get_models():
        label = model._meta.label
        relations = user_relations(model)
        in_project = model._meta.app_label in PROJECT_APPS
        looks_personal = in_project and personal_looking_fields(model)
        if not relations and not looks_personal:
            continue
        if label in not_personal:
            if relations:
                problems[label] = [f"listed as not personal but relates to the user: {relations}"]
            continue
        entries = [entry for entry in registry if entry.model == label]
        if not entries:
            problems[label] = ["not in the registry"]
            continue
        owners = {entry.owner.split("__")[0] for entry in entries}
        missing = [name for name in relations if name not in owners]
        if label == settings.AUTH_USER_MODEL:
            missing = []
        if missing:
            problems[label] = [f"relations to the user without an entry: {missing}"]
    return problems


def test_every_model_with_personal_data_is_covered() -> None:
    problems = uncovered(REGISTRY, NOT_PERSONAL)
    assert not problems, f"Add these to privacy/registry.py: {problems}"


def test_the_check_fails_for_a_model_left_out() -> None:
    without_feedback = [e for e in REGISTRY if e.model != "learning_networks.SessionFeedback"]
    assert "learning_networks.SessionFeedback" in uncovered(without_feedback, NOT_PERSONAL)
    without_reviewer = [
        e for e in REGISTRY if not (e.model == "placements.Week" and e.owner == "reviewer")
    ]
    assert "placements.Week" in uncovered(without_reviewer, NOT_PERSONAL)
    assert "learning_networks.LearningNetwork" in uncovered(REGISTRY, {})


def test_not_personal_models_exist() -> None:
    for label in NOT_PERSONAL:
        apps.get_model(label)


@pytest.mark.parametrize("entry", REGISTRY, ids=lambda entry: f"{entry.model}-{entry.owner}")
def test_entry_is_well_formed(entry: PersonalData, db: None) -> None:
    model = entry.model_class
    names = {field.name for field in model._meta.get_fields()}
    assert set(entry.export) <= names, entry
    assert set(entry.clear) <= names, entry
    # The selection compiles and runs.
    list(entry.rows(UserFactory()))
    if entry.erasure == Erasure.DELETE:
        assert not entry.clear
    elif not entry.unlink and entry.model != settings.AUTH_USER_MODEL:
        assert entry.clear or entry.model == "placements.Placement", (
            f"{entry.model} is kept: say what is cleared"
        )
    for name, value in entry.clear.items():
        field = model._meta.get_field(name)
        if value is None:
            assert field.null, f"{entry.model}.{name} cannot be emptied"
        elif value is PSEUDONYM:
            assert isinstance(field, models.CharField)


def test_kept_rows_lose_their_free_text() -> None:
    """Rows kept under a pseudonym keep no free text of the person."""
    for entry in REGISTRY:
        if entry.erasure != Erasure.PSEUDONYMISE or entry.model == settings.AUTH_USER_MODEL:
            continue
        model = entry.model_class
        for name in personal_looking_fields(model):
            if (entry.model, name) in KEPT_ON_PURPOSE:
                continue
            others = [
                other
                for other in REGISTRY
                if other.model == entry.model and name in other.clear and other is not entry
            ]
            assert name in entry.clear or others, f"{entry.model}.{name} survives erasure"
