from __future__ import annotations

from django.urls import path

from . import views

app_name = "network"
urlpatterns = [
    path("networks/", views.my_networks, name="my_networks"),
    path("networks/<slug:slug>/", views.network_detail, name="detail"),
]
