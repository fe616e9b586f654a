from django.urls import path

from environments import views

app_name = "environments"

urlpatterns = [
    path("<int:pk>/", views.environment_detail, name="detail"),
]
