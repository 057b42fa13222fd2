"""Reason codes a moderator may give, per case kind and action, with their DSA categories."""

from __future__ import annotations

from dataclasses import dataclass

from moderation.domain import CaseKind, DecisionAction, StatementCategory
from moderation.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    label: str  # English source text; the console translates it
    statement_category: str | None  # DSA transparency database category, for removals
    # The decision must say why in its note (a rejected appeal tells the appellant why).
    note_required: bool = False


_IP = StatementCategory.INTELLECTUAL_PROPERTY.value
_UNSAFE = StatementCategory.UNSAFE_AND_PROHIBITED.value
_SCAMS = StatementCategory.SCAMS_AND_FRAUD.value

REMOVE = (
    Reason("COUNTERFEIT", "Counterfeit goods", _IP),
    Reason("IP_INFRINGEMENT", "Other intellectual property infringement", _IP),
    Reason("PROHIBITED_ITEM", "Prohibited goods", _UNSAFE),
    Reason("UNSAFE_PRODUCT", "Unsafe product", _UNSAFE),
    Reason("SCAM", "Scam or fraud", _SCAMS),
)
MANIFESTLY_UNFOUNDED = "MANIFESTLY_UNFOUNDED"
KEEP = (
    Reason("LAWFUL", "No violation", None),
    Reason("LAWFUL_REPLICA", "Lawful replica, model or costume", None),
    Reason("AUTHORISED_RESELLER", "Genuine goods from an authorised seller", None),
    Reason("INSUFFICIENT_EVIDENCE", "Not enough evidence of a violation", None),
    # Counts against the notifier behind the case (DSA art. 23).
    Reason(MANIFESTLY_UNFOUNDED, "The notice is manifestly unfounded", None),
)
REMOVE_ON_NOTICE = (
    Reason("COUNTERFEIT", "Counterfeit goods", _IP),
    Reason("LOGO_MISUSE", "Unauthorised use of a trademark or logo", _IP),
    Reason("COPYRIGHT", "Copyright infringement (photos, text)", _IP),
    Reason("DESIGN", "Infringement of a registered design", _IP),
    Reason("PATENT", "Patent infringement", _IP),
    *REMOVE[2:],
)
COUNTER_NOTICE_KEEP = (
    Reason("COUNTER_NOTICE_UPHELD", "The seller is right: restore the offer", None),
)
COUNTER_NOTICE_REMOVE = (
    Reason("COUNTER_NOTICE_REJECTED", "The removal stands", _IP),
)
# An appeal's answer: reversed or standing. What the offer becomes depends on what was
# appealed (a seller's upheld appeal keeps it, a notifier's removes it), so both fit both.
APPEAL_UPHELD = "APPEAL_UPHELD"
APPEAL_REJECTED = "APPEAL_REJECTED"
APPEAL = (
    Reason(APPEAL_UPHELD, "The appellant is right: reverse the decision", None),
    Reason(APPEAL_REJECTED, "The decision stands (say why in the note)", None,
           note_required=True),
)
# A buyer's claim: the platform compensates in full, in part, or not at all; the offer is not
# touched (a claim is about one sale). A partial or rejected claim tells both sides why.
CLAIM_UPHELD = "CLAIM_UPHELD"
CLAIM_PARTLY_UPHELD = "CLAIM_PARTLY_UPHELD"
CLAIM_REJECTED = "CLAIM_REJECTED"
CLAIM_COMPENSATE = (Reason(CLAIM_UPHELD, "The buyer is right: compensate in full", None),)
CLAIM_PARTIAL = (Reason(CLAIM_PARTLY_UPHELD, "The buyer is partly right: compensate part",
                        None, note_required=True),)
CLAIM_REJECT = (Reason(CLAIM_REJECTED, "The seller is right (say why in the note)", None,
                       note_required=True),)
