from __future__ import annotations

from django.urls import path

from core.urls import network_scoped

from .views import directory, importing, invitations, join_requests, networks, people

app_name = "network"

# Pages of one network, mounted under networks/<slug>/ by core.urls.network_scoped.
scoped = [
    path("", networks.network_detail, name="detail"),
    path("edit/", networks.network_edit, name="edit"),
    path("charter/", networks.charter_edit, name="charter_edit"),
    path("dissolve/", networks.network_dissolve, name="dissolve"),
    path("reopen/", networks.network_reopen, name="reopen"),
    path("people/", people.people, name="people"),
    path("people/add/", people.person_add, name="person_add"),
    path("people/<int:pk>/edit/", people.person_edit, name="person_edit"),
    path("members/add/", people.member_add, name="member_add"),
    path("members/<int:pk>/end/", people.membership_end, name="membership_end"),
    path("roles/add/", people.role_add, name="role_add"),
    path("roles/<int:pk>/remove/", people.role_remove, name="role_remove"),
    path("invitations/", invitations.invitations, name="invitations"),
    path("invitations/<int:pk>/revoke/", invitations.invitation_revoke, name="invitation_revoke"),
    path("map/", networks.network_map, name="map"),
    path("map.json", networks.network_map_data, name="map_data"),
    path("import/", importing.directory_import, name="import"),
    path("import/confirm/", importing.directory_import_confirm, name="import_confirm"),
    path("import/<str:kind>.csv", importing.directory_import_template, name="import_template"),
    path(
        "join-requests/<int:pk>/withdraw/",
        join_requests.join_request_withdraw,
        name="join_request_withdraw",
    ),
]

urlpatterns = [
    path("networks/", networks.my_networks, name="my_networks"),
    path("networks/new/", networks.network_found, name="found"),
    network_scoped(scoped),
    path("invitations/<str:token>/", invitations.invitation_accept, name="invitation_accept"),
    path("join-requests/", join_requests.join_requests, name="join_requests"),
    path(
        "join-requests/<int:pk>/accept/",
        join_requests.join_request_accept,
        name="join_request_accept",
    ),
    path(
        "join-requests/<int:pk>/decline/",
        join_requests.join_request_decline,
        name="join_request_decline",
    ),
    path("organisations/", directory.directory, name="directory"),
    path("organisations/people/", directory.directory_people, name="directory_people"),
    path("organisations/export.<str:fmt>", directory.directory_export, name="directory_export"),
    path("organisations/<int:pk>/", directory.organisation_detail, name="organisation"),
    path("organisations/<int:pk>/edit/", directory.organisation_edit, name="organisation_edit"),
]
