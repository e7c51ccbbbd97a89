from __future__ import annotations

from django.urls import path

from . import views

app_name = "agreements"
_v = "networks/<slug:slug>/agreement/v<int:number>/"
urlpatterns = [
    path("networks/<slug:slug>/agreement/", views.index, name="index"),
    path("networks/<slug:slug>/agreement/start/", views.start, name="start"),
    path("networks/<slug:slug>/agreement/reminders/", views.reminders, name="reminders"),
    path(_v, views.version_detail, name="version"),
    path(f"{_v}edit/", views.edit, name="edit"),
    path(f"{_v}duties/add/", views.duty_add, name="duty_add"),
    path(f"{_v}duties/<int:duty_id>/remove/", views.duty_remove, name="duty_remove"),
    path(f"{_v}resources/add/", views.resource_add, name="resource_add"),
    path(f"{_v}resources/<int:item_id>/remove/", views.resource_remove, name="resource_remove"),
    path(f"{_v}parties/", views.parties, name="parties"),
    path(f"{_v}parties/<int:party_id>/remove/", views.party_remove, name="party_remove"),
    path(f"{_v}send/", views.send, name="send"),
    path(f"{_v}sign/", views.sign, name="sign"),
    path(f"{_v}decline/", views.decline, name="decline"),
    path(f"{_v}withdraw/", views.withdraw, name="withdraw"),
    path(f"{_v}amend/", views.amend, name="amend"),
    path(f"{_v}pdf/", views.pdf, name="pdf"),
]
