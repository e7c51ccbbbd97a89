from __future__ import annotations

from django.urls import path

from . import views

app_name = "network"
urlpatterns = [
    path("networks/", views.my_networks, name="my_networks"),
    path("networks/new/", views.network_found, name="found"),
    path("networks/<slug:slug>/", views.network_detail, name="detail"),
    path("networks/<slug:slug>/edit/", views.network_edit, name="edit"),
    path("networks/<slug:slug>/charter/", views.charter_edit, name="charter_edit"),
    path("networks/<slug:slug>/dissolve/", views.network_dissolve, name="dissolve"),
    path("networks/<slug:slug>/reopen/", views.network_reopen, name="reopen"),
    path("networks/<slug:slug>/people/", views.people, name="people"),
    path("networks/<slug:slug>/people/add/", views.person_add, name="person_add"),
    path("networks/<slug:slug>/people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("networks/<slug:slug>/members/add/", views.member_add, name="member_add"),
    path(
        "networks/<slug:slug>/members/<int:pk>/end/",
        views.membership_end,
        name="membership_end",
    ),
    path("networks/<slug:slug>/roles/add/", views.role_add, name="role_add"),
    path("networks/<slug:slug>/roles/<int:pk>/remove/", views.role_remove, name="role_remove"),
    path("networks/<slug:slug>/invitations/", views.invitations, name="invitations"),
    path(
        "networks/<slug:slug>/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("networks/<slug:slug>/map/", views.network_map, name="map"),
    path("networks/<slug:slug>/map.json", views.network_map_data, name="map_data"),
    path("networks/<slug:slug>/import/", views.directory_import, name="import"),
    path(
        "networks/<slug:slug>/import/confirm/",
        views.directory_import_confirm,
        name="import_confirm",
    ),
    path(
        "networks/<slug:slug>/import/<str:kind>.csv",
        views.directory_import_template,
        name="import_template",
    ),
    path(
        "networks/<slug:slug>/join-requests/<int:pk>/withdraw/",
        views.join_request_withdraw,
        name="join_request_withdraw",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("join-requests/", views.join_requests, name="join_requests"),
    path("join-requests/<int:pk>/accept/", views.join_request_accept, name="join_request_accept"),
    path(
        "join-requests/<int:pk>/decline/",
        views.join_request_decline,
        name="join_request_decline",
    ),
    path("organisations/", views.directory, name="directory"),
    path("organisations/people/", views.directory_people, name="directory_people"),
    path(
        "organisations/export.<str:fmt>",
        views.directory_export,
        name="directory_export",
    ),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
]
