"""What a 42 CFR Part 2 written consent must hold, as data, and the statements the consent
form prints.

Source: 42 CFR §2.31(a) "Required elements for written consent", as amended by the 2024
final rule (89 FR 12472, effective 2024-04-16, compliance date 2026-02-16;
https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2/subpart-C/section-2.31,
text restated from https://www.govregs.com/regulations/expand/title42_chapterI_part2_subpartC_section2.31
and the summary at
https://www.accountablehq.com/post/42-cfr-part-2-consent-requirements-what-to-include-and-when-it-s-needed).
Paragraphs (a)(1)–(a)(4) were read in the regulation text; the numbering given for the
later elements follows the pre-2024 order and is [U] until checked against eCFR (security.md
A5: "take the exact notice text from eCFR when implementing"). The statements below are
OpenIOP's plain-language wording of what the rule requires, not the regulation's text, except
the recipient and purpose designations that §2.31(a)(4)(i) and the TPO provisions allow.

Changing a statement changes what patients sign: bump STATEMENTS_VERSION, which every Part 2
consent records (``Consent.statements_version``).
"""

from __future__ import annotations

from dataclasses import dataclass

SOURCE = (
    "42 CFR §2.31(a) as amended by 89 FR 12472 (2024), "
    "https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2/subpart-C/section-2.31"
)
STATEMENTS_VERSION = "part2-2024.1"


@dataclass(frozen=True, slots=True)
class Element:
    """One required element. ``field`` is the Consent field (or form field) that holds it;
    ``statement`` names the printed statement that supplies it instead."""

    code: str
    citation: str
    requirement: str
    field: str = ""
    statement: str = ""


ELEMENTS: tuple[Element, ...] = (
    Element("patient_name", "§2.31(a)(1)", "The name of the patient.", field="patient"),
    Element(
        "discloser",
        "§2.31(a)(2)",
        "Who may make the use or disclosure: the name or other specific identification of "
        "the person(s) or class of persons.",
        field="discloser",
    ),
    Element(
        "information",
        "§2.31(a)(3)",
        "A description of the information to be used or disclosed, specific and meaningful.",
        field="information",
    ),
    Element(
        "recipient",
        "§2.31(a)(4)",
        "The name(s) of the person(s) or class of persons who receive it (for a single TPO "
        "consent a general designation such as the one suggested below).",
        field="recipient",
    ),
    Element("purpose", "§2.31(a)(5) [U]", "A description of each purpose.", field="purpose"),
    Element(
        "revocation",
        "§2.31(a)(6) [U]",
        "The patient's right to revoke the consent in writing (except where it was already "
        "relied on) and how to revoke it.",
        statement="revocation",
    ),
    Element(
        "expiration",
        "§2.31(a)(7) [U]",
        "An expiration date, or an event related to the patient or the purpose that ends it.",
        field="expires_on",
    ),
    Element(
        "signature",
        "§2.31(a)(8) [U]",
        "The signature of the patient, or of a person authorized to sign for a minor, for a "
        "patient lacking capacity, or for a deceased patient (§§2.14, 2.15).",
        field="signed_by_name",
    ),
    Element("signed_on", "§2.31(a)(9) [U]", "The date the consent is signed.", field="signed_on"),
    Element(
        "redisclosure",
        "§2.31(a) (2024 amendment) [U]",
        "A statement that records disclosed under the consent may be redisclosed by the "
        "recipient and may then no longer be protected by Part 2.",
        statement="redisclosure",
    ),
    Element(
        "conditioning",
        "§2.31(a) (2024 amendment) [U]",
        "Whether treatment, payment, enrollment or eligibility for benefits is conditioned "
        "on signing, and the consequences of refusing to sign.",
        statement="conditioning",
    ),
)

STATEMENTS: dict[str, str] = {
    "revocation": (
        "You may revoke (take back) this consent at any time by telling the program in "
        "writing: give or send a signed note to the program's front desk or to your "
        "therapist. Revoking does not undo a use or disclosure already made while the consent "
        "was in effect."
    ),
    "conditioning": (
        "The program will not refuse to treat you because you do not sign this consent. If "
        "you do not sign, the program will not share your substance use treatment records "
        "with the recipients named here, so your insurer may not be billed for your care and "
        "your other providers will not receive information from us."
    ),
    "redisclosure": (
        "Once your records are disclosed under this consent, a recipient that is a HIPAA "
        "covered entity or business associate may redisclose them as HIPAA allows, and they "
        "may then no longer be protected by 42 CFR Part 2. They may never be used or "
        "disclosed in a civil, criminal, administrative or legislative proceeding against you "
        "without your separate consent or a court order."
    ),
}

# The single-consent-for-TPO designations the 2024 rule allows (§2.31(a)(4)(i) for the
# recipient; the TPO purpose wording, accountablehq summary above).
TPO_RECIPIENT = (
    "My treating providers, health plans, third-party payers, and people helping to operate "
    "this program"
)
TPO_PURPOSE = "For treatment, payment, and health care operations"

# §2.32 notice to accompany a disclosure, short form as quoted in security.md A5. The exact
# text MUST be checked against eCFR (42 CFR 2.32) before release: security.md warns that the
# versions quoted in sources differ by year.
NOTICE_2_32 = "42 CFR part 2 prohibits unauthorized use or disclosure of these records."


def element_missing(element: Element, values: dict[str, object]) -> bool:
    """True when ``element`` is held by a field and ``values`` leaves it empty. Statement
    elements are printed on every form, so they are never missing. An expiration is present
    when either a date or an event is given."""
    if element.statement:
        return False
    if element.code == "expiration":
        return not (values.get("expires_on") or str(values.get("expires_on_event", "")).strip())
    value = values.get(element.field)
    return value is None or (isinstance(value, str) and not value.strip())
