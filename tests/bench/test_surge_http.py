"""The surge bench's browser side: what it sends is what a browser sends, and its
evidence file passes the project's own upload checks (no database, no server)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http.multipartparser import MultiPartParser

from bench.national import surge_http
from roadmap.evidence import evidence_check

PAGE = """
<form action="/language/" method="post"><input type="hidden" name="csrfmiddlewaretoken"
 value="lang"><select name="language"><option value="th" selected>ไทย</option></select></form>
<form method="post" novalidate><input type="hidden" name="csrfmiddlewaretoken" value="tok&amp;1">
<textarea name="n_step_1" rows="2">
</textarea>
<textarea name="problems" rows="3">
เดิม &lt;ข้อความ&gt;</textarea>
<input type="number" name="percent" value="40" min="0">
<input type="file" name="files" multiple>
<input class="form-check-input" type="checkbox" name="confirm_submit" value="on">
<input type="checkbox" name="kept" value="yes" checked>
<select name="status"><option value="not_started">a</option>
<option value="in_progress" selected>b</option></select>
<button type="submit" name="action" value="draft">Save</button>
</form>
"""


def test_form_fields_are_what_a_browser_sends():
    fields = surge_http.form_fields(PAGE, 'name="problems"')
    assert fields == [
        ("csrfmiddlewaretoken", "tok&1"),
        ("percent", "40"),
        ("kept", "yes"),
        ("n_step_1", ""),
        ("problems", "เดิม <ข้อความ>"),
        ("status", "in_progress"),
    ]


def test_multipart_body_parses_as_django_reads_it(settings):
    png = surge_http.evidence_png(7)
    body, content_type = surge_http.multipart(
        [("narrative", surge_http.NARRATIVE), ("version", "6")],
        [("files", "ภาพกิจกรรม.png", "image/png", png)],
    )
    meta = {"CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(len(body))}
    post, files = MultiPartParser(meta, io.BytesIO(body), [MemoryFileUploadHandler()]).parse()
    assert post["narrative"] == surge_http.NARRATIVE
    assert post["version"] == "6"
    upload = files["files"]
    assert upload.name == "ภาพกิจกรรม.png"
    assert upload.read() == png


def test_the_evidence_png_passes_the_upload_checks():
    png = surge_http.evidence_png(1)
    assert 18_000 < len(png) < 23_000
    checked = evidence_check(SimpleUploadedFile("ภาพกิจกรรม.png", png, "image/png"))
    assert checked.content_type == "image/png"
    assert checked.name == "ภาพกิจกรรม.png"


def test_cookies_follow_set_cookie_and_deletion():
    browser = surge_http.Browser(1, "sessionid=abc")

    class Response:
        class msg:
            @staticmethod
            def get_all(name):
                return [
                    "csrftoken=xyz; expires=Sat, 27 Nov 2027 07:00:00 GMT; Path=/",
                    'messages=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/',
                ]

    browser.jar["messages"] = "old"
    browser._remember(Response)
    assert browser.jar == {"sessionid": "abc", "csrftoken": "xyz"}
    browser.close()
