"""The synthetic organization the benchmark loads: six sites in six US time zones, thirteen
programs at three levels of care, their tracks and measurement schedules.

Pure data. The shape follows what a regional behavioral-health provider runs (adult and
adolescent IOP, PHP, a trauma-focused and a dual-diagnosis 42 CFR Part 2 IOP, outpatient
continuing care); the sizes are scaled up so that the requested number of responses fits
into about three years.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

ORGANIZATION = "Cedar Ridge Behavioral Health (synthetic benchmark data)"

Schedule = tuple[tuple[str, str], ...]

# PHQ-9 and GAD-7 weekly with intake, discharge and follow-ups; the NIMH ASQ and the
# PC-PTSD-5 as intake screens. This is the schedule most IOPs in the demo use.
CORE: Schedule = (
    ("phq9", "intake"),
    ("phq9", "weekly"),
    ("phq9", "discharge"),
    ("phq9", "follow_up_30"),
    ("phq9", "follow_up_90"),
    ("phq9", "follow_up_180"),
    ("gad7", "intake"),
    ("gad7", "weekly"),
    ("gad7", "discharge"),
    ("gad7", "follow_up_30"),
    ("gad7", "follow_up_180"),
    ("asq", "intake"),
    ("pcptsd5", "intake"),
)
# PCL-5 has a past-month recall, so a trauma track gives it at intake, discharge and after.
TRAUMA: Schedule = (
    *CORE,
    ("pcl5", "intake"),
    ("pcl5", "discharge"),
    ("pcl5", "follow_up_30"),
    ("pcl5", "follow_up_180"),
)
DUAL_DIAGNOSIS: Schedule = (
    *CORE,
    ("auditc", "intake"),
    ("auditc", "discharge"),
    ("auditc", "follow_up_30"),
    ("auditc", "follow_up_90"),
    ("dast10", "intake"),
    ("dast10", "discharge"),
    ("dast10", "follow_up_90"),
)
OUTPATIENT: Schedule = (
    ("phq9", "intake"),
    ("phq9", "weekly"),
    ("phq9", "discharge"),
    ("phq9", "follow_up_90"),
    ("gad7", "intake"),
    ("gad7", "discharge"),
    ("gad7", "follow_up_90"),
    ("asq", "intake"),
)


@dataclass(frozen=True, slots=True)
class TrackSpec:
    name: str
    weekdays: tuple[int, ...]
    starts_at: dt.time
    ends_at: dt.time


MORNING = TrackSpec("Morning", (0, 2, 4), dt.time(9), dt.time(12))
EVENING = TrackSpec("Evening", (0, 1, 3), dt.time(18), dt.time(21))
SATURDAY = TrackSpec("Weekend", (1, 5), dt.time(10), dt.time(13, 30))
DAY = TrackSpec("Day", (0, 1, 2, 3, 4), dt.time(9), dt.time(15))
WEEKLY_GROUP = TrackSpec("Weekly group", (1,), dt.time(17), dt.time(18, 30))


@dataclass(frozen=True, slots=True)
class ProgramSpec:
    site: str
    name: str
    level_of_care: str
    time_zone: str
    hours: tuple[int, int]
    tracks: tuple[TrackSpec, ...]
    schedule: Schedule
    weeks: tuple[int, int, int]  # length of stay: low, mode, high (triangular)
    weight: float  # share of admissions
    is_part2: bool = False


IOP_WEEKS = (4, 8, 14)
PHP_WEEKS = (2, 3, 6)
OP_WEEKS = (8, 16, 30)

SITES: tuple[tuple[str, str], ...] = (
    ("Boston – Back Bay", "210 Newbury St, Boston, MA"),
    ("Chicago – Loop", "55 W Monroe St, Chicago, IL"),
    ("Denver – Capitol Hill", "1400 Grant St, Denver, CO"),
    ("Phoenix – Midtown", "3200 N Central Ave, Phoenix, AZ"),
    ("Los Angeles – Westside", "11600 Wilshire Blvd, Los Angeles, CA"),
    ("Honolulu – Kakaako", "677 Ala Moana Blvd, Honolulu, HI"),
)

PROGRAMS: tuple[ProgramSpec, ...] = (
    ProgramSpec(
        "Boston – Back Bay",
        "Adult IOP",
        "iop",
        "America/New_York",
        (9, 19),
        (MORNING, EVENING),
        CORE,
        IOP_WEEKS,
        1.4,
    ),
    ProgramSpec(
        "Boston – Back Bay",
        "Adolescent IOP",
        "iop",
        "America/New_York",
        (9, 19),
        (EVENING,),
        CORE,
        IOP_WEEKS,
        0.7,
    ),
    ProgramSpec(
        "Boston – Back Bay",
        "Adult PHP",
        "php",
        "America/New_York",
        (20, 40),
        (DAY,),
        CORE,
        PHP_WEEKS,
        0.9,
    ),
    ProgramSpec(
        "Chicago – Loop",
        "Adult IOP",
        "iop",
        "America/Chicago",
        (9, 19),
        (MORNING, EVENING, SATURDAY),
        CORE,
        IOP_WEEKS,
        1.3,
    ),
    ProgramSpec(
        "Chicago – Loop",
        "Trauma-Focused IOP",
        "iop",
        "America/Chicago",
        (9, 19),
        (MORNING, EVENING),
        TRAUMA,
        IOP_WEEKS,
        0.8,
    ),
    ProgramSpec(
        "Chicago – Loop",
        "Dual Diagnosis IOP",
        "iop",
        "America/Chicago",
        (9, 19),
        (EVENING,),
        DUAL_DIAGNOSIS,
        IOP_WEEKS,
        0.7,
        is_part2=True,
    ),
    ProgramSpec(
        "Denver – Capitol Hill",
        "Adult IOP",
        "iop",
        "America/Denver",
        (9, 19),
        (MORNING, EVENING),
        CORE,
        IOP_WEEKS,
        1.0,
    ),
    ProgramSpec(
        "Denver – Capitol Hill",
        "Dual Diagnosis IOP",
        "iop",
        "America/Denver",
        (9, 19),
        (MORNING, EVENING),
        DUAL_DIAGNOSIS,
        IOP_WEEKS,
        0.8,
        is_part2=True,
    ),
    ProgramSpec(
        "Phoenix – Midtown",
        "Adult IOP",
        "iop",
        "America/Phoenix",
        (9, 19),
        (MORNING, EVENING),
        CORE,
        IOP_WEEKS,
        1.0,
    ),
    ProgramSpec(
        "Phoenix – Midtown",
        "Adult PHP",
        "php",
        "America/Phoenix",
        (20, 40),
        (DAY,),
        CORE,
        PHP_WEEKS,
        0.6,
    ),
    ProgramSpec(
        "Los Angeles – Westside",
        "Evening IOP",
        "iop",
        "America/Los_Angeles",
        (9, 19),
        (EVENING, SATURDAY),
        TRAUMA,
        IOP_WEEKS,
        1.1,
    ),
    ProgramSpec(
        "Los Angeles – Westside",
        "Outpatient Continuing Care",
        "op",
        "America/Los_Angeles",
        (1, 8),
        (WEEKLY_GROUP,),
        OUTPATIENT,
        OP_WEEKS,
        0.6,
    ),
    ProgramSpec(
        "Honolulu – Kakaako",
        "Adult IOP",
        "iop",
        "Pacific/Honolulu",
        (9, 19),
        (MORNING, EVENING),
        CORE,
        IOP_WEEKS,
        0.5,
    ),
)

# Invented name parts for staff and patients; combinations, never real people.
GIVEN_NAMES: tuple[str, ...] = (
    "Andrés", "Sofía", "Joaquín", "Lucía", "Héctor", "Ximena", "Raúl", "Camila", "Minh",
    "Linh", "Omar", "Yasmin", "Karim", "Aaliyah", "DeShawn", "Emily", "Connor", "Siobhán",
    "Priya", "Arjun", "Mei", "Jun-ho", "Seo-yeon", "Tomasz", "Olga", "Fabiola", "Kai",
    "Chidi", "Amara", "Tyler", "Brittany", "Robert", "Katherine", "Alexandra", "Samuel",
    "Winona", "Malia", "Dmitri", "Hannah", "Isaiah", "Grace", "Noah", "Jordan", "Marisol",
    "Francisco", "Destiny", "Elijah", "Riley", "Benjamin", "Thảo", "José", "Nadia", "Leilani",
)  # fmt: skip
FAMILY_NAMES: tuple[str, ...] = (
    "Peña", "Ramírez Ortiz", "Morales", "Fernández", "Ibáñez", "Castañeda", "Domínguez",
    "Rojas", "Trần", "Phạm", "Lê", "Khalil", "Saleh", "Mansour", "Washburn", "Brooks",
    "Novak", "O'Brien", "Gallagher", "Raman", "Mehta", "Chen", "Park", "Kim", "Wiśniewski",
    "Petrova", "Désir", "Nakamura", "Okafor", "Nwosu", "Jensen", "Kowalski", "Lindqvist",
    "Hughes", "Reyes", "Whitehorse", "Begay", "Kealoha", "Volkov", "Goldberg", "Carter",
    "Liu", "Schmidt", "Ellis", "Quiñones", "Muñoz", "Harper", "Moreno", "Sandoval",
    "Adeyemi", "Nguyễn", "Núñez", "Haddad", "Kahananui",
)  # fmt: skip
THERAPIST_CREDENTIALS = ("LCSW", "LPC", "LMFT", "PsyD", "LMHC", "PhD")
PRESCRIBER_CREDENTIALS = ("MD", "PMHNP", "DO")
