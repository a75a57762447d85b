from django.apps import AppConfig


class MedicationsConfig(AppConfig):
    name = "openiop.medications"
    label = "medications"
    verbose_name = "Medications and drug screens"
