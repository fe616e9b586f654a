from django.urls import path

from learning_networks import attendance_views as views

urlpatterns = [
    path("bijeenkomsten/<int:pk>/", views.session_detail, name="session"),
    path("bijeenkomsten/<int:pk>/antwoord/", views.session_answer, name="session_answer"),
    path("bijeenkomsten/<int:pk>/inchecken/", views.session_check_in, name="session_check_in"),
    path("bijeenkomsten/<int:pk>/feedback/", views.session_feedback, name="session_feedback"),
    path("bijeenkomsten/<int:pk>/besluit/", views.session_decision, name="session_decision"),
    path("bijeenkomsten/<int:pk>/presentie/", views.roster, name="roster"),
    path(
        "bijeenkomsten/<int:pk>/presentie/<int:attendance_pk>/",
        views.roster_mark,
        name="roster_mark",
    ),
    path("bijeenkomsten/<int:pk>/presentie/code/", views.open_check_in, name="open_check_in"),
    path("netwerken/lijnen/<int:pk>/feedback/", views.line_feedback, name="line_feedback"),
    path("netwerken/lijnen/<int:pk>/besluit/", views.line_decision, name="line_decision"),
]
