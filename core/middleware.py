from __future__ import annotations

from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    """Thai first: the language cookie, then the user's saved choice, then Thai.

    Unlike Django's LocaleMiddleware this ignores Accept-Language, so a school's
    English-configured browser still gets the Thai product unless someone chooses.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported and request.user.is_authenticated:
            language = request.user.language
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response
