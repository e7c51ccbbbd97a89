from __future__ import annotations

import pytest


@pytest.fixture
def real_pdf():
    """Ask for this to let the signed-PDF task really render (WeasyPrint + seal)."""
    return True


@pytest.fixture(autouse=True)
def _no_pdf_render_by_default(request, monkeypatch):
    # Rendering and sealing two PDFs takes seconds; flow tests do not need them.
    if "real_pdf" in request.fixturenames:
        return
    from agreements.services import pdf

    # The tasks call the sub-module's function (agreements.services.pdf), so that is
    # the name to replace; agreements.services re-exports the real one for callers.
    monkeypatch.setattr(pdf, "version_pdf_render", lambda *, version_id: None)


@pytest.fixture(autouse=True)
def _fresh_verify_upload_counter():
    """The verify page counts uploads per address in the throttle store, which a
    test's transaction does not roll back; the test client is always 127.0.0.1."""
    from core import throttle
    from core.verify_views import upload_counter_key

    throttle.clear(upload_counter_key("127.0.0.1"))
    yield
    throttle.clear(upload_counter_key("127.0.0.1"))
