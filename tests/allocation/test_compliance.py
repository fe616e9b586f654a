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
