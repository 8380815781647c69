"""The policy text is sanitised when it is saved: nothing a browser would run survives."""

import pytest

from policies.sanitise import clean_html

from .helpers import draft

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("dirty", "gone"),
    [
        ("<p>正文</p><script>alert(1)</script>", "<script"),
        ('<p onclick="steal()">正文</p>', "onclick"),
        ('<img src="x" onerror="steal()">', "onerror"),
        ('<a href="javascript:steal()">链接</a>', "javascript:"),
        ('<a href="JaVaScRiPt:steal()">链接</a>', "steal"),
        ("<style>body{display:none}</style><p>正文</p>", "<style"),
        ('<iframe src="https://evil.example"></iframe>', "<iframe"),
        ('<p style="position:fixed">正文</p>', "style="),
    ],
)
def test_scripts_handlers_styles_and_javascript_links_are_removed(dirty, gone):
    assert gone.lower() not in clean_html(dirty).lower()


def test_formatting_and_web_links_are_kept():
    text = '<h3>申报条件</h3><ul><li><strong>小型</strong>企业</li></ul><a href="https://www.yinchuan.gov.cn/">原文</a>'
    cleaned = clean_html(text)
    assert "<h3>申报条件</h3>" in cleaned and "<strong>小型</strong>" in cleaned
    assert 'href="https://www.yinchuan.gov.cn/"' in cleaned and 'rel="noopener noreferrer"' in cleaned


def test_saving_a_policy_stores_the_sanitised_text():
    policy = draft(body='<p onmouseover="x()">补助</p><script>alert(1)</script>')
    policy.refresh_from_db()
    assert policy.body == "<p>补助</p>"
