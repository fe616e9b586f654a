"""The dashboard pages: access, filters, htmx, drill-downs, exports and small numbers."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from tests.accounts.factories import MembershipFactory, UserFactory


def dashboard_url(world, query: str = "") -> str:
    return reverse("dashboards:environment", args=[world.environment.pk]) + query


def test_coordinator_sees_the_figures(world, client) -> None:
    client.force_login(world.coordinator)
    response = client.get(dashboard_url(world))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="img"' in body and "<title" in body and "<desc" in body
    assert "Pedagogisch medewerker" in body  # the missing programme is named
    assert 'id="figure-programmes"' in body
    assert 'id="figure-reflections"' in body and 'id="figure-professional_hours"' in body
    # Evenness over domains 0.51, over programmes 0.75 (see test_figures).
    assert "0,51" in body or "0.51" in body
    assert "0,75" in body or "0.75" in body
    # Coordinators see exact small numbers.
    assert "&lt;5" not in body
    # Counts only: never the text of a reflection.
    assert "GEHEIME-REFLECTIETEKST" not in body
    # No inline styles: a strict CSP blocks them.
    assert " style=" not in body


def test_wrong_method(world, client) -> None:
    client.force_login(world.coordinator)
    assert client.post(dashboard_url(world)).status_code == 405


def test_anonymous_goes_to_login(world, client) -> None:
    response = client.get(dashboard_url(world))
    assert response.status_code == 302


def test_coordinator_of_another_environment_gets_404(world, client) -> None:
    other = UserFactory()
    MembershipFactory(user=other, environment=world.other, role=Role.COORDINATOR)
    from tests.accounts.steps import activate_totp

    activate_totp(other)
    client.force_login(other)
    assert client.get(dashboard_url(world)).status_code == 404
    url = reverse("dashboards:export", args=[world.environment.pk, "programmes", "csv"])
    assert client.get(url).status_code == 404
    url = reverse("dashboards:placements", args=[world.environment.pk])
    assert client.get(url).status_code == 404


def test_members_get_403(world, client) -> None:
    client.force_login(world.students[0])
    assert client.get(dashboard_url(world)).status_code == 403
    client.force_login(world.trainer)
    url = reverse("dashboards:export", args=[world.environment.pk, "programmes", "xlsx"])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        "?period=decade",
        "?period=year&year=1999-2000",
        "?period=year&year=2026",
        "?period=term&term=5",
        "?period=term",
        "?period=custom&start=2026-12-01&end=2026-11-01",
        "?period=custom&start=2026-01-01&end=2036-01-01",
        "?period=custom&start=2026-02-30&end=2026-03-01",
        "?period=custom&start=1200-01-01&end=1200-02-01",
        "?period=custom&start=2026-01-01",
        "?period=custom&start=%00&end=x",
    ],
)
def test_bad_filters_give_a_message_and_no_data(world, client, query) -> None:
    client.force_login(world.coordinator)
    response = client.get(dashboard_url(world, query))
    assert response.status_code == 422
    body = response.content.decode()
    assert 'role="alert"' in body
    assert 'id="figure-programmes"' not in body
    assert "Pedagogisch medewerker" not in body


def test_periods(world, client) -> None:
    client.force_login(world.coordinator)
    march = client.get(dashboard_url(world, "?period=custom&start=2027-03-01&end=2027-03-31"))
    assert march.status_code == 200
    assert "1 mrt 2027 – 31 mrt 2027" in march.content.decode()
    term = client.get(dashboard_url(world, "?period=term&year=2026-2027&term=2"))
    assert term.status_code == 200


def test_htmx_returns_the_fragment(world, client) -> None:
    client.force_login(world.coordinator)
    response = client.get(dashboard_url(world, "?period=term&term=1"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="dashboard">')
    assert "<html" not in body
    bad = client.get(dashboard_url(world, "?period=term&term=9"), HTTP_HX_REQUEST="true")
    assert bad.status_code == 422 and 'role="alert"' in bad.content.decode()
    # The back button after htmx's cache is gone: the whole page.
    restore = client.get(
        dashboard_url(world, "?period=term&term=1"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    assert "<html" in restore.content.decode()


def test_filters_stay_in_the_links(world, client) -> None:
    client.force_login(world.coordinator)
    body = client.get(dashboard_url(world, "?period=term&term=1&year=2026-2027")).content.decode()
    assert "period=term&amp;year=2026-2027&amp;term=1" in body
    assert 'hx-push-url="true"' in body and 'method="get"' in body


def test_drill_into_a_programme(world, client) -> None:
    client.force_login(world.coordinator)
    url = reverse("dashboards:placements", args=[world.environment.pk])
    response = client.get(url + f"?programme={world.social_work.pk}")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Student 1" in body and "Student 2" in body
    assert "Student 3" not in body  # pabo
    assert "Student 5" not in body  # cancelled
    gaps = client.get(url + "?own_domain=no").content.decode()
    assert "Student 1" in gaps and "Student 4" in gaps and "Student 2" not in gaps
    week = client.get(url + "?week=2026-10-05").content.decode()
    assert "Student 3" in week and "Student 4" not in week


@pytest.mark.parametrize(
    "query",
    ["?programme=999999", "?programme=abc", "?domain=music", "?level=phd", "?week=2026-10-06",
     "?own_domain=maybe"],
)  # fmt: skip
def test_drill_rejects_unknown_filters(world, client, query) -> None:
    client.force_login(world.coordinator)
    url = reverse("dashboards:placements", args=[world.environment.pk])
    response = client.get(url + query)
    assert response.status_code == 422
    assert "Student 1" not in response.content.decode()


def test_drill_does_not_show_another_environments_programme(world, client) -> None:
    from tests.environments.factories import ProgrammeFactory

    foreign = ProgrammeFactory(name="Elders")
    client.force_login(world.coordinator)
    url = reverse("dashboards:placements", args=[world.environment.pk])
    assert client.get(url + f"?programme={foreign.pk}").status_code == 422


def test_session_and_hours_drill_downs(world, client) -> None:
    client.force_login(world.coordinator)
    sessions = client.get(
        reverse("dashboards:sessions", args=[world.environment.pk]) + "?kind=mixed"
    ).content.decode()
    assert "Thema m1" in sessions and "Thema m2" in sessions and "Thema k1" not in sessions
    assert "Thema c1" not in sessions  # cancelled
    hours = client.get(
        reverse("dashboards:hours", args=[world.environment.pk]) + "?setting=neighbourhood"
    ).content.decode()
    assert "Student 1" in hours and "Student 2" in hours
    assert (
        client.get(
            reverse("dashboards:sessions", args=[world.environment.pk]) + "?kind=party"
        ).status_code
        == 422
    )


def test_csv_export(world, client) -> None:
    client.force_login(world.coordinator)
    url = reverse("dashboards:export", args=[world.environment.pk, "programmes", "csv"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    # Dutch: semicolons (tests/dashboards/test_exports.py).
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows[0]) == 6 and rows[0][0] == "Opleiding"
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Pabo"][3:5] == ["1", "3"]
    assert by_name["Pedagogisch medewerker"][3:5] == ["0", "1"]


def test_xlsx_export(world, client) -> None:
    client.force_login(world.coordinator)
    url = reverse("dashboards:export", args=[world.environment.pk, "supervision", "xlsx"])
    response = client.get(url + "?period=year&year=2026-2027")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 3  # header, educational, social
    assert values[2][1:3] == (3, 1)


def test_export_of_unknown_figure_or_format(world, client) -> None:
    client.force_login(world.coordinator)
    pk = world.environment.pk
    assert client.get(reverse("dashboards:export", args=[pk, "nonsense", "csv"])).status_code == 404
    assert (
        client.get(reverse("dashboards:export", args=[pk, "programmes", "pdf"])).status_code == 404
    )
    bad = reverse("dashboards:export", args=[pk, "programmes", "csv"]) + "?period=term&term=0"
    assert client.get(bad).status_code == 422


def test_csv_guards_against_formulas(world, client) -> None:
    from dashboards.exports import safe_cell

    world.pm.name = '=HYPERLINK("http://evil")'
    world.pm.save()
    client.force_login(world.coordinator)
    url = reverse("dashboards:export", args=[world.environment.pk, "programmes", "csv"])
    text = client.get(url).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert safe_cell("+1") == "'+1" and safe_cell("@x") == "'@x" and safe_cell(3) == 3


# --- Views for others and small numbers ---------------------------------------------


def test_core_team_sees_its_network_with_small_numbers_suppressed(world, client) -> None:
    client.force_login(world.core_member)
    response = client.get(reverse("dashboards:network", args=[world.network.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    # Social work: 2 student members, pabo 1: both shown as <5.
    assert "&lt;5" in body
    assert 'id="figure-members"' in body
    # The exports suppress as well.
    url = reverse("dashboards:network_export", args=[world.network.pk, "members", "csv"])
    text = client.get(url).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert {row[2] for row in rows[1:]} == {"<5"}
    # No drill-down into the environment's placements.
    assert reverse("dashboards:placements", args=[world.environment.pk]) not in body


def test_coordinator_sees_exact_numbers_in_the_network_view(world, client) -> None:
    client.force_login(world.coordinator)
    url = reverse("dashboards:network_export", args=[world.network.pk, "members", "csv"])
    text = client.get(url).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert sorted(row[2] for row in rows[1:]) == ["1", "2"]


def test_network_member_outside_core_team_gets_403(world, client) -> None:
    client.force_login(world.students[0])
    assert client.get(reverse("dashboards:network", args=[world.network.pk])).status_code == 403


def test_organisation_view(world, client) -> None:
    client.force_login(world.trainer)  # school trainer of Basisschool Telwerk
    url = reverse("dashboards:organisation", args=[world.environment.pk, world.school.pk])
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    # Programmes hosted: social work 2, pabo 1, vaktherapie 1 — all suppressed (the
    # note above the table says "<5" too: cells are counted).
    assert body.count("<td>&lt;5</td>") == 3
    assert "Social work" in body and "Vaktherapie" in body
    # Tom Trainer supervises p1 and p3: two students (loads are not suppressed).
    assert "Tom Trainer" in body
    # The organisation's own member may not see the neighbourhood organisation's view.
    other = reverse("dashboards:organisation", args=[world.environment.pk, world.neighbourhood.pk])
    assert client.get(other).status_code == 403
    # Coordinators see the exact numbers.
    client.force_login(world.coordinator)
    assert "&lt;5" not in client.get(url).content.decode()


def test_organisation_not_a_partner_is_404(world, client) -> None:
    from tests.environments.factories import OrganisationFactory

    stranger = OrganisationFactory(name="Geen partner")
    client.force_login(world.coordinator)
    url = reverse("dashboards:organisation", args=[world.environment.pk, stranger.pk])
    assert client.get(url).status_code == 404


def more_mixed_sessions(world) -> None:
    """Two more mixed sessions: social work (students 1 and 2) present at both, the
    vaktherapie student (4) at one. Attendance then: social work 8 invited, 7 present;
    vaktherapie 1 and 1; social domain 9 and 8 — 9 - 8 = 1 gave vaktherapie away."""
    from learning_networks.models import Attendance, NetworkSession
    from tests.dashboards.steps import at

    s1, s2, _s3, s4 = world.students[:4]
    for day in ("2026-12-01", "2026-12-08"):
        session = NetworkSession.objects.create(
            network=world.network, kind="mixed", theme=f"Extra {day}",
            starts_at=at(day), ends_at=at(day, 12), status="held",
        )  # fmt: skip
        for student in (s1, s2):
            Attendance.objects.create(session=session, user=student, presence="present")
    Attendance.objects.create(session=session, user=s4, presence="present")


def export_rows(client, world, figure: str, fmt: str) -> dict[str, list]:
    url = reverse("dashboards:network_export", args=[world.network.pk, figure, fmt])
    response = client.get(url)
    assert response.status_code == 200
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    return {str(row[0]): row[1:] for row in rows[1:]}


def as_number(cell) -> int | None:
    text = str(cell)
    return int(text) if text.isdigit() else None


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_core_team_cannot_work_out_a_small_programme_from_its_domain(world, client, fmt) -> None:
    more_mixed_sessions(world)
    client.force_login(world.core_member)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    programmes = export_rows(client, world, "attendance_programmes", fmt)
    domains = export_rows(client, world, "attendance_domains", fmt)
    assert [str(c) for c in programmes["Vaktherapie"]] == ["<5", "<5", "<5"]
    social = {"Social work", "Vaktherapie"}
    for column in (0, 1):  # invited, present
        domain = as_number(domains["social"][column])
        others = [as_number(programmes[name][column]) for name in social - {"Vaktherapie"}]
        # Subtraction needs the domain and every other programme of it as a number.
        assert domain is None or None in others, (programmes, domains)
    # No rate shown next to a hidden count.
    for row in [*programmes.values(), *domains.values()]:
        if as_number(row[0]) is None or as_number(row[1]) is None:
            assert not str(row[2]).endswith("%"), row
    # The numbers that are shown are exact.
    assert as_number(programmes["Social work"][0]) in (None, 8)
    assert as_number(programmes["Social work"][1]) in (None, 7)


def test_core_team_page_says_what_is_hidden(world, client) -> None:
    more_mixed_sessions(world)
    client.force_login(world.core_member)
    url = reverse("dashboards:network", args=[world.network.pk])
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "one more number is shown as" in body
    assert "<td>hidden</td>" in body and "<td>&lt;5</td>" in body
    # A rate is shown only with its counts: social work (7 of 8) and the social domain
    # (8 of 9) cannot both be whole, or 9 - 8 is vaktherapie again.
    assert not ("88%" in body and "89%" in body)


def test_coordinator_still_sees_every_number_in_the_network_view(world, client) -> None:
    more_mixed_sessions(world)
    client.force_login(world.coordinator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    programmes = export_rows(client, world, "attendance_programmes", "csv")
    domains = export_rows(client, world, "attendance_domains", "csv")
    assert programmes["Vaktherapie"] == ["1", "1", "100%"]
    assert programmes["Social work"] == ["8", "7", "88%"]
    assert programmes["Pabo"] == ["2", "1", "50%"]
    assert sorted(domains.values()) == [["2", "1", "50%"], ["9", "8", "89%"]]
    body = client.get(reverse("dashboards:network", args=[world.network.pk])).content.decode()
    # The note ("shown as <5 to everyone but the coordinators") is on every network
    # view; no cell or chart label says it.
    assert ">&lt;5" not in body and "<td>hidden</td>" not in body
