"""Every model that holds personal data, how it is exported and how it is erased.

One ``PersonalData`` entry per (model, relation to the person). ``owner`` is the
lookup from the model to the person whose data it is (a user, or for ``…email``
lookups their e-mail address); ``export`` names the fields that go into "download
all my data"; ``erasure`` says what happens when the person deletes their account:

- ``DELETE``: the rows are removed;
- ``ANONYMISE``: the rows stay, the link to the person is cut and their personal
  text replaced (``clear``); used where the row belongs to someone else's record,
  such as the reviewer of another student's week;
- ``PSEUDONYMISE``: the rows stay linked to the account, which itself is kept
  under a random pseudonym with its name, address and password removed; only for
  what an institute must keep (placements and their signed-off hours), and with
  every free text cleared.

Every text field an entry exports or clears is *private free text* — what
someone wrote, which the management site never filters or searches on
(:func:`private_text_fields`, ``ulvo.lib.admin``) — unless it is an e-mail
address, a choice, or named in ``searchable``: a name or a title that staff look
rows up by. A new model's text is thereby private until declared otherwise.

What a person wrote about someone else's placement (meeting notes, responses to
a reflection, sign-off steps, supervision) is exported in full only while the person
may still open that placement in ULVO (``still_sees``): the supervisor who left, or
who no longer supervises the student, takes along when and in which role they wrote,
not the student's name nor the text (:meth:`PersonalData.withheld_fields`).

Models of the project without personal data are listed in ``NOT_PERSONAL`` with
the reason. tests/privacy/test_registry.py fails when a model with a relation to
the user or with personal-looking fields is in neither list, or when a relation
to the user is not covered by an entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.db.models import Q

from placements.models import Placement
from reflections.models import Reflection

if TYPE_CHECKING:
    from accounts.models import User


class Erasure(models.TextChoices):
    DELETE = "delete", "delete"
    ANONYMISE = "anonymise", "anonymise"
    PSEUDONYMISE = "pseudonymise", "keep pseudonymised"


# A value in ``clear`` replaced by the account's pseudonym.
PSEUDONYM = object()


@dataclass(frozen=True)
class PersonalData:
    model: str
    owner: str
    erasure: Erasure
    export: tuple[str, ...] = ()
    # Field → value written when the rows are anonymised or pseudonymised.
    clear: dict[str, Any] = field(default_factory=dict)
    # Narrows the rows this entry erases (e.g. only approved entries are kept); the
    # export ignores it, so one entry of the model exports all the person's rows.
    where: Q | None = None
    # Instead of owner: a custom selection (e.g. admin log entries about the user).
    match: Callable[[User], Q] | None = None
    # For many-to-many owners: the person is taken off the relation, the row stays.
    unlink: bool = False
    # Text fields that name or label (a person's name, a session's theme): the
    # management site may search and filter on them. Every other text field in
    # ``export`` or ``clear`` is private free text.
    searchable: tuple[str, ...] = ()
    # For what the person wrote about someone else: the rows they may still see in
    # ULVO. Of the other rows the export leaves out the withheld fields.
    still_sees: Callable[[User], Q] | None = None
    why: str = ""

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    def condition(self, user: User, *, narrowed: bool = True) -> Q:
        if self.match is not None:
            condition = self.match(user)
        elif self.owner == "pk":
            condition = Q(pk=user.pk)
        elif self.owner.endswith("email"):
            condition = Q(**{f"{self.owner}__iexact": user.email})
        else:
            condition = Q(**{self.owner: user})
        if narrowed and self.where is not None:
            condition &= self.where
        return condition

    def rows(self, user: User) -> models.QuerySet[Any]:
        """The rows this entry erases."""
        return self.model_class._default_manager.filter(self.condition(user)).distinct()

    def export_rows(self, user: User) -> models.QuerySet[Any]:
        """The rows exported: all of the person's, whatever happens to them on erasure."""
        return self.model_class._default_manager.filter(
            self.condition(user, narrowed=False)
        ).distinct()

    def withheld_fields(self) -> frozenset[str]:
        """The exported fields left out of a row the person may no longer see: the
        relations (which name the student) and what was written."""
        if self.still_sees is None:
            return frozenset()
        meta = self.model_class._meta
        private = private_text_fields().get(self.model, frozenset())
        return frozenset(
            name for name in self.export if name in private or meta.get_field(name).is_relation
        )


