"""Keyboard only: the skip link comes first and moves the focus to the content, the focus is
always visible, and a référent signs in and reaches the directory without a mouse."""

from django.urls import reverse

from portal.demo import DEMO_PASSWORD
from tests.e2e.conftest import ACCOUNTS
from tests.e2e.test_accessibility import FOCUS_STATE

ACTIVE = """() => {
  const element = document.activeElement;
  return {tag: element.tagName.toLowerCase(), id: element.id, name: element.name || "",
          text: (element.innerText || "").trim(), classes: element.className || ""};
}"""


def tab_to(page, predicate, limit=40):
    """Press Tab until `predicate(active element)`; every stop on the way shows its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        assert state is None or state["visible"], f"focus not visible on {state['element']}"
        active = page.evaluate(ACTIVE)
        if predicate(active):
            return active
    raise AssertionError(f"not reached with {limit} presses of Tab")


def test_skip_link_first_then_sign_in_by_keyboard(open_tab):
    tab = open_tab()
    page = tab.page
    tab.go(reverse("home"))

    page.keyboard.press("Tab")
    active = page.evaluate(ACTIVE)
    assert "skip-link" in active["classes"] and active["text"] == "Aller au contenu"
    skip_link = page.locator(".skip-link")
    assert skip_link.is_visible()
    box = skip_link.bounding_box()
    assert box["y"] >= 0 and box["x"] >= 0, "the focused skip link is off screen"
    assert page.evaluate(FOCUS_STATE)["visible"]

    page.keyboard.press("Enter")
    assert page.evaluate(ACTIVE)["id"] == "contenu"
    assert page.url.endswith("#contenu")

    # From the content, Tab goes on in the content (or the footer), not back to the header.
    page.keyboard.press("Tab")
    assert page.evaluate("() => !!document.activeElement.closest('main, footer')")

    # The sign-in page puts the focus in its first field (Django's autofocus).
    tab.go(reverse("login"))
    assert page.evaluate(ACTIVE)["name"] == "username"
    page.keyboard.type(ACCOUNTS["referent"])
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE)["name"] == "password"
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == tab.url(reverse("home"))
    assert page.get_by_role("button", name="Se déconnecter").count() == 1

    # The header's links by keyboard: Partenaires opens the directory.
    tab_to(page, lambda active: active["tag"] == "a" and active["text"] == "Partenaires")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == tab.url(reverse("partners:list"))
    # The search field, typed into and submitted with Enter.
    tab_to(page, lambda active: active["name"] == "q")
    page.keyboard.type("mission locale")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=mission+locale" in page.url
    assert page.get_by_role("link", name="Mission locale Arc Charente").count() == 1
    assert tab.errors == []
