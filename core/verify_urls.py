from __future__ import annotations

from django.urls import path

from core import verify_views

# The page only: the public never downloads a document here (members download theirs
# inside the app, where its permissions apply).
urlpatterns = [
    path("<str:code>/", verify_views.verify, name="verify"),
]
