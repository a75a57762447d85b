from django.apps import AppConfig


class TreatmentPlansConfig(AppConfig):
    name = "openiop.treatment_plans"
    label = "treatment_plans"
    verbose_name = "Treatment plans"
