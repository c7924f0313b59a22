"""A receptionist signs in and lands on Today."""

from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in


def test_receptionist_signs_in_and_sees_today(page: Page, app, receptionist, screenshot):
    page.goto(app + "/")
    expect(page).to_have_url(app + "/accounts/login/?next=/")
    sign_in(page, app, receptionist.username)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Today")
    screenshot("today-signed-in")


def test_wrong_password_is_refused_with_a_message(page: Page, app, receptionist):
    page.goto(app + "/accounts/login/")
    page.get_by_label("Username").fill(receptionist.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
