"""Statement categories of the DSA Transparency Database (`category` of a statement of reasons)."""

from __future__ import annotations

# As accepted by the database's API (statement schema, 2025 revision included).
STATEMENT_CATEGORIES = frozenset({
    "STATEMENT_CATEGORY_ANIMAL_WELFARE",
    "STATEMENT_CATEGORY_CONSUMER_INFORMATION",
    "STATEMENT_CATEGORY_CYBER_VIOLENCE",
    "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
    "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
    "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
    "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
    "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS",
    "STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR",
    "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",
    "STATEMENT_CATEGORY_NOT_SPECIFIED_ORDER",
    "STATEMENT_CATEGORY_OTHER_VIOLATION_TC",
    "STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT",
    "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
    "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
    "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
    "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
    "STATEMENT_CATEGORY_SELF_HARM",
    "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
    "STATEMENT_CATEGORY_VIOLENCE",
})

# Old names the database no longer takes for new statements, with their replacement.
RENAMED = {
    "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS":
        "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
}


def check_statement_category(value: object) -> str | None:
    """Return why `value` is not a valid statement category, or None if it is."""
    if not isinstance(value, str):
        return f"statement_category must be a string, got {type(value).__name__}"
    if value in STATEMENT_CATEGORIES:
        return None
    if value in RENAMED:
        return f"statement_category {value!r} was renamed to {RENAMED[value]!r}"
    return (f"statement_category {value!r} is not a DSA transparency database category "
            f"(e.g. STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS)")
