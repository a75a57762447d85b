"""Code systems, profile URLs and the small JSON builders every mapper shares.

The only external code systems named here are the LOINC system URI and HL7's
observation-category system; every LOINC *code* comes from the instrument data, never from
this package. Everything else (answer codes, severity bands, measures without a LOINC code,
capture modes) lives in local code systems under the deployment's FHIR base URL.
"""

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

JSON = dict[str, Any]

LOINC = "http://loinc.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
# FHIR R4 core extension (context: Coding and Questionnaire.item.answerOption).
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
US_CORE_QUESTIONNAIRE_RESPONSE = (
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-questionnaireresponse"
)
US_CORE_SCREENING_ASSESSMENT = (
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-screening-assessment"
)

CAPTURE_MODES: Mapping[str, str] = {
    "portal": "Patient portal (self-report)",
    "kiosk": "Clinic kiosk (self-report)",
    "paper": "Paper transcription",
    "staff": "Entered by staff",
    "api": "Received through the API",
}

# FHIR R4 `id` datatype: 1-64 of [A-Za-z0-9-.].
_FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")


def base(base_url: str) -> str:
    """The FHIR base URL without a trailing slash; raises ValueError unless it is http(s)."""
    stripped = base_url.rstrip("/")
    if not stripped.startswith(("https://", "http://")):
        raise ValueError(f"base_url must be an http(s) URL, got {base_url!r}")
    return stripped


def fhir_id(value: str) -> str:
    """Return `value` if it is a valid FHIR id; raise ValueError otherwise."""
    if not _FHIR_ID.fullmatch(value):
        raise ValueError(f"{value!r} is not a valid FHIR id ([A-Za-z0-9-.], 1-64 characters)")
    return value


def fhir_datetime(moment: datetime) -> str:
    """ISO 8601 with its UTC offset. FHIR dateTime with a time part requires a zone, and
    OpenIOP never builds naive datetimes (CONVENTIONS §3), so a naive one raises ValueError."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: pass a timezone-aware datetime")
    return moment.isoformat()


def localized(texts: Mapping[str, str], language: str, what: str) -> str:
    """The text for `language`; a missing translation raises ValueError rather than
    silently showing another language to a patient."""
    try:
        return texts[language]
    except KeyError:
        raise ValueError(f"{what} has no {language!r} text") from None


def severity_system(base_url: str, instrument_id: str) -> str:
    return f"{base_url}/CodeSystem/{instrument_id}-severity"


def flags_system(base_url: str, instrument_id: str) -> str:
    return f"{base_url}/CodeSystem/{instrument_id}-flags"


def measures_system(base_url: str) -> str:
    return f"{base_url}/CodeSystem/openiop-measures"


def capture_mode_system(base_url: str) -> str:
    return f"{base_url}/CodeSystem/capture-mode"


def coding(system: str, code: str, display: str | None = None) -> JSON:
    result: JSON = {"system": system, "code": code}
    if display is not None:
        result["display"] = display
    return result


def capture_mode_tag(base_url: str, source: str) -> JSON:
    """meta.tag recording how the answers reached us (e.g. "Paper transcription")."""
    return coding(capture_mode_system(base_url), source, CAPTURE_MODES[source])


def survey_category() -> JSON:
    return {"coding": [coding(OBSERVATION_CATEGORY, "survey", "Survey")]}


def reference(resource_type: str, resource_id: str) -> JSON:
    return {"reference": f"{resource_type}/{resource_id}"}
