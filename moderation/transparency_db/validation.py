"""The DSA Transparency Database's own rules for a statement of reasons (API v2), as one plain
module: our submitter checks every record with it before sending, and the tests' fake of
the database (tests/fakes/tdb_server.py) refuses with it what the database refuses.

Where each rule comes from (the database is open source: github.com/digital-services-act/
transparency-database; its API documentation is transparency.dsa.ec.europa.eu/page/
api-documentation, v2 at /page/api-documentation-two):
- Fields, enums, lengths, required-if and date rules: the per-statement rules of the
  multiple endpoint (`GroupedSubmissionsService::multi_rules`, the same as
  `StatementStoreRequest`): decision_visibility is an array, required without all of
  decision_monetary / decision_provision / decision_account; the `_other` companions are
  required with an OTHER value (max 500); illegal_content_legal_ground (max 500) and
  illegal_content_explanation (max 2000) are required with DECISION_GROUND_ILLEGAL_CONTENT,
  incompatible_content_ground (500) and incompatible_content_explanation (2000) with
  DECISION_GROUND_INCOMPATIBLE_CONTENT; content_type a required array; decision_facts
  required, max 5000; source_identity max 500; dates `Y-m-d`, content_date from 2000-01-01,
  application_date from 2020-01-01, every date up to 2038-01-01.
- The category and keyword values: the v2 documentation's lists (the schema of the
  Implementing Regulation on transparency reporting, in force from 1 July 2025).
- content_id: the v2 documentation ("key-value format; currently the only accepted key is
  EAN-13"). That the value is 13 digits with a good GS1 check digit is our reading of
  "an EAN-13 code": the stored sources do not show the database's exact check.
- puid: required, max 500, `^[a-zA-Z0-9-_]+$` (the rules; the documentation says the same).
- End dates on or after the application date: the documentation says so; the rules we saw
  do not check it, so this is stricter than the database, never looser.
- Territorial scope: the EU and EEA country codes (`EuropeanCountriesService`); languages:
  upper-case ISO 639-1 (`EuropeanLanguagesService::ALL_LANGUAGES`).
- A batch: `statements` required, an array of 1 to 100 (`StatementsStoreRequest`,
  `between:1,100`); errors of a batch are keyed `statement_<index>` and then by field, and
  none of the batch is created when any statement is refused.
Error messages follow Laravel's wording closely enough to be read; nothing matches on them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import cache
from typing import Any

from babel import Locale
from stdnum import ean

MAX_BATCH = 100

DECISION_VISIBILITIES = frozenset({
    "DECISION_VISIBILITY_CONTENT_REMOVED", "DECISION_VISIBILITY_CONTENT_DISABLED",
    "DECISION_VISIBILITY_CONTENT_DEMOTED", "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED",
    "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED", "DECISION_VISIBILITY_CONTENT_LABELLED",
    "DECISION_VISIBILITY_OTHER"})
DECISION_MONETARIES = frozenset({"DECISION_MONETARY_SUSPENSION", "DECISION_MONETARY_TERMINATION",
                                 "DECISION_MONETARY_OTHER"})
DECISION_PROVISIONS = frozenset({
    "DECISION_PROVISION_PARTIAL_SUSPENSION", "DECISION_PROVISION_TOTAL_SUSPENSION",
    "DECISION_PROVISION_PARTIAL_TERMINATION", "DECISION_PROVISION_TOTAL_TERMINATION"})
DECISION_ACCOUNTS = frozenset({"DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"})
ACCOUNT_TYPES = frozenset({"ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE"})
ILLEGAL = "DECISION_GROUND_ILLEGAL_CONTENT"
INCOMPATIBLE = "DECISION_GROUND_INCOMPATIBLE_CONTENT"
DECISION_GROUNDS = frozenset({ILLEGAL, INCOMPATIBLE})
YES_NO = frozenset({"Yes", "No"})
CONTENT_TYPES = frozenset({
    "CONTENT_TYPE_APP", "CONTENT_TYPE_AUDIO", "CONTENT_TYPE_IMAGE", "CONTENT_TYPE_PRODUCT",
    "CONTENT_TYPE_SYNTHETIC_MEDIA", "CONTENT_TYPE_TEXT", "CONTENT_TYPE_VIDEO",
    "CONTENT_TYPE_OTHER"})
CATEGORIES = frozenset(f"STATEMENT_CATEGORY_{c}" for c in (
    "ANIMAL_WELFARE", "CONSUMER_INFORMATION", "CYBER_VIOLENCE", "CYBER_VIOLENCE_AGAINST_WOMEN",
    "DATA_PROTECTION_AND_PRIVACY_VIOLATIONS", "ILLEGAL_OR_HARMFUL_SPEECH",
    "INTELLECTUAL_PROPERTY_INFRINGEMENTS", "NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
    "NOT_SPECIFIED_NOTICE", "OTHER_VIOLATION_TC", "PROTECTION_OF_MINORS",
    "RISK_FOR_PUBLIC_SECURITY", "SCAMS_AND_FRAUD", "SELF_HARM", "UNSAFE_AND_PROHIBITED_PRODUCTS",
    "VIOLENCE"))
KEYWORDS = frozenset(f"KEYWORD_{k}" for k in (
    "ANIMAL_HARM", "ADULT_SEXUAL_MATERIAL", "AGE_SPECIFIC_RESTRICTIONS",
    "AGE_SPECIFIC_RESTRICTIONS_MINORS", "BIOMETRIC_DATA_BREACH", "BULLYING_AGAINST_GIRLS",
    "CHILD_SEXUAL_ABUSE_MATERIAL", "CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE",
    "CONTENT_PROMOTING_EATING_DISORDERS", "COORDINATED_HARM", "COPYRIGHT_INFRINGEMENT",
    "CYBER_BULLYING_INTIMIDATION", "CYBER_HARASSMENT", "CYBER_HARASSMENT_AGAINST_WOMEN",
    "CYBER_INCITEMENT", "CYBER_STALKING", "CYBER_STALKING_AGAINST_WOMEN", "DATA_FALSIFICATION",
    "DEFAMATION", "DESIGN_INFRINGEMENT", "DISCRIMINATION", "MISINFORMATION_DISINFORMATION",
    "FEMALE_GENDERED_DISINFORMATION", "GEOGRAPHIC_INDICATIONS_INFRINGEMENT",
    "GEOGRAPHICAL_REQUIREMENTS", "GOODS_SERVICES_NOT_PERMITTED",
    "GROOMING_SEXUAL_ENTICEMENT_MINORS", "HATE_SPEECH", "HIDDEN_ADVERTISEMENT",
    "HUMAN_EXPLOITATION", "HUMAN_TRAFFICKING", "ILLEGAL_ORGANIZATIONS",
    "IMPERSONATION_ACCOUNT_HIJACKING", "INAUTHENTIC_ACCOUNTS", "INAUTHENTIC_LISTINGS",
    "INAUTHENTIC_USER_REVIEWS", "INCITEMENT_AGAINST_WOMEN", "INCITEMENT_VIOLENCE_HATRED",
    "INSUFFICIENT_INFORMATION_ON_TRADERS", "LANGUAGE_REQUIREMENTS",
    "MISLEADING_INFO_CONSUMER_RIGHTS", "MISLEADING_INFO_GOODS_SERVICES",
    "MISSING_PROCESSING_GROUND", "NON_CONSENSUAL_IMAGE_SHARING",
    "NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN", "NON_CONSENSUAL_MATERIAL_DEEPFAKE",
    "NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN", "NONCOMPLIANCE_PRICING", "NUDITY",
    "PATENT_INFRINGEMENT", "PHISHING", "PROHIBITED_PRODUCTS", "PYRAMID_SCHEMES",
    "RIGHT_TO_BE_FORGOTTEN", "RISK_ENVIRONMENTAL_DAMAGE", "RISK_PUBLIC_HEALTH",
    "SELF_MUTILATION", "STALKING", "SUICIDE", "TERRORIST_CONTENT", "TRADE_SECRET_INFRINGEMENT",
    "TRADEMARK_INFRINGEMENT", "TRAFFICKING_WOMEN_GIRLS", "UNLAWFUL_SALE_ANIMALS",
    "UNSAFE_CHALLENGES", "UNSAFE_PRODUCTS", "VIOLATION_EU_LAW", "VIOLATION_NATIONAL_LAW",
    "OTHER"))
SOURCE_VOLUNTARY = "SOURCE_VOLUNTARY"
SOURCE_TYPES = frozenset({"SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER",
                          "SOURCE_TYPE_OTHER_NOTIFICATION", SOURCE_VOLUNTARY})
AUTOMATED_DECISIONS = frozenset({"AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY",
                                 "AUTOMATED_DECISION_NOT_AUTOMATED"})
EU_COUNTRIES = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
    "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"})
EEA_COUNTRIES = EU_COUNTRIES | {"IS", "LI", "NO"}
CONTENT_ID_KEYS = frozenset({"EAN-13"})

PUID = re.compile(r"[a-zA-Z0-9_-]+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_URL = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)
END_DATES = ("end_date_account_restriction", "end_date_monetary_restriction",
             "end_date_service_restriction", "end_date_visibility_restriction")
# Free texts and their limits; decision_facts is also required.
MAX_CHARS = {
    "decision_visibility_other": 500, "decision_monetary_other": 500,
    "category_specification_other": 500, "decision_ground_reference_url": 500,
    "illegal_content_legal_ground": 500, "illegal_content_explanation": 2000,
    "incompatible_content_ground": 500, "incompatible_content_explanation": 2000,
    "content_type_other": 500, "decision_facts": 5000, "source_identity": 500, "puid": 500,
}
DATE_RANGES = {"content_date": (date(2000, 1, 1), date(2038, 1, 1)),
               "application_date": (date(2020, 1, 1), date(2038, 1, 1)),
               **{field: (None, date(2038, 1, 1)) for field in END_DATES}}

Errors = dict[str, list[str]]


@cache
def languages() -> frozenset[str]:
    """The upper-case ISO 639-1 codes (CLDR's two-letter language codes)."""
    codes = (str(code) for code in Locale("en").languages)
    return frozenset(code.upper() for code in codes if len(code) == 2 and code.isalpha())


def _label(field: str) -> str:
    return field.replace("_", " ")


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != []


def _one_of(errors: Errors, record: Mapping[str, Any], field: str, allowed: Iterable[str]
            ) -> None:
    value = record.get(field)
    if value is not None and value not in allowed:
        errors.setdefault(field, []).append(f"The selected {_label(field)} is invalid.")


def _all_of(errors: Errors, record: Mapping[str, Any], field: str, allowed: Iterable[str]
            ) -> None:
    value = record.get(field)
    if value is None:
        return
    if not isinstance(value, list):
        errors.setdefault(field, []).append(f"The {_label(field)} field must be an array.")
    elif any(v not in allowed for v in value):
        errors.setdefault(field, []).append(f"The selected {_label(field)} is invalid.")


def _require(errors: Errors, record: Mapping[str, Any], field: str, why: str = "") -> None:
    if not _present(record.get(field)):
        errors.setdefault(field, []).append(f"The {_label(field)} field is required{why}.")


def _check_decisions(errors: Errors, r: Mapping[str, Any]) -> None:
    decisions = ("decision_visibility", "decision_monetary", "decision_provision",
                 "decision_account")
    if not any(_present(r.get(f)) for f in decisions):
        for field in decisions:
            others = " / ".join(_label(f) for f in decisions if f != field)
            errors.setdefault(field, []).append(
                f"The {_label(field)} field is required when none of {others} are present.")
    _all_of(errors, r, "decision_visibility", DECISION_VISIBILITIES)
    if "DECISION_VISIBILITY_OTHER" in (r.get("decision_visibility") or []):
        _require(errors, r, "decision_visibility_other", " when decision visibility is other")
    _one_of(errors, r, "decision_monetary", DECISION_MONETARIES)
    if r.get("decision_monetary") == "DECISION_MONETARY_OTHER":
        _require(errors, r, "decision_monetary_other", " when decision monetary is other")
    _one_of(errors, r, "decision_provision", DECISION_PROVISIONS)
    _one_of(errors, r, "decision_account", DECISION_ACCOUNTS)
    _one_of(errors, r, "account_type", ACCOUNT_TYPES)


def _check_ground(errors: Errors, r: Mapping[str, Any]) -> None:
    _require(errors, r, "decision_ground")
    _one_of(errors, r, "decision_ground", DECISION_GROUNDS)
    if r.get("decision_ground") == ILLEGAL:
        for field in ("illegal_content_legal_ground", "illegal_content_explanation"):
            _require(errors, r, field, " when decision ground is illegal content")
    if r.get("decision_ground") == INCOMPATIBLE:
        for field in ("incompatible_content_ground", "incompatible_content_explanation"):
            _require(errors, r, field, " when decision ground is incompatible content")
        _one_of(errors, r, "incompatible_content_illegal", YES_NO)
    url = r.get("decision_ground_reference_url")
    if url is not None and not (isinstance(url, str) and _URL.fullmatch(url)):
        errors.setdefault("decision_ground_reference_url", []).append(
            "The decision ground reference url field must be a valid URL.")


def _check_content(errors: Errors, r: Mapping[str, Any]) -> None:
    _require(errors, r, "content_type")
    _all_of(errors, r, "content_type", CONTENT_TYPES)
    if "CONTENT_TYPE_OTHER" in (r.get("content_type") or []):
        _require(errors, r, "content_type_other", " when content is other")
    _require(errors, r, "category")
    _one_of(errors, r, "category", CATEGORIES)
    _all_of(errors, r, "category_addition", CATEGORIES)
    _all_of(errors, r, "category_specification", KEYWORDS)
    _all_of(errors, r, "territorial_scope", EEA_COUNTRIES)
    _one_of(errors, r, "content_language", languages())
    content_id = r.get("content_id")
    if content_id is not None and not _content_id_ok(content_id):
        errors.setdefault("content_id", []).append(
            "The content id must be an object whose only key is EAN-13, "
            "with a valid 13-digit EAN as its value.")


def _content_id_ok(content_id: Any) -> bool:
    if not isinstance(content_id, dict) or not content_id:
        return False
    if set(content_id) - CONTENT_ID_KEYS:
        return False
    value = content_id.get("EAN-13")
    return (isinstance(value, str) and len(value) == 13 and value.isdigit()
            and ean.is_valid(value))


def _check_dates(errors: Errors, r: Mapping[str, Any]) -> None:
    _require(errors, r, "content_date")
    _require(errors, r, "application_date")
    parsed: dict[str, date] = {}
    for field, (low, high) in DATE_RANGES.items():
        value = r.get(field)
        if value is None:
            continue
        try:
            if not (isinstance(value, str) and _DATE.fullmatch(value)):
                raise ValueError(value)
            day = date.fromisoformat(value)
        except ValueError:
            errors.setdefault(field, []).append(
                f"The {_label(field)} does not match the format YYYY-MM-DD.")
            continue
        if low is not None and day < low:
            errors.setdefault(field, []).append(
                f"The {_label(field)} must be a date after or equal to {low.isoformat()}.")
        if day > high:
            errors.setdefault(field, []).append(
                f"The {_label(field)} must be a date before or equal to {high.isoformat()}.")
        parsed[field] = day
    start = parsed.get("application_date")
    for field in END_DATES:
        if start is not None and field in parsed and parsed[field] < start:
            errors.setdefault(field, []).append(
                f"The {_label(field)} must be a date after or equal to application date.")


def _check_source(errors: Errors, r: Mapping[str, Any]) -> None:
    _require(errors, r, "decision_facts")
    _require(errors, r, "source_type")
    _one_of(errors, r, "source_type", SOURCE_TYPES)
    _require(errors, r, "automated_detection")
    _one_of(errors, r, "automated_detection", YES_NO)
    _require(errors, r, "automated_decision")
    _one_of(errors, r, "automated_decision", AUTOMATED_DECISIONS)
    _require(errors, r, "puid")
    puid = r.get("puid")
    if isinstance(puid, str) and puid and not PUID.fullmatch(puid):
        errors.setdefault("puid", []).append("The puid format is invalid.")


def _check_lengths(errors: Errors, r: Mapping[str, Any]) -> None:
    for field, limit in MAX_CHARS.items():
        value = r.get(field)
        if value is None:
            continue
        if not isinstance(value, str):
            errors.setdefault(field, []).append(f"The {_label(field)} field must be a string.")
        elif len(value) > limit:
            errors.setdefault(field, []).append(
                f"The {_label(field)} field must not be greater than {limit} characters.")


def statement_errors(record: Mapping[str, Any]) -> Errors:
    """What the database refuses in one statement, by field (empty: it accepts it)."""
    errors: Errors = {}
    if not isinstance(record, Mapping):
        return {"statement": ["The statement must be an object."]}
    for check in (_check_decisions, _check_ground, _check_content, _check_dates, _check_source,
                  _check_lengths):
        check(errors, record)
    return errors


def batch_errors(payload: Any) -> dict[str, Any]:
    """What the database refuses in a call of the multiple endpoint (empty: it accepts it).

    The `statements` field's own errors come by field name; a statement's by `statement_<i>`.
    """
    statements = payload.get("statements") if isinstance(payload, Mapping) else None
    if not isinstance(statements, list) or not statements:
        return {"statements": ["The statements field is required."]}
    if len(statements) > MAX_BATCH:
        return {"statements": [f"The statements field must have between 1 and {MAX_BATCH} "
                               "items."]}
    found: dict[str, Any] = {}
    for index, record in enumerate(statements):
        errors = statement_errors(record)
        if errors:
            found[f"statement_{index}"] = errors
    return found


def duplicate_puids(puids: Sequence[str]) -> list[str]:
    """PUIDs given more than once in one call, in order of their second appearance."""
    seen: set[str] = set()
    repeated: list[str] = []
    for puid in puids:
        if puid in seen and puid not in repeated:
            repeated.append(puid)
        seen.add(puid)
    return repeated
