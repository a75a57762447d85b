"""Pure FHIR R4 mappers: instruments, responses and scores to JSON-ready dicts.

Questionnaire, QuestionnaireResponse (US Core), Observation (US Core Observation Screening
Assessment) and a per-patient collection Bundle. No Django, no clock, and no fhir.resources
at run time: the tests validate the output against fhir.resources' R4B models.
"""

from engines.fhir.bundles import patient_bundle
from engines.fhir.observations import observations
from engines.fhir.questionnaires import questionnaire
from engines.fhir.records import ResponseRecord
from engines.fhir.responses import questionnaire_response

__all__ = [
    "ResponseRecord",
    "observations",
    "patient_bundle",
    "questionnaire",
    "questionnaire_response",
]
