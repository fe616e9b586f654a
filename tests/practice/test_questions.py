"""Practice questions (#17, part 1 and 2): posing, the decision, the status flow, the
list and who sees what, the mixed team and its warnings."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from practice.models import BoardColumn, PracticeQuestion, QuestionStatus, TeamMember
from tests.environments.factories import OrganisationFactory, ProgrammeFactory
from tests.practice.steps import a_student, accepted, delivered, in_progress, pose

pytestmark = pytest.mark.django_db


def question_data(cast: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Hoe maken we het schoolplein een fijnere plek?",
        "host": cast.school.pk,
        "context": "In de pauzes is er veel onrust; kinderen weten niet wat ze kunnen doen.",
        "hoped_for": "Een plan dat kinderen zelf mee bedenken.",
        "for_whom": "Groep 5 tot en met 8, het plein in de pauze",
        "people_to_involve": "De leerlingenraad, de pleinwacht",
        "needed_domain": "pedagogical",
    }
    data.update(overrides)
    return data


def create_url(cast: Any) -> str:
    return reverse("practice:create", args=[cast.environment.pk])


def test_a_colleague_poses_a_question(cast: Any, client: Client) -> None:
    client.force_login(cast.colleague)
    form = client.get(create_url(cast))
    assert form.status_code == 200
    # The colleague's own school is chosen already.
    assert f'value="{cast.school.pk}" selected' in form.content.decode()
    response = client.post(create_url(cast), question_data(cast, status="evaluated"))
    question = PracticeQuestion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("practice:detail", args=[question.pk])
    assert (question.asked_by, question.environment, question.host) == (
        cast.colleague,
        cast.environment,
        cast.school,
    )
    # Mass assignment of the status does nothing: a new question is proposed.
    assert question.status == QuestionStatus.PROPOSED
    assert not question.columns.exists()


def test_students_do_not_pose_questions(cast: Any, client: Client) -> None:
    client.force_login(cast.student)
    assert client.post(create_url(cast), question_data(cast)).status_code == 403
    assert not PracticeQuestion.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"title": ""},
        {"context": "  "},
        {"title": "x" * 201},
        {"context": "Onrust\x00op het plein"},
        {"host": "999999"},
        {"host": "abc"},
        {"needed_domain": "astrology"},
    ],
)
def test_bad_input_is_refused_at_the_field(
    cast: Any, client: Client, overrides: dict[str, Any]
) -> None:
    client.force_login(cast.coordinator)
    response = client.post(create_url(cast), question_data(cast, **overrides))
    assert response.status_code == 422
    assert not PracticeQuestion.objects.exists()


def test_a_host_of_another_environment_is_refused(cast: Any, client: Client) -> None:
    elsewhere = OrganisationFactory(name="School elders")
    cast.other_environment.organisations.add(elsewhere)
    client.force_login(cast.coordinator)
    response = client.post(create_url(cast), question_data(cast, host=elsewhere.pk))
    assert response.status_code == 422
    assert "Choose a school or neighbourhood organisation" in response.content.decode()
    assert not PracticeQuestion.objects.exists()


def test_the_privacy_hint_warns_before_saving(cast: Any, client: Client) -> None:
    client.force_login(cast.supervisor)
    data = question_data(cast, context="Leerling Jantje de Vries wordt vaak gepest.")
    response = client.post(create_url(cast), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Your text may identify a pupil." in html
    assert not PracticeQuestion.objects.exists()
    digest = html.split('name="privacy_ok" value="')[1].split('"')[0]
    # A changed text is checked again; this very text, confirmed, is saved.
    assert client.post(create_url(cast), {**data, "privacy_ok": digest}).status_code == 302
    assert PracticeQuestion.objects.count() == 1


def decide(client: Client, question: Any, **data: str) -> Any:
    return client.post(reverse("practice:decide", args=[question.pk]), data)


def test_the_core_team_accepts_and_the_board_gets_three_columns(cast: Any, client: Client) -> None:
    question = pose(cast, asked_by=cast.colleague)
    client.force_login(cast.supervisor)  # in the network's core team
    assert decide(client, question, action="accept").status_code == 302
    question.refresh_from_db()
    assert question.status == QuestionStatus.ACCEPTED
    assert question.accepted_at is not None
    # In the language of the person who accepts.
    assert list(question.columns.values_list("name", flat=True)) == ["To do", "Doing", "Done"]
    # Pressed twice: refused with a clear message, nothing changed.
    again = decide(client, question, action="accept")
    assert again.status_code == 409
    assert "nothing was changed" in again.content.decode()
    assert BoardColumn.objects.filter(question=question).count() == 3


def test_declining_needs_a_reason(cast: Any, client: Client) -> None:
    question = pose(cast)
    client.force_login(cast.coordinator)
    assert decide(client, question, action="decline", reason=" ").status_code == 422
    assert PracticeQuestion.objects.get().status == QuestionStatus.PROPOSED
    assert (
        decide(client, question, action="decline", reason="Past niet bij dit jaar.").status_code
        == 302
    )
    question.refresh_from_db()
    assert (question.status, question.decline_reason) == (
        QuestionStatus.DECLINED,
        "Past niet bij dit jaar.",
    )


def test_the_status_flow_to_the_evaluation(cast: Any, client: Client) -> None:
    question = accepted(cast)
    client.force_login(cast.student)
    advance = reverse("practice:advance", args=[question.pk])
    assert client.post(advance, {"action": "start"}).status_code == 302
    assert client.post(advance, {"action": "deliver", "outcome": ""}).status_code == 422
    assert client.post(advance, {"action": "deliver", "outcome": "Een plan."}).status_code == 302
    question.refresh_from_db()
    assert (question.status, question.outcome) == (QuestionStatus.DELIVERED, "Een plan.")
    # Only the asker evaluates.
    evaluate = reverse("practice:evaluate", args=[question.pk])
    assert client.post(evaluate, {"evaluation": "Goed."}).status_code == 403
    client.force_login(cast.supervisor)
    assert client.post(evaluate, {"evaluation": "Rustiger plein."}).status_code == 302
    question.refresh_from_db()
    assert question.status == QuestionStatus.EVALUATED
    assert question.evaluated_at is not None


def test_starting_needs_a_student_on_the_team(cast: Any, client: Client) -> None:
    question = pose(cast)
    client.force_login(cast.coordinator)
    decide(client, question, action="accept")
    response = client.post(reverse("practice:advance", args=[question.pk]), {"action": "start"})
    assert response.status_code == 409
    assert "Add at least one student" in response.content.decode()
    assert PracticeQuestion.objects.get().status == QuestionStatus.ACCEPTED


def test_others_see_title_and_status_once_accepted(cast: Any, client: Client) -> None:
    proposed = pose(cast, title="Een voorstel dat nog niemand kent")
    question = accepted(cast)
    client.force_login(cast.bystander)
    html = client.get(reverse("practice:list")).content.decode()
    assert question.title in html
    assert proposed.title not in html
    assert question.context not in html
    assert reverse("practice:detail", args=[question.pk]) not in html
    assert client.get(reverse("practice:detail", args=[question.pk])).status_code == 404
    assert client.get(reverse("practice:board", args=[question.pk])).status_code == 404
    client.force_login(cast.outsider)
    assert question.title not in client.get(reverse("practice:list")).content.decode()


def test_the_list_filters(cast: Any, client: Client) -> None:
    first = accepted(cast)
    neighbourhood = pose(
        cast, title="Hoe bereiken we jongeren in de wijk?", asked_by=cast.bystander
    )
    neighbourhood.host = cast.neighbourhood
    neighbourhood.save()
    client.force_login(cast.coordinator)
    url = reverse("practice:list")
    by_host = client.get(url, {"host": cast.neighbourhood.pk}).content.decode()
    assert neighbourhood.title in by_host and first.title not in by_host
    by_status = client.get(url, {"status": "accepted"}).content.decode()
    assert first.title in by_status and neighbourhood.title not in by_status
    html = client.get(url, {"open": "on"}).content.decode()
    assert "2 open questions" in html
    assert client.get(url, {"status": "nonsense", "host": "x"}).status_code == 200


def test_the_team_shows_its_mix_and_warns(cast: Any, client: Client) -> None:
    question = accepted(cast, needed_domain="pedagogical")
    client.force_login(cast.coordinator)
    html = client.get(reverse("practice:detail", args=[question.pk])).content.decode()
    # One student, one programme: monodisciplinary; nobody from the pedagogical domain.
    assert "This team is monodisciplinary" in html
    assert "Nobody on the team comes from the pedagogical domain" in html
    # Members see each other's programme, weekdays on site and e-mail address.
    assert "Social work" in html
    assert cast.student.email in html and cast.supervisor.email in html
    pabo_student = a_student(cast, cast.pabo, "Pim Pabo", days=(3, 4))
    pedagogy = ProgrammeFactory(
        institute=cast.institute, name="Pedagogisch medewerker", domain="pedagogical"
    )
    pedagogy_student = a_student(cast, pedagogy, "Puck Pedagoog")
    add = reverse("practice:team_add", args=[question.pk])
    assert client.post(add, {"person": pabo_student.pk}).status_code == 302
    assert client.post(add, {"person": pedagogy_student.pk}).status_code == 302
    # Twice, or someone of another environment: not a candidate.
    assert client.post(add, {"person": pabo_student.pk}).status_code == 422
    assert client.post(add, {"person": cast.outsider.pk}).status_code == 422
    assert TeamMember.objects.filter(question=question).count() == 4
    html = client.get(reverse("practice:detail", args=[question.pk])).content.decode()
    assert "monodisciplinary" not in html
    assert "Nobody on the team" not in html
    assert "Pim Pabo" in html
    # The student's weekdays on site: Wednesday and Thursday.
    assert "Wednesday, Thursday" in html


def test_a_delivered_question_takes_no_new_members(cast: Any, client: Client) -> None:
    question = delivered(cast)
    other = a_student(cast, cast.pabo, "Pim Pabo")
    client.force_login(cast.coordinator)
    response = client.post(reverse("practice:team_add", args=[question.pk]), {"person": other.pk})
    assert response.status_code == 409
    assert not TeamMember.objects.filter(user=other).exists()


def test_taking_someone_off_the_team(cast: Any, client: Client) -> None:
    question = in_progress(cast)
    member = question.team.get(user=cast.student)
    client.force_login(cast.coordinator)
    url = reverse("practice:team_remove", args=[question.pk, member.pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 409
    assert not question.team.filter(user=cast.student).exists()
