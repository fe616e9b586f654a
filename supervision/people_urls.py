from django.urls import path

from supervision import people

app_name = "people"

urlpatterns = [
    path("leeromgevingen/<int:pk>/mensen/", people.people_list, name="list"),
    path("leeromgevingen/<int:pk>/mensen/<int:member_pk>/", people.member_detail, name="member"),
    path(
        "leeromgevingen/<int:pk>/mensen/<int:member_pk>/beeindigen/",
        people.member_end_view,
        name="end",
    ),
    path(
        "leeromgevingen/<int:pk>/mensen/<int:member_pk>/opnieuw-uitnodigen/",
        people.member_reinvite_view,
        name="reinvite",
    ),
]
