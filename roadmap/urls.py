from __future__ import annotations

from django.urls import path

from . import views

app_name = "roadmap"
_base = "networks/<slug:slug>/roadmap/"
urlpatterns = [
    path(_base, views.overview, name="overview"),
    path(f"{_base}steps/<int:number>/", views.step_detail, name="step_detail"),
    path(f"{_base}steps/<int:number>/edit/", views.step_edit, name="step_edit"),
    path(f"{_base}activities/new/", views.activity_create, name="activity_create"),
    path(f"{_base}activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path(f"{_base}activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path(
        f"{_base}activities/<int:pk>/progress/", views.activity_progress, name="activity_progress"
    ),
    path(f"{_base}activities/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
    path(f"{_base}evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path(f"{_base}wins/", views.wins, name="wins"),
    path(f"{_base}wins/new/", views.win_create, name="win_create"),
    path(f"{_base}wins/<int:pk>/delete/", views.win_delete, name="win_delete"),
    path(f"{_base}obstacles/", views.obstacles, name="obstacles"),
    path(f"{_base}obstacles/<int:pk>/edit/", views.obstacle_edit, name="obstacle_edit"),
    path(f"{_base}health/", views.health, name="health"),
    path(f"{_base}health/rounds/new/", views.health_round_create, name="health_round_create"),
    path(f"{_base}health/rounds/<int:pk>/", views.health_respond, name="health_respond"),
    path(
        f"{_base}health/rounds/<int:pk>/delete/",
        views.health_round_delete,
        name="health_round_delete",
    ),
    path("my/tasks/", views.my_tasks, name="my_tasks"),
]
