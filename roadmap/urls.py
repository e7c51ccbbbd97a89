from __future__ import annotations

from django.urls import path

from core.urls import network_scoped

from .views import activities, health, obstacles, overview, progress, wins

app_name = "roadmap"

# Under networks/<slug>/ (core.urls.network_scoped).
_network = [
    path("roadmap/", overview.overview, name="overview"),
    path("roadmap/steps/<int:number>/", overview.step_detail, name="step_detail"),
    path("roadmap/steps/<int:number>/edit/", overview.step_edit, name="step_edit"),
    path("roadmap/activities/new/", activities.activity_create, name="activity_create"),
    path("roadmap/activities/<int:pk>/", progress.activity_detail, name="activity_detail"),
    path("roadmap/activities/<int:pk>/edit/", activities.activity_edit, name="activity_edit"),
    path(
        "roadmap/activities/<int:pk>/progress/",
        progress.activity_progress,
        name="activity_progress",
    ),
    path("roadmap/activities/<int:pk>/delete/", activities.activity_delete, name="activity_delete"),
    path("roadmap/evidence/<int:pk>/", progress.evidence_download, name="evidence_download"),
    path("roadmap/wins/", wins.wins, name="wins"),
    path("roadmap/wins/new/", wins.win_create, name="win_create"),
    path("roadmap/wins/<int:pk>/delete/", wins.win_delete, name="win_delete"),
    path("roadmap/obstacles/", obstacles.obstacles, name="obstacles"),
    path("roadmap/obstacles/<int:pk>/edit/", obstacles.obstacle_edit, name="obstacle_edit"),
    path("roadmap/health/", health.health, name="health"),
    path("roadmap/health/rounds/new/", health.health_round_create, name="health_round_create"),
    path("roadmap/health/rounds/<int:pk>/", health.health_respond, name="health_respond"),
    path(
        "roadmap/health/rounds/<int:pk>/delete/",
        health.health_round_delete,
        name="health_round_delete",
    ),
]

urlpatterns = [
    network_scoped(_network),
    path("my/tasks/", overview.my_tasks, name="my_tasks"),
]
