"""The one input the response mappers take: a submitted, scored questionnaire."""

from dataclasses import dataclass
from datetime import datetime

from engines.fhir.terminology import CAPTURE_MODES, fhir_datetime, fhir_id
from engines.instruments import Instrument, Score


@dataclass(frozen=True, slots=True)
class ResponseRecord:
    """A patient's answers to one instrument, with the engine's score.

    `answers` holds one entry per instrument item, in item order (None = unanswered).
    `authored` must be timezone-aware; `source` is one of CAPTURE_MODES; `id` and
    `patient_id` must make valid FHIR ids. Construction raises ValueError when any of this
    does not hold or the score belongs to another instrument.
    """

    id: str
    patient_id: str
    instrument: Instrument
    language: str
    answers: tuple[int | None, ...]
    authored: datetime
    source: str
    score: Score

    def __post_init__(self) -> None:
        fhir_datetime(self.authored)
        if self.source not in CAPTURE_MODES:
            raise ValueError(f"unknown source {self.source!r}; expected one of {CAPTURE_MODES}")
        if self.language not in self.instrument.languages:
            raise ValueError(f"{self.instrument.id} has no {self.language!r} version")
        self._check_ids()
        self._check_answers()
        self._check_score()

    def _check_ids(self) -> None:
        # Every resource id derived from this record must be a FHIR id (<= 64 characters).
        fhir_id(self.patient_id)
        for item in self.instrument.items:
            fhir_id(f"obs-{self.id}-{item.link_id}")

    def _check_answers(self) -> None:
        items = self.instrument.items
        if len(self.answers) != len(items):
            raise ValueError(
                f"{self.instrument.id} has {len(items)} items, got {len(self.answers)} answers"
            )
        for item, answer in zip(items, self.answers, strict=True):
            if answer is not None and answer not in {option.value for option in item.options}:
                raise ValueError(
                    f"{answer!r} is not an option of {self.instrument.id} {item.link_id}"
                )

    def _check_score(self) -> None:
        instrument = self.instrument
        if (self.score.instrument, self.score.version) != (instrument.id, instrument.version):
            raise ValueError(
                f"score is for {self.score.instrument} {self.score.version}, "
                f"record is {instrument.id} {instrument.version}"
            )
