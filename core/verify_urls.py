from __future__ import annotations

from django.urls import path

from core import verify_views

urlpatterns = [
    path("<str:code>/", verify_views.verify, name="verify"),
    path("<str:code>/pdf", verify_views.verify_pdf, name="verify_pdf"),
]
