from __future__ import annotations

from django.urls import path

from core.urls import network_scoped

from .views import drafting, pages, signing

app_name = "agreements"
_v = "agreement/v<int:number>/"
urlpatterns = [
    network_scoped(
        [
            path("agreement/", pages.index, name="index"),
            path("agreement/start/", pages.start, name="start"),
            path("agreement/reminders/", pages.reminders, name="reminders"),
            path(_v, pages.version_detail, name="version"),
            path(f"{_v}edit/", drafting.edit, name="edit"),
            path(f"{_v}duties/add/", drafting.duty_add, name="duty_add"),
            path(f"{_v}duties/<int:duty_id>/remove/", drafting.duty_remove, name="duty_remove"),
            path(f"{_v}resources/add/", drafting.resource_add, name="resource_add"),
            path(
                f"{_v}resources/<int:item_id>/remove/",
                drafting.resource_remove,
                name="resource_remove",
            ),
            path(f"{_v}parties/", drafting.parties, name="parties"),
            path(f"{_v}parties/<int:party_id>/remove/", drafting.party_remove, name="party_remove"),
            path(f"{_v}send/", drafting.send, name="send"),
            path(f"{_v}sign/", signing.sign, name="sign"),
            path(f"{_v}decline/", signing.decline, name="decline"),
            path(f"{_v}withdraw/", drafting.withdraw, name="withdraw"),
            path(f"{_v}amend/", drafting.amend, name="amend"),
            path(f"{_v}pdf/", pages.pdf, name="pdf"),
        ]
    ),
]
