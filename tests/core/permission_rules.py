from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils import timezone

from tests.security.rules import LOGIN, Rule, logged_in, public

LINE = {
    "LINE_CHANNEL_SECRET": "matrix-secret",
    "LINE_CHANNEL_ACCESS_TOKEN": "matrix-token",
    "LINE_BOT_BASIC_ID": "@khruakhai",
}


def _sealed_code(cast) -> str:
    """A stored sealed document (a stand-in file: the rule is about who gets in)."""
    from core.models import SealedDocument

    document = SealedDocument(
        kind=SealedDocument.Kind.AGREEMENT,
        title="ข้อตกลงทดสอบ",
        sha256="0" * 64,
        sealed_at=timezone.now(),
    )
    document.file.save(f"{document.code}.pdf", ContentFile(b"%PDF-1.7\n%%EOF\n"), save=False)
    document.save()
    return document.code


RULES = {
    "home": Rule(
        url=lambda cast: "/",
        expect=dict.fromkeys(
            ("coordinator", "chair", "partner", "other_partner", "site_admin"), 302
        )
        | {"anonymous": LOGIN},
    ),
    "healthz": Rule(url=lambda cast: "/healthz", expect=public(200)),
    "set_language": Rule(
        url=lambda cast: "/language/",
        method="post",
        data=lambda cast: {"language": "en", "next": "/"},
        expect=public(302),
    ),
    # The verify page is public by design: anyone holding the printed code may check
    # a document. It serves no file (there is no "verify_pdf" any more): members
    # download the PDFs inside the app (agreements:pdf, reports:committee_pdf).
    "verify": Rule(url=lambda cast: f"/verify/{_sealed_code(cast)}/", expect=public(200)),
    # LINE (issue 16), with LINE configured: one's own linking page; the webhook is
    # LINE's, refusing anything not signed with the channel secret (400).
    "line_account": Rule(url=lambda cast: "/accounts/line/", expect=logged_in(200), settings=LINE),
    "line_webhook": Rule(
        url=lambda cast: "/line/webhook/",
        method="post",
        data=lambda cast: {"events": "[]"},
        expect=public(400),
        settings=LINE,
    ),
}
