from django.apps import AppConfig


class ClinicalNotesConfig(AppConfig):
    name = "openiop.clinical_notes"
    label = "clinical_notes"
    verbose_name = "Clinical notes"
