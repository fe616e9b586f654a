from django.urls import path

from practice import views

app_name = "practice"

urlpatterns = [
    path("vraagstukken/", views.question_list, name="list"),
    path("leeromgevingen/<int:pk>/vraagstukken/nieuw/", views.question_create, name="create"),
    path("leeromgevingen/<int:pk>/vraagstukken/cijfers/", views.figures, name="figures"),
    path("vraagstukken/<int:pk>/", views.question_detail, name="detail"),
    path("vraagstukken/<int:pk>/besluit/", views.question_decide, name="decide"),
    path("vraagstukken/<int:pk>/voortgang/", views.question_advance, name="advance"),
    path("vraagstukken/<int:pk>/evaluatie/", views.question_evaluate, name="evaluate"),
    path("vraagstukken/<int:pk>/team/", views.team_member_add, name="team_add"),
    path(
        "vraagstukken/<int:pk>/team/<int:member_pk>/verwijderen/",
        views.team_member_remove,
        name="team_remove",
    ),
    path("vraagstukken/<int:pk>/bord/", views.board, name="board"),
    path("vraagstukken/<int:pk>/bord/kolommen/", views.board_columns, name="columns"),
    path("vraagstukken/<int:pk>/bord/kaarten/", views.card_create, name="card_add"),
    path("vraagstukken/<int:pk>/overleg/", views.meeting, name="meeting"),
    path("kaarten/<int:pk>/", views.card_detail, name="card"),
    path("kaarten/<int:pk>/verplaatsen/", views.card_move_view, name="card_move"),
    path("kaarten/<int:pk>/reacties/", views.card_comment, name="card_comment"),
    path("kaarten/<int:pk>/verwijderen/", views.card_delete_view, name="card_delete"),
]
