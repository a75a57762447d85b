"""Synthetic people for the demo: invented name combinations, never real patients' data.

Pure data, no side effects. The list is deliberately diverse so the demo exercises accents,
apostrophes, compound names, preferred names, non-binary pronouns and right-to-left script.
"""

from __future__ import annotations

from dataclasses import dataclass

from openiop.patients.models import Language

EN, ES, VI, AR = Language.ENGLISH, Language.SPANISH, Language.VIETNAMESE, Language.ARABIC
SHE, HE, THEY = "she/her", "he/him", "they/them"


@dataclass(frozen=True, slots=True)
class Persona:
    given: str
    family: str
    pronouns: str = ""
    language: Language = EN
    preferred: str = ""


# Always in the demo, whatever the seed: they show right-to-left script, accents and a
# Vietnamese name with its diacritics.
FEATURED: tuple[Persona, ...] = (
    Persona("ليلى", "حداد", SHE, AR),
    Persona("José", "Núñez", HE, ES),
    Persona("Thảo", "Nguyễn", SHE, VI),
    Persona("María José", "Gutiérrez", SHE, ES),
)

# The seed picks the rest of the patients from these.
POOL: tuple[Persona, ...] = (
    Persona("Andrés", "Peña", HE, ES),
    Persona("Sofía", "Ramírez Ortiz", SHE),
    Persona("Joaquín", "Morales", HE),
    Persona("Lucía", "Fernández", SHE, ES),
    Persona("Héctor", "Ibáñez", HE, ES),
    Persona("Ximena", "Castañeda", SHE),
    Persona("Raúl", "Domínguez", HE),
    Persona("Esperanza", "Villaseñor", SHE, ES),
    Persona("Ángel", "Suárez", HE, ES),
    Persona("Camila", "Rojas", SHE),
    Persona("Rosa", "Delgado", SHE, ES),
    Persona("Minh", "Trần", HE, VI),
    Persona("Quang", "Phạm", HE),
    Persona("Linh", "Lê", THEY),
    Persona("Omar", "Khalil", HE),
    Persona("Yasmin", "Saleh", SHE),
    Persona("Karim", "Mansour", HE, AR),
    Persona("Aaliyah", "Washburn", SHE),
    Persona("DeShawn", "Brooks", HE),
    Persona("Emily", "Novak", SHE),
    Persona("Connor", "O'Brien", HE),
    Persona("Siobhán", "Gallagher", SHE),
    Persona("Priya", "Raman", SHE),
    Persona("Arjun", "Mehta", HE),
    Persona("Mei", "Chen", SHE),
    Persona("Jun-ho", "Park", HE),
    Persona("Seo-yeon", "Kim", SHE, Language.KOREAN),
    Persona("Tomasz", "Wiśniewski", HE),
    Persona("Olga", "Petrova", SHE, Language.RUSSIAN),
    Persona("Jean-Baptiste", "Pierre", HE, Language.HAITIAN_CREOLE),
    Persona("Fabiola", "Désir", SHE),
    Persona("Kai", "Nakamura", THEY),
    Persona("Chidi", "Okafor", HE),
    Persona("Amara", "Nwosu", SHE),
    Persona("Tyler", "Jensen", HE),
    Persona("Brittany", "Kowalski", SHE),
    Persona("Robert", "Lindqvist", HE, EN, "Bobby"),
    Persona("Katherine", "Hughes", SHE, EN, "Kate"),
    Persona("Alexandra", "Reyes", THEY, EN, "Alex"),
    Persona("Samuel", "Whitehorse", HE),
    Persona("Winona", "Begay", SHE),
    Persona("Malia", "Kealoha", SHE),
    Persona("Dmitri", "Volkov", HE),
    Persona("Hannah", "Goldberg", SHE),
    Persona("Isaiah", "Carter", HE),
    Persona("Grace", "Liu", ""),
    Persona("Noah", "Schmidt", ""),
    Persona("Jordan", "Ellis", THEY),
    Persona("Marisol", "Quiñones", SHE, ES),
    Persona("Francisco", "Muñoz", HE, ES, "Paco"),
    Persona("Destiny", "Harper", SHE),
    Persona("Elijah", "Moreno", HE),
    Persona("Riley", "Sandoval", THEY),
    Persona("Benjamin", "Adeyemi", HE, EN, "Ben"),
    Persona("Valeria", "Cisneros", SHE, ES),
    Persona("Guadalupe", "Treviño", SHE, ES, "Lupe"),
    Persona("Ignacio", "Barrera", HE, ES),
    Persona("Samira", "Aziz", SHE),
    Persona("Tobias", "Fairchild", HE),
    Persona("Imani", "Okonkwo", SHE),
    Persona("Ezra", "Blum", HE),
    Persona("Leilani", "Kahale", SHE),
    Persona("Mateo", "Villalobos", HE),
    Persona("Sage", "Holloway", THEY),
)

# (name, relationship) pairs for emergency contacts and people with a release.
CONTACTS: tuple[tuple[str, str], ...] = (
    ("Carmen Núñez", "Mother"),
    ("David Okoro", "Spouse"),
    ("Teresa Lam", "Sister"),
    ("Miguel Ángel Soto", "Partner"),
    ("Patricia Dunn", "Friend"),
    ("Ray Whitaker", "Recovery sponsor"),
    ("Nadia Farouk", "Daughter"),
    ("Grace Oyelaran", "Aunt"),
    ("Luis Herrera", "Brother"),
    ("Henry Brandt", "Father"),
    ("Sam Kaplan", "Roommate"),
    ("Trang Võ", "Partner"),
)
