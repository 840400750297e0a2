"""The triage desk and admin pages in Debian's chromium (issue 16 items 5 and 7): undo after a one-key
decision, bulk apply with nothing selected, keys after a mouse click, the current row announced, shortcuts
that can be turned off, a skip link, a 390 px layout (screenshot test-artifacts/triage-390.png), long names
that wrap."""

from __future__ import annotations

import pytest

from core.db import session_scope
from core.models import Finding, RightsHolder
from tests.web.test_browser import ARTIFACTS, browser, live_server, log_in  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def state_of(world, finding_id: int) -> str:
    with session_scope(world.settings) as s:
        return s.get(Finding, finding_id).state


def desk(browser, live_server, width=1400, height=900):  # noqa: F811
    page = browser.new_page(viewport={"width": width, "height": height})
    page.on("pageerror", lambda exc: (_ for _ in ()).throw(AssertionError(f"script error: {exc}")))
    log_in(page, live_server, "analyst@mamoru.test")
    assert page.url.endswith("/triage")
    return page


def test_a_one_key_decision_is_confirmed_and_undone_with_u(live_server, browser, world):  # noqa: F811
    page = desk(browser, live_server)
    first = int(page.locator("#queue tbody tr.row").nth(0).get_attribute("data-id"))
    with page.expect_navigation():
        page.keyboard.press("d")
    assert page.locator("#decided").inner_text().startswith(f"Finding #{first} is now dismissed.")
    assert page.locator("#decided").get_attribute("role") == "status"
    assert state_of(world, first) == "dismissed"
    with page.expect_navigation():
        page.keyboard.press("u")
    assert state_of(world, first) == "pending"
    assert f"finding #{first} is pending again" in page.locator(".flash.ok").first.inner_text()
    assert page.locator(f'#queue tr[data-id="{first}"]').count() == 1


def test_bulk_apply_with_nothing_selected_says_so(live_server, browser, world):  # noqa: F811
    page = desk(browser, live_server)
    url = page.url
    page.select_option("#bulkbar select[name=action]", "confirm")  # the filters have an "action" too
    page.click("#bulkbar button[type=submit]")
    assert page.locator("#bulk-message").is_visible()
    assert "Nothing selected" in page.locator("#bulk-message").inner_text()
    assert page.url == url
    assert {state_of(world, f) for f in world.ids.findings["pending"]} == {"pending"}


def test_keys_work_after_a_mouse_click_and_the_current_row_is_announced(live_server, browser, world):  # noqa: F811
    page = desk(browser, live_server)
    rows = page.locator("#queue tbody tr.row")
    rows.nth(0).locator("input[type=checkbox]").click()
    assert rows.nth(0).locator("input[type=checkbox]").is_checked()
    page.keyboard.press("j")  # the focus is on the checkbox: keys still work
    assert "current" in rows.nth(1).get_attribute("class")
    assert rows.nth(1).get_attribute("aria-current") == "true" and rows.nth(0).get_attribute("aria-current") is None
    title = rows.nth(1).locator(".title-link").inner_text()
    announced = page.locator("#announce").inner_text()
    assert announced.startswith("Row 2 of 4: ") and title in announced
    assert page.locator("#announce").get_attribute("aria-live") == "polite"


def test_single_key_shortcuts_can_be_turned_off_and_stay_off(live_server, browser, world):  # noqa: F811
    page = desk(browser, live_server)
    first = int(page.locator("#queue tbody tr.row").nth(0).get_attribute("data-id"))
    page.uncheck("#shortcuts")
    page.locator("body").press("c")
    page.wait_for_timeout(300)
    assert state_of(world, first) == "pending" and page.url.endswith("/triage")
    page.reload()
    assert not page.is_checked("#shortcuts")  # remembered in this browser
    page.keyboard.press("j")
    assert page.locator("#queue tbody tr.row").nth(0).get_attribute("aria-current") == "true"
    page.goto(f"{live_server}/findings/{first}")
    assert not page.is_checked("#shortcuts")
    page.keyboard.press("c")
    page.wait_for_timeout(300)
    assert state_of(world, first) == "pending"
    page.check("#shortcuts")
    with page.expect_navigation():
        page.keyboard.press("c")
    assert state_of(world, first) == "confirmed"


def test_escalate_is_disabled_on_an_escalated_finding(live_server, browser, world):  # noqa: F811
    page = desk(browser, live_server)
    fid = world.ids.findings["escalated"][0]
    page.goto(f"{live_server}/findings/{fid}")
    assert page.locator('button[value="escalate"]').is_disabled()
    assert page.locator('button[value="confirm"]').is_enabled()
    page.keyboard.press("e")
    page.wait_for_timeout(300)
    assert page.url.endswith(f"/findings/{fid}") and state_of(world, fid) == "escalated"
    assert page.locator("input[name=note]").input_value() == ""


def test_skip_link_is_the_first_stop_and_lands_on_the_content(live_server, browser, world):  # noqa: F811
    page = desk(browser, live_server)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    assert page.locator("a.skip").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_triage_desk_at_390_px(live_server, browser, world):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    page = desk(browser, live_server, width=390, height=844)
    assert page.evaluate("window.scrollY") == 0  # opens at the top, the navigation in view
    assert page.locator("header.top nav").is_visible() and page.locator("header.top nav").bounding_box()["y"] < 200
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing sticks out of the page
    page.screenshot(path=str(ARTIFACTS / "triage-390.png"), full_page=True)
    # after moving down the list, a reload and a decision still open at the top, on the same place in the list
    for _ in range(3):
        page.keyboard.press("j")
    assert page.evaluate("window.scrollY") > 0
    page.reload()
    assert page.evaluate("window.scrollY") == 0
    assert page.locator("#queue tbody tr.row").nth(3).get_attribute("aria-current") == "true"
    page.keyboard.press("k")
    with page.expect_navigation():
        page.keyboard.press("d")
    assert page.evaluate("window.scrollY") == 0 and page.locator("#decided").is_visible()
    assert page.locator("#queue tbody tr.row").nth(2).get_attribute("aria-current") == "true"
    # the finding page and the findings list fit too
    for path in (f"/findings/{world.ids.findings['pending'][0]}", "/findings?state=all"):
        page.goto(f"{live_server}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    page.screenshot(path=str(ARTIFACTS / "findings-390.png"), full_page=True)


def test_long_names_wrap_instead_of_stretching_tables(live_server, browser, world):  # noqa: F811
    with session_scope(world.settings) as s:
        s.get(RightsHolder, world.ids.holders[1]).name = "K" * 200  # the longest name allowed, no spaces
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, live_server, "admin@mamoru.test")
    for path in ("/admin/holders", "/admin/references", "/admin/users", "/triage?state=all"):
        page.goto(f"{live_server}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280, path
