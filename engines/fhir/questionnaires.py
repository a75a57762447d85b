"""Instrument definition -> FHIR R4 Questionnaire (SDC-style, choice items)."""

import re

from engines.fhir.terminology import (
    JSON,
    LOINC,
    ORDINAL_VALUE,
    base,
    coding,
    fhir_id,
    localized,
)
from engines.instruments import Instrument, Item, Option


def questionnaire(instrument: Instrument, *, base_url: str, language: str = "en") -> JSON:
    """An R4 Questionnaire for `instrument` in `language`, as a JSON-ready dict.

    Canonical url `{base_url}/Questionnaire/{instrument.id}` plus `version`; the resource id
    is `{instrument.id}-{version}` so that several versions can sit side by side. Answers are
    codes of the local CodeSystem `{base_url}/CodeSystem/{instrument.id}-answers` (code = the
    option value; see `answers_system` for instruments whose items use different scales),
    each carrying the option's score in the ordinalValue extension. Raises
    ValueError for an unsupported language or an id that is not a valid FHIR id.
    """
    base_url = base(base_url)
    if language not in instrument.languages:
        raise ValueError(f"{instrument.id} has no {language!r} version")
    resource: JSON = {
        "resourceType": "Questionnaire",
        "id": questionnaire_id(instrument),
        "language": language,
        "url": questionnaire_url(instrument, base_url),
        "version": instrument.version,
        "name": _computable_name(instrument.short_title),
        "title": instrument.title,
        "status": "active",
        "subjectType": ["Patient"],
        "description": f"{instrument.title}. Source: {instrument.source}",
        "copyright": instrument.licence,
    }
    if instrument.loinc_panel:
        resource["code"] = [coding(LOINC, instrument.loinc_panel)]
    resource["item"] = [
        _instructions_item(instrument, language),
        *(_item(instrument, item, base_url, language) for item in instrument.items),
    ]
    return resource


def questionnaire_id(instrument: Instrument) -> str:
    return fhir_id(f"{instrument.id}-{instrument.version}")


def questionnaire_url(instrument: Instrument, base_url: str) -> str:
    return f"{base_url}/Questionnaire/{instrument.id}"


def questionnaire_canonical(instrument: Instrument, base_url: str) -> str:
    """Versioned canonical reference, as QuestionnaireResponse.questionnaire wants it."""
    return f"{questionnaire_url(instrument, base_url)}|{instrument.version}"


def answer_coding(
    instrument: Instrument, item: Item, value: int, base_url: str, language: str
) -> JSON:
    """The Coding for answer `value` to `item`; raises ValueError if it is not an option."""
    for option in item.options:
        if option.value == value:
            label = localized(option.label, language, f"{instrument.id} {item.link_id} option")
            return coding(answers_system(base_url, instrument, item), str(value), label)
    raise ValueError(f"{value!r} is not an option of {instrument.id} {item.link_id}")


def answers_system(base_url: str, instrument: Instrument, item: Item) -> str:
    """The local CodeSystem of `item`'s answers; each code is the recorded option value.

    One system per instrument, `{base_url}/CodeSystem/{instrument.id}-answers`, when all its
    items share one answer scale. A code must mean one thing within its system, so an
    instrument whose items have different scales (AUDIT-C: "0" is "Never" for item 1 and
    "1 or 2" for item 2) gets one system per item, `...-answers-{item.number}`.
    """
    system = f"{base_url}/CodeSystem/{instrument.id}-answers"
    if _shared_scale(instrument):
        return system
    return f"{system}-{item.number}"


def _shared_scale(instrument: Instrument) -> bool:
    scales = {
        tuple((option.value, tuple(sorted(option.label.items()))) for option in item.options)
        for item in instrument.items
    }
    return len(scales) <= 1


def option_score(item: Item, option: Option) -> int | None:
    """What choosing `option` adds to the total (after reverse keying, as the instrument
    engine counts it); None for gate questions outside the total."""
    return item.keyed(option.value) if item.scored else None


def _item(instrument: Instrument, item: Item, base_url: str, language: str) -> JSON:
    result: JSON = {
        "linkId": item.link_id,
        "text": localized(item.text, language, f"{instrument.id} {item.link_id}"),
        "type": "choice",
        "answerOption": [
            _answer_option(instrument, item, option, base_url, language) for option in item.options
        ],
    }
    if item.loinc:
        result["code"] = [coding(LOINC, item.loinc)]
    return result


def _answer_option(
    instrument: Instrument, item: Item, option: Option, base_url: str, language: str
) -> JSON:
    result: JSON = {
        "valueCoding": answer_coding(instrument, item, option.value, base_url, language)
    }
    score = option_score(item, option)
    if score is not None:
        result["extension"] = [{"url": ORDINAL_VALUE, "valueDecimal": score}]
    return result


def _instructions_item(instrument: Instrument, language: str) -> JSON:
    # The recall period ("over the last 2 weeks") lives in the instructions; without them
    # the items do not mean what the scoring assumes.
    return {
        "linkId": f"{instrument.id}-instructions",
        "text": localized(instrument.instructions, language, f"{instrument.id} instructions"),
        "type": "display",
    }


def _computable_name(short_title: str) -> str:
    """Questionnaire.name must match [A-Z][A-Za-z0-9_]* (constraint que-0): PHQ-9 -> PHQ9."""
    name = re.sub(r"[^A-Za-z0-9_]", "", short_title)
    if not name or not name[0].isupper():
        name = f"Q{name}"
    return name
