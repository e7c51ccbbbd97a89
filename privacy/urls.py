from __future__ import annotations

from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("privacy/", views.notice, name="notice"),
    path("privacy/my-data/", views.my_data, name="my_data"),
    path("privacy/my-data.json", views.my_data_json, name="my_data_json"),
    path("privacy/my-data.pdf", views.my_data_pdf, name="my_data_pdf"),
    path("privacy/erasure/", views.erasure_request, name="erasure"),
    path("privacy/requests/", views.requests, name="requests"),
    path("privacy/requests/<int:pk>/", views.request_detail, name="request"),
    path("privacy/requests/<int:pk>/accept/", views.request_accept, name="request_accept"),
    path("privacy/requests/<int:pk>/decline/", views.request_decline, name="request_decline"),
]
