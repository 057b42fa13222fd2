"""A statement of reasons (and its offer) as one record of the Transparency Database's API v2.

What the record says comes from the statement as the seller got it, never from the offer's
or the case's state now: the database holds what was decided and told. Mapping (the values
from transparency.dsa.ec.europa.eu/page/api-documentation-two, see validation.py):
- our restriction → the database's decision fields: a removal, a rule's block, a hold and
  a demotion restrict the offer's visibility (`decision_visibility`, ended by
  `end_date_visibility_restriction`); a suspension or termination restricts the seller's
  account (`decision_account`, `end_date_account_restriction`). A strike alone restricts
  nothing yet (it is a warning on the ladder, art. 23): it is not sent, nor is a statement
  telling an appeal's outcome (the restriction it upholds was sent with its own statement).
- our ground → `decision_ground` with its companions: illegal content with the legal ground
  and why the content is illegal on it; the terms with the clause and why the offer breaks it.
- our source → `source_type`: a notice (art. 16) SOURCE_ARTICLE_16, a trusted flagger's
  SOURCE_TRUSTED_FLAGGER, an authority's order or a Safety Gate alert
  SOURCE_TYPE_OTHER_NOTIFICATION, our own screening or moderators SOURCE_VOLUNTARY (which
  carries no `source_identity`, as the database drops it).
- `automated_detection` "Yes"/"No" and `automated_decision` FULLY / PARTIALLY /
  NOT_AUTOMATED are the statement's own flags, never guessed here (tests pin them per path).
- `content_type` is CONTENT_TYPE_PRODUCT for an offer; a seller's account is
  CONTENT_TYPE_OTHER ("seller account"). `content_id` {"EAN-13": ...} only when the offer
  has a valid 13-digit GTIN. `content_date` is the offer's (or the account's) creation day.
Free texts are cut at the database's limits, so that a long explanation is still reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from moderation.domain import AutomatedDecision, Restriction, StatementGround, StatementSource
from moderation.intake import barcodes
from moderation.tables import Offer, Seller, Statement
from moderation.transparency_db import personal_data, validation

# Our restriction → (the decision field, its value, the end date field).
DECISIONS: dict[str, tuple[str, str, str]] = {
    Restriction.REMOVAL: ("decision_visibility", "DECISION_VISIBILITY_CONTENT_REMOVED",
                          "end_date_visibility_restriction"),
    Restriction.DISABLING: ("decision_visibility", "DECISION_VISIBILITY_CONTENT_DISABLED",
                            "end_date_visibility_restriction"),
    # Held: not shown until a person decides, i.e. access to the offer is disabled meanwhile.
    Restriction.HOLD: ("decision_visibility", "DECISION_VISIBILITY_CONTENT_DISABLED",
                       "end_date_visibility_restriction"),
    Restriction.DEMOTION: ("decision_visibility", "DECISION_VISIBILITY_CONTENT_DEMOTED",
                           "end_date_visibility_restriction"),
    Restriction.SUSPENSION: ("decision_account", "DECISION_ACCOUNT_SUSPENDED",
                             "end_date_account_restriction"),
    Restriction.TERMINATION: ("decision_account", "DECISION_ACCOUNT_TERMINATED",
                              "end_date_account_restriction"),
}
REPORTED = frozenset(DECISIONS)
SOURCE_TYPES = {
    StatementSource.NOTICE: "SOURCE_ARTICLE_16",
    StatementSource.TRUSTED_FLAGGER: "SOURCE_TRUSTED_FLAGGER",
    StatementSource.OTHER_NOTIFICATION: "SOURCE_TYPE_OTHER_NOTIFICATION",
    StatementSource.OWN_INITIATIVE: validation.SOURCE_VOLUNTARY,
}
AUTOMATED_DECISIONS = {
    AutomatedDecision.FULLY: "AUTOMATED_DECISION_FULLY",
    AutomatedDecision.PARTIALLY: "AUTOMATED_DECISION_PARTIALLY",
    AutomatedDecision.NOT_AUTOMATED: "AUTOMATED_DECISION_NOT_AUTOMATED",
}
ACCOUNT_TYPES = {"business": "ACCOUNT_TYPE_BUSINESS", "private": "ACCOUNT_TYPE_PRIVATE"}
SELLER_ACCOUNT = "Seller account on the marketplace"
# The content keys of the statements room this reads (the first one present wins), at the
# top of the content or one level down (e.g. under "ground").
LEGAL_GROUND = ("legal_ground",)
TERMS_GROUND = ("terms_ground", "terms_clause")
EXPLANATION = ("ground_explanation", "explanation")
LEGAL_EXPLANATION = ("legal_ground_explanation", *EXPLANATION)
TERMS_EXPLANATION = ("terms_ground_explanation", "terms_explanation", *EXPLANATION)
REFERENCE_URL = ("ground_reference_url", "terms_url")
# The free texts a record may carry: each is checked for personal data before sending.
FREE_TEXTS = ("decision_facts", "illegal_content_legal_ground", "illegal_content_explanation",
              "incompatible_content_ground", "incompatible_content_explanation",
              "decision_visibility_other", "decision_monetary_other", "content_type_other",
              "category_specification_other", "source_identity")
EARLIEST_CONTENT_DATE = date(2000, 1, 1)


def is_reported(statement: Statement) -> bool:
    """Whether the database records this statement (a restriction, not an appeal's outcome)."""
    return statement.restriction in REPORTED and statement.appeal_id is None


def _find(content: Mapping[str, Any], keys: Iterable[str]) -> str | None:
    nested = [v for v in content.values() if isinstance(v, Mapping)]
    for key in keys:
        for place in (content, *nested):
            value = place.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return None


def _cut(text: str, limit: int) -> str:
    """The text within the limit, cut at a word and marked, if it is longer."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[limit // 2:] else cut) + "…"


def _day(moment: datetime | None) -> str | None:
    return moment.date().isoformat() if moment is not None else None


def ean13_of(offer: Offer | None) -> str | None:
    """The offer's first valid 13-digit GTIN (an EAN-13), if it has one."""
    for value in (offer.gtins if offer is not None else []) or []:
        code = barcodes.classify(str(value), "gtins")
        if isinstance(code, str) and len(code) == 13:
            return code
    return None


def _content_date(statement: Statement, offer: Offer | None, seller: Seller | None) -> str:
    moment = (offer.created_at if offer is not None
              else (seller.account_created_at or seller.created_at) if seller is not None
              else statement.starts_at)
    day = min(moment.date(), statement.starts_at.date())
    return max(day, EARLIEST_CONTENT_DATE).isoformat()


def _ground(record: dict[str, Any], statement: Statement) -> None:
    content = statement.content or {}
    limits = validation.MAX_CHARS
    if statement.ground == StatementGround.ILLEGAL:
        record["decision_ground"] = validation.ILLEGAL
        fields = (("illegal_content_legal_ground", _find(content, LEGAL_GROUND)),
                  ("illegal_content_explanation",
                   _find(content, LEGAL_EXPLANATION) or statement.facts))
    else:
        record["decision_ground"] = validation.INCOMPATIBLE
        fields = (("incompatible_content_ground", _find(content, TERMS_GROUND)),
                  ("incompatible_content_explanation",
                   _find(content, TERMS_EXPLANATION) or statement.facts))
    for field, text in fields:
        if text:
            record[field] = _cut(text, limits[field])
    url = _find(content, REFERENCE_URL)
    if url:
        record["decision_ground_reference_url"] = url


def build_record(statement: Statement, offer: Offer | None = None,
                 seller: Seller | None = None) -> dict[str, Any] | None:
    """The statement as the database's record, or None when the database records no such
    statement."""
    if not is_reported(statement):
        return None
    field, value, end_field = DECISIONS[Restriction(statement.restriction)]
    record: dict[str, Any] = {field: [value] if field == "decision_visibility" else value}
    if statement.ends_at is not None:
        record[end_field] = _day(statement.ends_at)
    content = statement.content or {}
    account_type = ACCOUNT_TYPES.get(str(content.get("account_type", "")).lower())
    if account_type:
        record["account_type"] = account_type
    _ground(record, statement)
    if offer is not None:
        record["content_type"] = ["CONTENT_TYPE_PRODUCT"]
        ean13 = ean13_of(offer)
        if ean13:
            record["content_id"] = {"EAN-13": ean13}
    else:
        record["content_type"] = ["CONTENT_TYPE_OTHER"]
        record["content_type_other"] = SELLER_ACCOUNT
    record["category"] = statement.category
    if statement.category_specification:
        record["category_specification"] = list(statement.category_specification)
    record["territorial_scope"] = list(statement.territorial_scope or [])
    language = (statement.language or "").upper()
    if language in validation.languages():
        record["content_language"] = language
    record["content_date"] = _content_date(statement, offer, seller)
    record["application_date"] = _day(statement.starts_at)
    record["decision_facts"] = _cut(statement.facts, validation.MAX_CHARS["decision_facts"])
    record["source_type"] = SOURCE_TYPES[StatementSource(statement.source_type)]
    identity = _find(content, ("source_identity",))
    if identity and record["source_type"] != validation.SOURCE_VOLUNTARY:
        record["source_identity"] = _cut(identity, validation.MAX_CHARS["source_identity"])
    record["automated_detection"] = "Yes" if statement.automated_detection else "No"
    record["automated_decision"] = AUTOMATED_DECISIONS[
        AutomatedDecision(statement.automated_decision)]
    record["puid"] = statement.puid
    return record


def problems(record: Mapping[str, Any], *, names: re.Pattern[str] | None = None
             ) -> validation.Errors:
    """Why this record must not be sent: the database's rules, then personal data in it
    (names: personal_data.names_pattern of the names we know)."""
    errors = validation.statement_errors(record)
    for field in FREE_TEXTS:
        text = record.get(field)
        if isinstance(text, str):
            for finding in personal_data.findings(text, names=names):
                errors.setdefault(field, []).append(f"personal data: {finding}")
    return errors