ESCALATE = (
    Reason("UNSURE", "Unsure: a lead should decide", None),
    Reason("LEGAL_QUESTION", "Needs a legal opinion", None),
    Reason("HIGH_RISK", "High risk or high profile", None),
)

# A buyer's comment a seller reported: removed (with the rule it breaks) or kept.
COMMENT_REMOVE = (
    Reason("COMMENT_ABUSIVE", "Insults, vulgar words or threats",
           "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH"),
    Reason("COMMENT_PERSONAL_DATA", "Someone's personal data (phone, e-mail, address)",
           "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS"),
    Reason("COMMENT_ADVERTISING", "Advertising or links",
           "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE"),
    Reason("COMMENT_OFF_TOPIC", "Not about the transaction",
           "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE"),
    Reason("COMMENT_UNTRUE", "Untrue statements of fact (say which in the note)",
           StatementCategory.OTHER_VIOLATION_TC.value, note_required=True),
)
COMMENT_KEEP = (
    Reason("COMMENT_FAIR", "The comment keeps to the rules", None),
    Reason("INSUFFICIENT_EVIDENCE", "Not enough evidence of a violation", None),
)
# Kinds of case whose subject is not the offer they name (a buyer's comment on the order of
# it): a decision leaves the offer as it is, and the programme's follow-up does the rest.
NOT_ABOUT_THE_OFFER = frozenset({CaseKind.FEEDBACK_REPORT.value})

_BY_KIND: dict[str, dict[str, tuple[Reason, ...]]] = {
    CaseKind.SCREENING.value: {DecisionAction.REMOVE.value: REMOVE,
                               DecisionAction.KEEP.value: KEEP,
                               DecisionAction.ESCALATE.value: ESCALATE},
    CaseKind.NOTICE.value: {DecisionAction.REMOVE.value: REMOVE_ON_NOTICE,
                            DecisionAction.KEEP.value: KEEP,
                            DecisionAction.ESCALATE.value: ESCALATE},
    CaseKind.COUNTER_NOTICE.value: {DecisionAction.REMOVE.value: COUNTER_NOTICE_REMOVE,
                                    DecisionAction.KEEP.value: COUNTER_NOTICE_KEEP,
                                    DecisionAction.ESCALATE.value: ESCALATE},
    CaseKind.APPEAL.value: {DecisionAction.REMOVE.value: APPEAL,
                            DecisionAction.KEEP.value: APPEAL,
                            DecisionAction.ESCALATE.value: ESCALATE},
    CaseKind.FEEDBACK_REPORT.value: {DecisionAction.REMOVE.value: COMMENT_REMOVE,
                                     DecisionAction.KEEP.value: COMMENT_KEEP,
                                     DecisionAction.ESCALATE.value: ESCALATE},
    CaseKind.BUYER_CLAIM.value: {DecisionAction.COMPENSATE.value: CLAIM_COMPENSATE,
                                 DecisionAction.PARTIAL.value: CLAIM_PARTIAL,
                                 DecisionAction.REJECT.value: CLAIM_REJECT,
                                 DecisionAction.ESCALATE.value: ESCALATE},
}


def reasons_for(kind: str) -> dict[str, tuple[Reason, ...]]:
    """The reasons that fit a case kind, per action."""
    return _BY_KIND.get(kind, _BY_KIND[CaseKind.SCREENING.value])


def check_reason(kind: str, action: str, code: str, note: str = "") -> Reason:
    """The reason for this code, or an error naming the codes that fit the case and action
    (or saying the note is missing where the reason needs one)."""
    allowed = reasons_for(kind).get(action, ())
    for reason in allowed:
        if reason.code == code:
            if reason.note_required and not note.strip():
                raise InvalidInput(f"reason {code} needs a note saying why", field="note")
            return reason
    raise InvalidInput(f"reason {code!r} does not fit a {action} decision on a {kind} case; "
                       f"use one of {', '.join(r.code for r in allowed)}", field="reason_code")
