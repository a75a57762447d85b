"""The patient-facing questionnaire page, reached through a single-use link (or a kiosk
hand-over). No staff login: the unguessable token is the credential, checked on every
request; a signed-in patient may only open their own links. Crisis resources are on every
page, and prominent as soon as an answer raises a safety flag."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

import engines.instruments as instruments
from openiop.accounts.actors import viewer_patient_id
from openiop.core.actor import Actor, ActorKind, actor_from_request
from openiop.core.errors import DomainError
from openiop.core.policy import public
from openiop.core.tokens import bearer_page
from openiop.measures import services
from openiop.measures.errors import (
    InvalidAnswers,
    LinkExpired,
    LinkInvalid,
    LinkUsed,
    OccasionClosed,
)
from openiop.measures.forms import QuestionnaireForm
from openiop.measures.models import PortalLink

# Patient-facing words of the page itself, in the languages the instruments come in.
TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Your check-in questionnaires",
        "intro": "Your care team uses these answers to see how you are doing. It takes a few minutes. You can skip a question, but complete answers help most.",
        "submit": "Send my answers",
        "done": "Thank you. Your answers were received.",
        "done_safety": "Thank you. Your answers were received, and your care team has been alerted to reach out to you today.",
        "crisis": "If you are thinking about suicide or are in crisis, call or text 988 (Suicide & Crisis Lifeline) now, any time. If you are in immediate danger, call 911.",
        "crisis_heading": "Help is available right now",
        "errors": "Some answers need another look.",
        "link_invalid": "This link is not valid. Ask your care team for a new one.",
        "link_expired": "This link has expired. Ask your care team for a new one.",
        "occasion_closed": "This questionnaire is closed, so there is nothing to answer here now. Your care team can tell you what comes next.",
        "closed_title": "This link cannot be used",
    },
    "es": {
        "title": "Sus cuestionarios de seguimiento",
        "intro": "Su equipo de atención usa estas respuestas para saber cómo está. Toma unos minutos. Puede omitir una pregunta, pero las respuestas completas ayudan más.",
        "submit": "Enviar mis respuestas",
        "done": "Gracias. Recibimos sus respuestas.",
        "done_safety": "Gracias. Recibimos sus respuestas y su equipo de atención ha sido avisado para comunicarse con usted hoy.",
        "crisis": "Si está pensando en el suicidio o está en crisis, llame o envíe un mensaje de texto al 988 (Línea de Prevención del Suicidio y Crisis; para español, oprima 2) ahora, a cualquier hora. Si está en peligro inmediato, llame al 911.",
        "crisis_heading": "Hay ayuda disponible ahora mismo",
        "errors": "Algunas respuestas necesitan revisión.",
        "link_invalid": "Este enlace no es válido. Pida uno nuevo a su equipo de atención.",
        "link_expired": "Este enlace ha vencido. Pida uno nuevo a su equipo de atención.",
        "occasion_closed": "Este cuestionario ya está cerrado, así que no hay nada que contestar ahora. Su equipo de atención le dirá qué sigue.",
        "closed_title": "Este enlace no se puede usar",
    },
}


def _actor(request: HttpRequest, link: PortalLink) -> Actor:
    kind = ActorKind.DEVICE if link.kiosk else ActorKind.PATIENT
    via = "kiosk" if link.kiosk else "portal link"
    return dataclasses.replace(
        actor_from_request(request), kind=kind, label=f"patient {link.patient_id} via {via}"
    )


def _language(request: HttpRequest, link: PortalLink) -> str:
    wanted = request.GET.get("lang") or request.POST.get("lang") or link.patient.language
    return wanted if wanted in TEXT else "en"


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int
) -> HttpResponse:
    language = context.get("language", "en")
    context = {"text": TEXT[language], **context}
    return bearer_page(render(request, template, context, status=status))


def _closed(request: HttpRequest, error: DomainError, language: str, status: int) -> HttpResponse:
    words = TEXT[language]
    context = {"message": words.get(error.code, words["link_invalid"]), "language": language}
    return _page(request, "measures/portal_closed.html", context, status)


def _forms(link: PortalLink, language: str, data: Any = None) -> list[QuestionnaireForm]:
    return [
        QuestionnaireForm(data, instrument=instruments.get(o["instrument"]), language=language)
        for o in link.occasions
    ]


@public
def portal(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = services.portal_link_get(token, viewer_patient_id=viewer_patient_id(request))
        language = _language(request, link)
        services.portal_link_check_open(link)
    except LinkInvalid as error:
        return _closed(request, error, "en", 404)
    except LinkUsed:
        return _page(
            request, "measures/portal_done.html", {"language": language, "safety": False}, 200
        )
    except LinkExpired as error:
        return _closed(request, error, language, 410)
    if request.method == "POST":
        return _submit(request, token, link, language)
    context = {"forms": _forms(link, language), "language": language, "link": link}
    return _page(request, "measures/portal.html", context, 200)


def _submit(request: HttpRequest, token: str, link: PortalLink, language: str) -> HttpResponse:
    forms = _forms(link, language, request.POST)
    context: dict[str, Any] = {"forms": forms, "language": language, "link": link}
    if not all(f.is_valid() for f in forms):
        return _page(request, "measures/portal.html", context, 400)
    try:
        result = services.portal_submit(
            actor=_actor(request, link),
            token=token,
            answers={f.instrument.id: f.answers() for f in forms},
            language=language,
            viewer_patient_id=viewer_patient_id(request),
        )
    except InvalidAnswers as error:
        for form in forms:
            if form.instrument.id == error.field:
                form.add_scoring_error(error.message)
        return _page(request, "measures/portal.html", context, 400)
    except LinkUsed:  # a double tap: the first submission already counted
        return _page(
            request, "measures/portal_done.html", {"language": language, "safety": False}, 200
        )
    except (LinkExpired, LinkInvalid, OccasionClosed) as error:
        return _closed(request, error, language, 410)
    return _page(
        request, "measures/portal_done.html", {"language": language, "safety": result.safety}, 200
    )