def _still_sees_placement(path: str) -> Callable[[User], Q]:
    """Rows about a placement (through ``path``) that the person may still open: as
    its student, a supervisor who is still a member, or a coordinator (ULVO's rule)."""

    def condition(user: User) -> Q:
        return Q(**{f"{path}__in": Placement.objects.visible_to(user).values("pk")})

    return condition


def _still_sees_reflection(user: User) -> Q:
    return Q(reflection__in=Reflection.objects.visible_to(user).values("pk"))


def _sessions_of(user: User) -> Q:
    """The person's login sessions: Django keeps the user id only inside the data."""
    from django.contrib.sessions.models import Session

    keys = [
        session.session_key
        for session in Session.objects.iterator()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    return Q(session_key__in=keys)


def _admin_entries_about(user: User) -> Q:
    from django.contrib.contenttypes.models import ContentType

    return Q(content_type=ContentType.objects.get_for_model(user), object_id=str(user.pk))


REGISTRY: list[PersonalData] = [
    # --- accounts ---------------------------------------------------------------------
    PersonalData(
        "accounts.User",
        owner="pk",
        erasure=Erasure.PSEUDONYMISE,
        export=("email", "full_name", "language", "date_joined", "last_login"),
        searchable=("full_name",),
        why="Kept under a pseudonym only while placements must be kept; deleted otherwise.",
    ),
    PersonalData(
        "accounts.Membership",
        owner="user",
        erasure=Erasure.DELETE,
        export=(
            "environment",
            "role",
            "organisation",
            "programme",
            "domain",
            "is_active",
            "created_at",
        ),
    ),
    PersonalData(
        "accounts.Invitation",
        owner="email",
        erasure=Erasure.DELETE,
        export=("environment", "email", "full_name", "role", "created_at", "accepted_at"),
        searchable=("full_name",),
        why="Invitations sent to the person.",
    ),
    PersonalData(
        "accounts.Invitation",
        owner="accepted_by",
        erasure=Erasure.DELETE,
        why="An invitation the person accepted names them.",
    ),
    PersonalData(
        "accounts.Invitation",
        owner="invited_by",
        erasure=Erasure.ANONYMISE,
        clear={"invited_by": None},
        why="Invitations the person sent belong to the invitees.",
    ),
    # --- environments -----------------------------------------------------------------
    PersonalData(
        "environments.Organisation",
        owner="contact_email",
        erasure=Erasure.ANONYMISE,
        export=("name", "contact_name", "contact_email"),
        clear={"contact_name": "", "contact_email": ""},
        searchable=("name", "contact_name"),
        why="A partner organisation's contact person, named by the coordinators: the "
        "organisation stays, without its contact.",
    ),
    # --- allauth, two-factor, admin and sessions --------------------------------------
    PersonalData(
        "accounts.UserSession",
        owner="user",
        erasure=Erasure.DELETE,
        export=("created_at", "device"),
        searchable=("device",),
    ),
    PersonalData(
        "account.EmailAddress",
        owner="user",
        erasure=Erasure.DELETE,
        export=("email", "verified", "primary"),
    ),
    PersonalData("account.EmailAddress", owner="email", erasure=Erasure.DELETE),
    PersonalData(
        "sessions.Session",
        owner="session_data",
        erasure=Erasure.DELETE,
        match=_sessions_of,
        why="Every login session ends with the account.",
    ),
    PersonalData(
        "mfa.Authenticator",
        owner="user",
        erasure=Erasure.DELETE,
        export=("type", "created_at", "last_used_at"),
        why="The secret itself is never exported.",
    ),
    PersonalData(
        "socialaccount.SocialAccount",
        owner="user",
        erasure=Erasure.DELETE,
        export=("provider", "uid", "date_joined", "last_login", "extra_data"),
        searchable=("provider", "uid"),
        why="A linked login (SURFconext, eduID): the provider's identifier for the person "
        "and the claims it sent (name, address, institution), gone with the account.",
    ),
    PersonalData(
        "socialaccount.SocialToken",
        owner="account__user",
        erasure=Erasure.DELETE,
        why="Tokens are not kept (SOCIALACCOUNT_STORE_TOKENS is off); any there are go "
        "with the account and are never exported.",
    ),
    PersonalData(
        "admin.LogEntry",
        owner="user",
        erasure=Erasure.DELETE,
        why="Management actions by the person name them and what they changed.",
    ),
    PersonalData(
        "admin.LogEntry",
        owner="object_id",
        erasure=Erasure.DELETE,
        match=_admin_entries_about,
        why="Management actions on the person's account name them.",
    ),
    # --- placements -------------------------------------------------------------------
    PersonalData(
        "placements.Placement",
        owner="student",
        erasure=Erasure.PSEUDONYMISE,
        export=(
            "programme",
            "environment",
            "school",
            "neighbourhood_organisation",
            "start_date",
            "end_date",
            "hours_per_week",
            "status",
        ),
        why="The institute keeps the placement and its signed-off hours.",
    ),
    PersonalData(
        "placements.ActivityEntry",
        owner="placement__student",
        erasure=Erasure.PSEUDONYMISE,
        where=Q(status="approved"),
        clear={"description": ""},
        export=("date", "minutes", "setting", "kind", "disciplines", "description", "status"),
        why="Signed-off hours are kept for the institute, without their description.",
    ),
    PersonalData(
        "placements.ActivityEntry",
        owner="placement__student",
        erasure=Erasure.DELETE,
        where=~Q(status="approved"),
        why="Hours that were never signed off are not kept.",
    ),
    PersonalData(
        "placements.Week",
        owner="placement__student",
        erasure=Erasure.PSEUDONYMISE,
        where=Q(status="approved"),
        clear={"comment": ""},
        export=("start", "status", "submitted_at", "reviewed_at", "reviewer_name", "comment"),
        searchable=("reviewer_name",),
    ),
    PersonalData(
        "placements.Week",
        owner="placement__student",
        erasure=Erasure.DELETE,
        where=~Q(status="approved"),
    ),
    PersonalData(
        "placements.Week",
        owner="reviewer",
        erasure=Erasure.ANONYMISE,
        clear={"reviewer": None, "reviewer_name": PSEUDONYM},
        why="Weeks the person signed off belong to their students.",
    ),
    PersonalData(
        "placements.WeekEvent",
        owner="week__placement__student",
        erasure=Erasure.PSEUDONYMISE,
        clear={"comment": ""},
        export=("week", "action", "actor_name", "comment", "created_at"),
        searchable=("actor_name",),
    ),
    PersonalData(
        "placements.WeekEvent",
        owner="actor",
        erasure=Erasure.ANONYMISE,
        clear={"actor": None, "actor_name": PSEUDONYM},
        export=("week", "action", "comment", "created_at"),
        still_sees=_still_sees_placement("week__placement"),
        why="Sign-off steps the person took stay in their students' history, unnamed.",
    ),
    PersonalData(
        "placements.ImportJob",
        owner="created_by",
        erasure=Erasure.ANONYMISE,
        clear={"created_by": None},
        export=("environment", "file_name", "state", "created_at"),
        searchable=("file_name",),
    ),
    PersonalData(
        "placements.ImportJob",
        owner="confirmed_by",
        erasure=Erasure.ANONYMISE,
        clear={"confirmed_by": None},
    ),
    PersonalData(
        "placements.ImportJob",
        owner="report",
        erasure=Erasure.DELETE,
        match=lambda user: Q(report__icontains=user.email),
        why="An import's report lists the people in the file; a report that names the "
        "person is removed (reports also expire, see privacy.retention).",
    ),
    # --- supervision ------------------------------------------------------------------
    PersonalData(
        "placements.SupervisionAssignment",
        owner="supervisor",
        erasure=Erasure.DELETE,
        export=("placement", "role", "domain", "guides", "assesses", "signs_off"),
        still_sees=_still_sees_placement("placement"),
        why="The coordinator then sees the placement without this supervisor.",
    ),
    PersonalData(
        "placements.SupervisionAssignment",
        owner="email",
        erasure=Erasure.DELETE,
        export=("placement", "name", "email", "role"),
        searchable=("name",),
        still_sees=_still_sees_placement("placement"),
        why="Supervision recorded by name and address, before or without an account.",
    ),
    PersonalData(
        "supervision.MeetingNote",
        owner="placement__student",
        erasure=Erasure.DELETE,
        export=("placement", "date", "notes", "agreements"),
        why="Notes of supervision meetings about the student.",
    ),
    PersonalData(
        "supervision.MeetingNote",
        owner="author",
        erasure=Erasure.DELETE,
        export=("placement", "date", "notes", "agreements"),
        still_sees=_still_sees_placement("placement"),
        why="Notes the person wrote; they name the person as author. The notes are about "
        "the student: once the person no longer supervises the placement, only the dates.",
    ),
    PersonalData(
        "supervision.TimeLog",
        owner="person",
        erasure=Erasure.DELETE,
        export=("environment", "organisation", "date", "minutes", "kind", "note"),
    ),
    PersonalData(
        "supervision.Rollover",
        owner="created_by",
        erasure=Erasure.ANONYMISE,
        clear={"created_by": None},
        export=("source", "target", "created_at"),
        why="Rollovers belong to the environments; only who started one goes.",
    ),
    # --- practice questions -----------------------------------------------------------
    PersonalData(
        "practice.PracticeQuestion",
        owner="asked_by",
        erasure=Erasure.ANONYMISE,
        clear={"asked_by": None},
        export=(
            "environment",
            "host",
            "title",
            "context",
            "hoped_for",
            "for_whom",
            "people_to_involve",
            "evaluation",
            "created_at",
        ),
        searchable=("title",),
        why="A question belongs to its school or organisation and the team that works on "
        "it: only who asked it goes.",
    ),
    PersonalData(
        "practice.TeamMember",
        owner="user",
        erasure=Erasure.DELETE,
        export=("question", "is_supervisor", "added_at"),
    ),
    PersonalData(
        "practice.Card",
        owner="assignee",
        erasure=Erasure.ANONYMISE,
        clear={"assignee": None},
        export=("question", "title", "notes", "due_date"),
        why="The card is the team's: only who takes it goes.",
    ),
    PersonalData(
        "practice.Card",
        owner="created_by",
        erasure=Erasure.ANONYMISE,
        clear={"created_by": None},
        export=("question", "title", "notes", "created_at"),
        why="The card is the team's: only who made it goes.",
    ),
    PersonalData(
        "practice.CardComment",
        owner="author",
        erasure=Erasure.DELETE,
        export=("card", "text", "created_at"),
    ),
    PersonalData(
        "practice.TeamMeeting",
        owner="chair",
        erasure=Erasure.ANONYMISE,
        clear={"chair": None},
        export=("question", "held_on", "notes", "agreements"),
        why="The meeting is the team's: only who chaired it goes.",
    ),
    PersonalData(
        "practice.TeamMeeting",
        owner="next_chair",
        erasure=Erasure.ANONYMISE,
        clear={"next_chair": None},
        export=("question", "held_on"),
        why="The meeting is the team's: only who was to chair next goes.",
    ),
    # --- allocation -------------------------------------------------------------------
    PersonalData(
        "allocation.Application",
        owner="student",
        erasure=Erasure.DELETE,
        export=(
            "round",
            "programme",
            "weekdays",
            "class_days",
            "crebo",
            "no_preference",
            "submitted_at",
            "updated_at",
            "confirmed_at",
        ),
    ),
    PersonalData(
        "allocation.Application",
        owner="confirmed_by",
        erasure=Erasure.ANONYMISE,
        clear={"confirmed_by": None},
        why="A confirmation belongs to the student's application: only who gave it goes.",
    ),
    PersonalData(
        "allocation.Preference",
        owner="application__student",
        erasure=Erasure.DELETE,
        export=("application", "rank", "host"),
    ),
    PersonalData(
        "allocation.Decision",
        owner="application__student",
        erasure=Erasure.DELETE,
        export=("application", "host", "kind"),
        why="The coordinator's pins and bans of the person's application.",
    ),
    PersonalData(
        "allocation.ProposedPlacement",
        owner="application__student",
        erasure=Erasure.DELETE,
        export=("proposal", "host", "rank"),
    ),
    PersonalData(
        "allocation.ProposedPlacement",
        owner="supervisor",
        erasure=Erasure.ANONYMISE,
        clear={"supervisor": None},
        why="A proposal belongs to the round: only the supervisor's name goes.",
    ),
    PersonalData(
        "allocation.Proposal",
        owner="created_by",
        erasure=Erasure.ANONYMISE,
        clear={"created_by": None},
        why="A proposal belongs to the round: only who started it goes.",
    ),
    PersonalData(
        "allocation.SupervisorCapacity",
        owner="supervisor",
        erasure=Erasure.DELETE,
        export=("organisation", "school_year", "capacity"),
    ),
    PersonalData(
        "allocation.ComplianceItem",
        owner="placement__student",
        erasure=Erasure.DELETE,
        export=(
            "requirement",
            "status",
            "requested_on",
            "received_on",
            "checked_on",
            "signed_by",
            "signed_on",
        ),
        why="Certificates and agreements are needed only until the placement starts.",
    ),
    PersonalData(
        "allocation.ComplianceItem",
        owner="checked_by",
        erasure=Erasure.ANONYMISE,
        clear={"checked_by": None},
        why="The item belongs to the student's placement: only who checked it goes.",
    ),
    # --- learning networks ------------------------------------------------------------
    PersonalData(
        "learning_networks.NetworkMembership",
        owner="user",
        erasure=Erasure.DELETE,
        export=("network", "core_team"),
    ),
    PersonalData(
        "learning_networks.NetworkSession",
        owner="facilitators",
        erasure=Erasure.ANONYMISE,
        unlink=True,
        export=("theme", "starts_at", "ends_at"),
        searchable=("theme",),
        why="The session stays; the person is no longer named as its facilitator.",
    ),
    PersonalData(
        "learning_networks.Attendance",
        owner="user",
        erasure=Erasure.DELETE,
        export=("session", "answer", "reason", "presence", "checked_in_at"),
    ),
    PersonalData(
        "learning_networks.SessionGuest",
        owner="user",
        erasure=Erasure.DELETE,
        export=("session", "created_at"),
    ),
    PersonalData(
        "learning_networks.SessionFeedback",
        owner="user",
        erasure=Erasure.DELETE,
        export=("session", "usefulness", "relevance", "comment", "created_at"),
    ),
    PersonalData(
        "learning_networks.FeedbackDecision",
        owner="author",
        erasure=Erasure.ANONYMISE,
        clear={"author": None},
        export=("network", "line", "session", "concluded", "changes", "created_at"),
        why=(
            "What the core team concluded from feedback and changes (#19) is the network's "
            "and stays; the person is no longer recorded as its author."
        ),
    ),
    PersonalData(
        "learning_networks.Unavailability",
        owner="user",
        erasure=Erasure.DELETE,
        export=(
            "kind",
            "starts_at",
            "ends_at",
            "weekday",
            "starts_time",
            "ends_time",
            "valid_from",
            "valid_until",
            "reason",
        ),
        why="Only the person sees the reason; the date finder learns when they cannot come.",
    ),
    PersonalData(
        "learning_networks.WorkingDays",
        owner="user",
        erasure=Erasure.DELETE,
        export=("environment", "weekdays", "updated_at"),
    ),
    PersonalData(
        "learning_networks.CalendarFeed",
        owner="user",
        erasure=Erasure.DELETE,
        export=("created_at",),
        why="Only the link's hash is stored and it is never exported.",
    ),
    # --- reflections ------------------------------------------------------------------
    PersonalData(
        "reflections.Reflection",
        owner="author",
        erasure=Erasure.DELETE,
        export=("environment", "placement", "session", "text", "visibility", "created_at"),
        why="Reflections are the student's own; feedback on them goes with them.",
    ),
    PersonalData(
        "reflections.ReflectionFeedback",
        owner="author",
        erasure=Erasure.DELETE,
        export=("reflection", "text", "created_at"),
        still_sees=_still_sees_reflection,
    ),
    PersonalData(
        "reflections.ReflectionFeedback",
        owner="reflection__author",
        erasure=Erasure.DELETE,
        export=("text", "created_at"),
        why="Responses to the person's reflections.",
    ),
    PersonalData("reflections.ReflectionRead", owner="reader", erasure=Erasure.DELETE),
    PersonalData(
        "reflections.OutcomeEvidence",
        owner="student",
        erasure=Erasure.DELETE,
        export=("outcome", "reflection", "activity", "created_at"),
    ),
    PersonalData(
        "reflections.LearningOutcome",
        owner="created_by",
        erasure=Erasure.ANONYMISE,
        clear={"created_by": None},
        why="Outcomes belong to the environment; only the author's name goes.",
    ),
    # --- notifications ----------------------------------------------------------------
    PersonalData(
        "notifications.Notification",
        owner="recipient",
        erasure=Erasure.DELETE,
        export=("kind", "payload", "due_at", "status", "sent_at", "read_at"),
        why="Kept a year after they were written, read or not, sent or failed; then the "
        "nightly retention purge removes them (NOTIFICATION_RETENTION).",
    ),
    PersonalData(
        "notifications.Notification",
        owner="email",
        erasure=Erasure.DELETE,
        why="Messages to the person's address before they had an account; also removed "
        "a year after they were written.",
    ),
    PersonalData(
        "notifications.Preference",
        owner="user",
        erasure=Erasure.DELETE,
        export=("kind", "delivery"),
    ),
    PersonalData(
        "notifications.Report",
        owner="requested_by",
        erasure=Erasure.ANONYMISE,
        clear={"requested_by": None},
        export=("environment", "period_start", "period_end", "created_at"),
        why="Reports hold counts per environment; only who asked for one is personal.",
    ),
    # --- knowledge base -----------------------------------------------------------------
    PersonalData(
        "knowledge.Entry",
        owner="created_by",
        erasure=Erasure.ANONYMISE,
        clear={"created_by": None},
        export=("environment", "kind", "title", "summary", "body", "status", "created_at"),
        searchable=("title",),
        why="An entry belongs to the region's knowledge base and its other contributors: "
        "only who wrote it goes (their own place as a contributor goes with it).",
    ),
    PersonalData(
        "knowledge.Entry",
        owner="reviewed_by",
        erasure=Erasure.ANONYMISE,
        clear={"reviewed_by": None},
        export=("title", "published_at"),
        searchable=("title",),
        why="Only who published the entry goes.",
    ),
    PersonalData(
        "knowledge.Entry",
        owner="privacy_confirmed_by",
        erasure=Erasure.ANONYMISE,
        clear={"privacy_confirmed_by": None},
        export=("title", "public_at"),
        searchable=("title",),
        why="Only who confirmed the privacy check goes.",
    ),
    PersonalData(
        "knowledge.Contributor",
        owner="user",
        erasure=Erasure.DELETE,
        export=("entry", "consented_at"),
        why="The name on an entry and the consent to publish it go with the account.",
    ),
    PersonalData(
        "knowledge.Interest",
        owner="email",
        erasure=Erasure.DELETE,
        export=("environment", "programme", "institute", "study_year", "email", "created_at"),
        searchable=("programme", "institute"),
        why="A prospective student's interest, sent from a public page.",
    ),
    # Last: erasing the rows above records audit events of its own.
    PersonalData(
        "accounts.AuditEvent",
        owner="actor",
        erasure=Erasure.ANONYMISE,
        clear={"actor": None},
        export=("created_at", "environment", "action", "model", "object_id"),
        searchable=("model",),
        why="The trail keeps what changed (by type and id, without names), not who.",
    ),
]

# Project models without personal data, and why.
NOT_PERSONAL: dict[str, str] = {
    "environments.Region": "a region's name",
    "environments.Programme": "programmes of the institutes",
    "environments.LearningEnvironment": "an environment's name, neighbourhood, year and "
    "its shared vision (written for everyone who joins it)",
    "environments.ProgrammeTarget": "target numbers per programme",
    "environments.DomainTarget": "target numbers per domain",
    "allocation.HostProfile": "a host's weekdays and wanted mix",
    "allocation.TrainingPartnership": "partnerships of institutes and schools",
    "allocation.SbbRecognition": "an organisation's recognitions per qualification",
    "allocation.HostPlace": "places per host and school year",
    "allocation.ApplicationRound": "a round's name and dates",
    "allocation.ComplianceRequirement": "what a programme's placements need before they start",
    "environments.Partnership": "which organisations take part in an environment",
    "supervision.ResponsibilityAgreement": "the environment's task descriptions per role",
    "practice.BoardColumn": "the names of a team board's columns",
    "knowledge.Tag": "labels to filter the knowledge base by",
    "learning_networks.LearningNetwork": "a network's name and description",
    "learning_networks.LearningLine": "a learning line's title and description",
    "learning_networks.ClosedDay": "days an environment plans no sessions, and why",
    "socialaccount.SocialApp": "login providers (unused: ULVO_OIDC_PROVIDERS names them)",
    "learning_networks.SessionGuestOrganisation": "which organisations a session invites",
}


def entries_for(label: str) -> list[PersonalData]:
    return [entry for entry in REGISTRY if entry.model == label]


def registered_models() -> set[str]:
    return {entry.model for entry in REGISTRY}


def _is_text(field: Any) -> bool:
    return (
        isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.EmailField)
        and not field.choices
    )


def private_text_fields() -> dict[str, frozenset[str]]:
    """What people wrote, per model label: every text field an entry exports or
    clears, except e-mail addresses, choices and the ``searchable`` names."""
    searchable: dict[str, set[str]] = {}
    for entry in REGISTRY:
        searchable.setdefault(entry.model, set()).update(entry.searchable)
    private: dict[str, set[str]] = {}
    for entry in REGISTRY:
        meta = entry.model_class._meta
        for name in (*entry.export, *entry.clear):
            if _is_text(meta.get_field(name)) and name not in searchable[entry.model]:
                private.setdefault(entry.model, set()).add(name)
    return {label: frozenset(names) for label, names in private.items()}
