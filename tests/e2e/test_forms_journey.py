"""Registration form by keyboard: Enter on the agreement checkbox never submits it half-filled."""

import pytest
from playwright.sync_api import expect

from accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def test_enter_on_the_agreement_checkbox_does_not_submit_the_form(live_server, page):
    page.goto(f"{live_server.url}/accounts/register/enterprise/")
    page.get_by_label("用户名").fill("yc_keyboard")
    page.get_by_label("密码", exact=True).fill("Goji-harvest-2026")
    agree = page.get_by_role("checkbox")
    agree.focus()
    agree.press("Enter")
    page.wait_for_timeout(300)
    expect(page.locator(".invalid-feedback")).to_have_count(0)  # nothing was submitted
    expect(page.get_by_label("密码", exact=True)).to_have_value("Goji-harvest-2026")  # nothing lost
    expect(agree).not_to_be_checked()
    agree.press("Space")
    expect(agree).to_be_checked()  # Space still ticks it
    assert not User.objects.filter(username="yc_keyboard").exists()
