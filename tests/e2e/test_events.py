"""A visitor registers to a public event in Chromium, receives the confirmation through a real
SMTP server, and cancels with the link of the e-mail (twice: the second time changes nothing)."""

from django.urls import reverse

from referents.models import Registration
from tests.smtp import running_smtp_server, subject, text_body


def test_visitor_registers_receives_the_email_and_cancels(open_tab, settings):
    with running_smtp_server(settings) as inbox:
        tab = open_tab()
        page = tab.page
        tab.go(reverse("home"))
        nav = page.get_by_role("navigation", name="Navigation principale")
        nav.get_by_role("link", name="Événements", exact=True).click()
        assert page.get_by_role("heading", level=1).inner_text() == "Événements ouverts au public"
        page.get_by_role("link", name="Job dating de l'industrie").first.click()

        page.get_by_label("Nom et prénom").fill("Sacha Durand")
        page.get_by_label("Courriel", exact=True).fill("sacha.durand@example.org")
        page.locator("input[name=consent]").check()
        with page.expect_navigation():
            page.get_by_role("button", name="M'inscrire").click()
        assert "Inscription enregistrée" in page.locator(".alert-success").inner_text()
        registration = Registration.objects.get(email="sacha.durand@example.org")

        [message] = inbox.wait(1)
        assert subject(message).startswith("Inscription confirmée")
        link = next(
            word for word in text_body(message).split() if "/evenements/annulation/" in word
        )
        tab.go(link[link.index("/evenements/") :])
        with page.expect_navigation():
            page.get_by_role("button", name="Annuler mon inscription").click()
        assert "est annulée" in page.locator(".alert-success").inner_text()
        assert not Registration.objects.filter(pk=registration.pk).exists()

        response = tab.go(link[link.index("/evenements/") :])
        assert response.status == 404
        assert "n'est plus valable" in page.locator("main").inner_text()
