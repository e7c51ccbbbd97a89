from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from allauth.mfa.admin import AuthenticatorAdmin as MfaAuthenticatorAdmin
from allauth.mfa.models import Authenticator as MfaAuthenticator
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts import line_views as accounts_line_views
from accounts import views as accounts_views
from accounts.models import AuthenticatorApp
from core import line_views as core_line_views
from core import views as core_views

# One front door: the admin's own login page would skip two-factor authentication
# and every login throttle, so it sends visitors to the app's login instead (staff
# come back to the admin after it; anyone else signed in gets a 403).
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("Khruakhai administration")
admin.site.site_title = _("Khruakhai")
admin.site.index_title = _("Site administration")
# allauth's two-factor devices, shown under a name that reads Thai (accounts.models).
admin.site.unregister(MfaAuthenticator)
admin.site.register(AuthenticatorApp, MfaAuthenticatorAdmin)

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("language/", core_views.set_language, name="set_language"),
    path("verify/", include("core.verify_urls")),
    # Before allauth's own page of the same path (accounts/views.py says why).
    path("accounts/email/", accounts_views.email),
    path("accounts/line/", accounts_line_views.line_page, name="line_account"),
    path("line/webhook/", core_line_views.webhook, name="line_webhook"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("network.urls")),
    path("", include("agreements.urls")),
    path("", include("roadmap.urls")),
    path("", include("reports.urls")),
    path("", include("privacy.urls")),
]

handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
