from django.urls import reverse

from referents.models import OutlineQuestion, OutlineSection
from referents.services import install_default_outline


def test_default_outline_covers_the_interview(referent_client, territory):
    content = referent_client.get(
        reverse("referents:outline", args=[territory.slug])
    ).content.decode()
    for subject in [
        "France Travail",
        "RSA",
        "RQTH",
        "déplacez",
        "logé",
        "garde",
        "santé",
        "ordinateur",
        "lire, écrire",
        "formation",
    ]:
        assert subject in content


def test_installing_the_default_outline_is_idempotent(coordinator_client, territory):
    url = reverse("referents:outline_install", args=[territory.slug])
    assert coordinator_client.post(url).status_code == 302
    count = OutlineQuestion.objects.count()
    coordinator_client.post(url)
    assert count > 10 and OutlineQuestion.objects.count() == count


def test_coordinator_edits_a_section_and_its_questions(coordinator_client, territory):
    install_default_outline(territory=territory)
    section = OutlineSection.objects.get(title="Projet")
    questions = list(section.questions.all())
    data = {
        "section-title": "Projet professionnel",
        "section-position": 5,
        "questions-TOTAL_FORMS": len(questions) + 1,
        "questions-INITIAL_FORMS": len(questions),
        "questions-MIN_NUM_FORMS": 0,
        "questions-MAX_NUM_FORMS": 1000,
    }
    for index, question in enumerate(questions):
        data.update(
            {
                f"questions-{index}-id": question.pk,
                f"questions-{index}-section": section.pk,
                f"questions-{index}-position": question.position,
                f"questions-{index}-text": question.text,
                f"questions-{index}-answer_label": question.answer_label,
                f"questions-{index}-public": question.public_id or "",
                f"questions-{index}-theme": question.theme_id or "",
            }
        )
    data[f"questions-{len(questions) - 1}-DELETE"] = "on"
    data[f"questions-{len(questions)}-position"] = 9
    data[f"questions-{len(questions)}-text"] = "Avez-vous le permis de conduire ?"
    response = coordinator_client.post(reverse("referents:section_update", args=[section.pk]), data)
    assert response.status_code == 302
    section.refresh_from_db()
    texts = [question.text for question in section.questions.all()]
    assert section.title == "Projet professionnel"
    assert texts[-1] == "Avez-vous le permis de conduire ?" and len(texts) == len(questions)


def test_coordinator_deletes_a_section(coordinator_client, territory):
    install_default_outline(territory=territory)
    section = OutlineSection.objects.first()
    url = reverse("referents:section_delete", args=[section.pk])
    assert coordinator_client.get(url).status_code == 405
    assert coordinator_client.post(url).status_code == 302
    assert not OutlineSection.objects.filter(pk=section.pk).exists()
