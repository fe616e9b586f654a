"""Compliance items before the start: the coordinator sees what is open per student and
per host, records a checked upload, and the gate lets the placement start."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from allocation.models import ComplianceItem, ComplianceStatus
from allocation.services import MAX_DOCUMENT_BYTES, AllocationError, placement_activate
from placements.models import PlacementStatus
from tests.allocation.steps import a_confirmed_round, an_item

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def post(client, item, **fields):  # type: ignore[no-untyped-def]
    prefix = f"item-{item.pk}-"
    data = {f"{prefix}{name}": value for name, value in fields.items()}
    return client.post(reverse("allocation:compliance_item", args=[item.pk]), data)


def test_the_coordinator_sees_what_is_open_per_student_and_host(cast, login) -> None:
    r = a_confirmed_round(cast)
    page = login(cast.coordinator).get(reverse("allocation:compliance", args=[r.round.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert cast.student.full_name in text and r.pabo_student.full_name in text
    assert f"{cast.school.name}: 2" in text


def test_a_checked_upload_lets_the_placement_start(cast, login) -> None:
    item = an_item(cast)
    client = login(cast.coordinator)
    with pytest.raises(AllocationError):
        placement_activate(placement=item.placement)
    response = post(
        client,
        item,
        status=ComplianceStatus.CHECKED,
        document=SimpleUploadedFile("vog.pdf", PDF, content_type="application/pdf"),
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.checked_by, item.document_type) == (
        ComplianceStatus.CHECKED,
        cast.coordinator,
        "application/pdf",
    )
    download = client.get(reverse("allocation:compliance_document", args=[item.pk]))
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Type"] == "application/pdf"
    assert download.content == PDF
    placement_activate(placement=item.placement)
    item.placement.refresh_from_db()
    assert item.placement.status == PlacementStatus.ACTIVE


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("vog.pdf", b"<html><script>alert(1)</script></html>"),
        ("vog.pdf", b"<svg onload=alert(1)></svg>"),
        ("vog.html", PDF),
        ("vog.exe", b"MZ\x90\x00"),
        ("vog.pdf", b""),
        ("vog.pdf", PDF + b"x" * MAX_DOCUMENT_BYTES),
        ("vog.pdf", b"\x89PNG\r\n\x1a\n"),
    ],
)
def test_a_hostile_or_wrong_upload_is_refused_and_changes_nothing(
    cast, login, name, content
) -> None:
    item = an_item(cast)
    before = list(ComplianceItem.objects.values_list())
    response = post(
        login(cast.coordinator),
        item,
        status=ComplianceStatus.RECEIVED,
        document=SimpleUploadedFile(name, content),
    )
    assert response.status_code == 422
    assert "document" in response.context["form"].errors
    assert list(ComplianceItem.objects.values_list()) == before


def test_only_coordinators_keep_items(cast, login) -> None:
    item = an_item(cast)
    # The student sees their placement, not the coordinators' record of it.
    assert post(login(cast.student), item, status=ComplianceStatus.CHECKED).status_code == 403
    assert post(login(cast.outsider), item, status=ComplianceStatus.CHECKED).status_code == 404
    assert ComplianceItem.objects.get(pk=item.pk).status == ComplianceStatus.OPEN


def test_a_hostile_file_name_is_never_kept(cast, login) -> None:
    item = an_item(cast)
    name = '"><img src=x onerror=alert(1)>.png'
    client = login(cast.coordinator)
    post(
        client,
        item,
        status=ComplianceStatus.RECEIVED,
        document=SimpleUploadedFile(name, b"\x89PNG\r\n\x1a\n"),
    )
    download = client.get(reverse("allocation:compliance_document", args=[item.pk]))
    assert download["Content-Disposition"] == f'attachment; filename="document-{item.pk}.png"'
    assert "onerror" not in str(list(ComplianceItem.objects.values_list()))


def edit_data(placement, **overrides):  # type: ignore[no-untyped-def]
    """The placements' edit form as the coordinator would send it unchanged."""
    from placements.models import mask_to_weekdays

    signer = placement.assignments.filter(signs_off=True).first()
    data = {
        "student": placement.student_id,
        "programme": placement.programme_id,
        "school": placement.school_id or "",
        "neighbourhood_organisation": placement.neighbourhood_organisation_id or "",
        "start_date": placement.start_date.isoformat(),
        "end_date": placement.end_date.isoformat(),
        "days_on_site": [str(d) for d in mask_to_weekdays(placement.weekdays_on_site)],
        "class_days": [str(d) for d in mask_to_weekdays(placement.institute_days)],
        "hours_per_week": str(placement.hours_per_week),
        "status": placement.status,
        "signoff_supervisor": signer.supervisor_id if signer and signer.supervisor_id else "",
        "signoff_name": signer.name if signer and not signer.supervisor_id else "",
        "signoff_email": signer.email if signer and not signer.supervisor_id else "",
        "signoff_domain": signer.domain if signer else "social",
    }
    data.update(overrides)
    return data


def test_the_edit_form_cannot_bypass_the_gate(cast, login) -> None:
    """The placements' own edit form asks allocation's guard: a placement with an open
    required item does not become active there either (422, the reason at the status
    field, nothing saved)."""
    from placements.models import Placement

    item = an_item(cast)
    placement = item.placement
    assert placement.status == PlacementStatus.PLANNED
    client = login(cast.coordinator)
    client.cookies["ulvo_language"] = "en"
    url = reverse("placements:edit", args=[placement.pk])
    before = list(Placement.objects.values_list())
    response = client.post(url, edit_data(placement, status=PlacementStatus.ACTIVE))
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert list(errors) == ["status"]
    assert errors["status"] == [
        "This placement cannot become active yet: a required item is still open (VOG)."
    ]
    assert "a required item is still open (VOG)" in response.content.decode()
    assert list(Placement.objects.values_list()) == before
    # Other changes that leave it planned are not refused.
    response = client.post(url, edit_data(placement, hours_per_week="12"))
    assert response.status_code == 302
    placement.refresh_from_db()
    assert (placement.status, placement.hours_per_week) == (PlacementStatus.PLANNED, 12)


def test_the_edit_form_activates_once_nothing_required_is_open(cast, login) -> None:
    item = an_item(cast)
    item.status = ComplianceStatus.CHECKED
    item.save(update_fields=["status"])
    placement = item.placement
    client = login(cast.coordinator)
    response = client.post(
        reverse("placements:edit", args=[placement.pk]),
        edit_data(placement, status=PlacementStatus.ACTIVE),
    )
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.ACTIVE


def test_the_guard_is_registered_once_and_the_service_gate_still_refuses(cast) -> None:
    from allocation.services import compliance_refusal
    from placements.activation import activation_guards, activation_refusals

    assert activation_guards().count(compliance_refusal) == 1
    item = an_item(cast)
    assert activation_refusals(item.placement)
    with pytest.raises(AllocationError):
        placement_activate(placement=item.placement)
    item.placement.refresh_from_db()
    assert item.placement.status == PlacementStatus.PLANNED
