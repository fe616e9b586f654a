from django.urls import path

from reflections import views

app_name = "reflections"

urlpatterns = [
    path("reflecties/", views.reflection_list, name="list"),
    path("reflecties/nieuw/", views.reflection_create, name="create"),
    path("reflecties/concept/", views.reflection_autosave, name="autosave"),
    path("reflecties/<int:pk>/", views.reflection_detail, name="detail"),
    path("reflecties/<int:pk>/bewerken/", views.reflection_edit, name="edit"),
    path("reflecties/<int:pk>/verwijderen/", views.reflection_delete_view, name="delete"),
    path("reflecties/<int:pk>/reactie/", views.feedback_add, name="feedback_add"),
    path("reflecties/<int:pk>/gezien/", views.mark_read, name="mark_read"),
    path("leeromgevingen/<int:pk>/leeruitkomsten/", views.outcome_list, name="outcomes"),
    path("leeruitkomsten/<int:pk>/bewerken/", views.outcome_edit, name="outcome_edit"),
    path("leeruitkomsten/<int:pk>/verwijderen/", views.outcome_delete_view, name="outcome_delete"),
    path("leeruitkomsten/<int:pk>/bewijs/", views.evidence_add, name="evidence_add"),
    path("bewijs/<int:pk>/verwijderen/", views.evidence_remove, name="evidence_remove"),
]
