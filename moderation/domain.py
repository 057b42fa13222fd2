"""The domain's own types, composed from the rules' and the models' types."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from models.score import Score
from rules.types import Hit


class OfferStatus(StrEnum):
    ACTIVE = "active"
    BLOCKED = "blocked"
    REMOVED = "removed"
    RESTORED = "restored"
    # Waiting for a person and not to be shown meanwhile: a serious-risk alert match, a
    # re-listed removed product, a suspended seller's new offer.
    HELD = "held"


class Route(StrEnum):
    ALLOW = "allow"
    REVIEW = "review"
    BLOCK = "block"


class CaseKind(StrEnum):
    SCREENING = "screening"
    NOTICE = "notice"  # opened by a rights holder's notice
    COUNTER_NOTICE = "counter_notice"  # a seller contests a removal on a notice
    SAFETY = "safety"  # an offer matching a product-safety alert or an authority order
    APPEAL = "appeal"  # art. 20: someone a decision affects contests it
    BUYER_CLAIM = "buyer_claim"  # a buyer's discussion the seller did not settle
    FEEDBACK_REPORT = "feedback_report"  # a seller reports a buyer's comment


class SourceKind(StrEnum):
    """What a case stands on besides screening, one source row each (see cases/sources.py)."""

    NOTICE = "notice"  # a rights holder's notice naming the offer
    COUNTER_NOTICE = "counter_notice"  # the seller's counter-notice behind its own case
    SAFETY_ALERT = "safety_alert"  # a product-safety alert or an authority order
    APPEAL = "appeal"  # an appeal (art. 20) behind its own case
    BUYER_CLAIM = "buyer_claim"  # a buyer's claim under the Buyer Protection Programme
    FEEDBACK_REPORT = "feedback_report"  # a seller's report of a comment on them


class BuyerReason(StrEnum):
    """Why a buyer opens a discussion (and a claim), as the programme lists them."""

    NOT_RECEIVED = "not_received"
    NOT_AS_DESCRIBED = "not_as_described"
    DAMAGED = "damaged"
    INCOMPLETE = "incomplete"
    RETURN_NOT_REFUNDED = "return_not_refunded"


class DiscussionStatus(StrEnum):
    OPEN = "open"  # waiting for the seller, or for the buyer to settle or escalate
    SETTLED = "settled"  # closed between buyer and seller, without the platform
    ESCALATED = "escalated"  # a claim: the platform decides


class ClaimStatus(StrEnum):
    OPEN = "open"
    COMPENSATED = "compensated"  # in full, up to the order value
    PARTIAL = "partial"
    REJECTED = "rejected"


class CaseReason(StrEnum):
    """Why a case was opened or an offer held, besides the rules' own reason codes."""

    MODEL_SCORE = "MODEL_SCORE"  # the classifier alone
    SELLER_SUSPENDED = "SELLER_SUSPENDED"  # a suspended or terminated seller's new offer
    SAFETY_ALERT_MATCH = "SAFETY_ALERT_MATCH"  # a new offer surely matching an active alert
    SAFETY_ALERT_POSSIBLE = "SAFETY_ALERT_POSSIBLE"  # ... as the learned matcher judges it
    REMOVED_BEFORE = "REMOVED_BEFORE"  # the same product was removed as unsafe before
    SAFETY_ALERT = "SAFETY_ALERT"  # an arriving Safety Gate alert matched the offer
    AUTHORITY_ORDER = "AUTHORITY_ORDER"  # an authority's order or notice matched the offer
    COUNTER_NOTICE = "COUNTER_NOTICE"  # a seller contests a removal on a notice
    APPEAL = "APPEAL"  # someone a decision affects contests it (art. 20)


class StatementCategory(StrEnum):
    """The DSA Transparency Database's categories this service uses."""

    INTELLECTUAL_PROPERTY = "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS"
    UNSAFE_AND_PROHIBITED = "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS"
    SCAMS_AND_FRAUD = "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"
    CONSUMER_INFORMATION = "STATEMENT_CATEGORY_CONSUMER_INFORMATION"
    OTHER_VIOLATION_TC = "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"


class Restriction(StrEnum):
    """What a statement of reasons tells was done (art. 17(1))."""

    REMOVAL = "removal"  # a moderator removed the offer
    DISABLING = "disabling"  # a rule blocked the offer before it was shown
    HOLD = "hold"  # the offer waits for a person and is not shown meanwhile
    DEMOTION = "demotion"
    STRIKE = "strike"  # a strike on the seller's account (art. 23)
    SUSPENSION = "suspension"
    TERMINATION = "termination"


class Language(StrEnum):
    """What statements of reasons are written in: the seller's choice, else Polish."""

    PL = "pl"
    EN = "en"


DEFAULT_LANGUAGE = Language.PL


class StatementSubject(StrEnum):
    OFFER = "offer"
    ACCOUNT = "account"


class StatementGround(StrEnum):
    ILLEGAL = "illegal"  # illegal content, on a legal ground (art. 17(3)(d))
    TERMS = "terms"  # incompatible with the terms and conditions (art. 17(3)(e))


class StatementSource(StrEnum):
    """What set a decision off, as the Transparency Database asks (its source_type)."""

    NOTICE = "notice"  # an art. 16 notice (a rights holder, a consumer ombudsman)
    TRUSTED_FLAGGER = "trusted_flagger"  # a notice of a trusted flagger (art. 22)
    OTHER_NOTIFICATION = "other_notification"  # an authority's order, a Safety Gate alert
    OWN_INITIATIVE = "own_initiative"  # our own screening or moderators


class AutomatedDecision(StrEnum):
    FULLY = "fully"  # no person took part
    PARTIALLY = "partially"  # a person confirmed what automation proposed
    NOT_AUTOMATED = "not"


class CaseStatus(StrEnum):
    OPEN = "open"
    ESCALATED = "escalated"
    CLOSED = "closed"


class RightStatus(StrEnum):
    """A right a rights holder claims: verified once by a moderator, then usable."""

    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


class NoticeStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # every offer it names decided


class NoticeOutcome(StrEnum):
    """What became of one offer a notice names."""

    PENDING = "pending"
    UPHELD = "upheld"  # removed
    REJECTED = "rejected"  # kept, or restored on a counter-notice


class CounterNoticeStatus(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"  # the offer restored
    REJECTED = "rejected"


class AppealStatus(StrEnum):
    OPEN = "open"
    DECIDED = "decided"


class AppealOutcome(StrEnum):
    UPHELD = "upheld"  # the appellant is right: the decision is reversed
    REJECTED = "rejected"  # the decision stands, and the appellant is told why


class Appellant(StrEnum):
    """Who appeals: the seller a restriction hit, or the notifier whose notice was kept."""

    SELLER = "seller"
    NOTIFIER = "notifier"  # a rights holder, or an authority for its orders
    BUYER = "buyer"  # a buyer contesting a claim's decision (the seller appeals as a seller)


class Contested(StrEnum):
    """What an appeal contests: a restriction of the seller's, a notifier's "keep", or the
    decision on a buyer's claim."""

    DISABLING = "disabling"  # an automatic block
    REMOVAL = "removal"  # a moderator's removal (on a notice, an alert or own initiative)
    KEEP = "keep"  # an offer kept although a notifier's notice or order named it
    STRIKE = "strike"
    SUSPENSION = "suspension"
    TERMINATION = "termination"
    # A buyer's claim decided: the buyer contests too little, the seller a claim upheld.
    CLAIM_DECISION = "claim_decision"


class AlertStatus(StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # undeliverable, or out of attempts


class TdbSubmissionStatus(StrEnum):
    """Where a statement stands with the DSA Transparency Database (art. 24(5))."""

    PENDING = "pending"  # not yet known to be in the database
    SENT = "sent"  # the database holds it (created, or found by its PUID)
    REJECTED = "rejected"  # refused by the database's rules or ours: needs a person


class DecisionAction(StrEnum):
    REMOVE = "remove"
    KEEP = "keep"
    ESCALATE = "escalate"
    BLOCK = "block"  # system decisions by a blocking rule
    # On a buyer's claim: the offer stays as it is; the buyer is paid, in part, or not.
    COMPENSATE = "compensate"
    PARTIAL = "partial"
    REJECT = "reject"


class StaffRole(StrEnum):
    MODERATOR = "moderator"
    LEAD = "lead"
    ADMIN = "admin"
    INTEGRATION = "integration"  # the marketplace's offer service, which sends offers
    RIGHTS_HOLDER = "rights_holder"  # a member or API client of a rights holder
    AUTHORITY = "authority"  # the market surveillance authority (UOKiK), consumer ombudsmen


# Staff log in to the console. Accounts of organisations act for one (a key, and for
# rights holders' members also a password for the portal).
PEOPLE = frozenset({StaffRole.MODERATOR, StaffRole.LEAD, StaffRole.ADMIN})
# Who decides escalated cases, bulk decisions and reassignments.
LEADS = frozenset({StaffRole.LEAD, StaffRole.ADMIN})
API_CLIENTS = frozenset({StaffRole.INTEGRATION, StaffRole.RIGHTS_HOLDER, StaffRole.AUTHORITY})


class OrganisationKind(StrEnum):
    MARKETPLACE = "marketplace"
    RIGHTS_HOLDER = "rights_holder"
    AUTHORITY = "authority"  # the market surveillance authority (UOKiK): binding orders
    # A consumer ombudsman (rzecznik konsumentów): files consumer notices, orders nothing.
    CONSUMER_OMBUDSMAN = "consumer_ombudsman"


@dataclass(frozen=True, slots=True)
class Assessment:
    """What screening concluded about one offer version, before anything is stored."""

    route: Route
    priority: int | None  # 1 most urgent .. 5; None unless routed to review
    due_in: timedelta | None
    reason_code: str
    statement_category: str | None
    hits: tuple[Hit, ...]
    score: Score


# The kind of organisation each organisation-bound role acts for by default, and every kind
# it may act for (an authority's account acts for UOKiK or for a consumer ombudsman).
ORGANISATION_KIND_OF = {StaffRole.INTEGRATION: OrganisationKind.MARKETPLACE,
                        StaffRole.RIGHTS_HOLDER: OrganisationKind.RIGHTS_HOLDER,
                        StaffRole.AUTHORITY: OrganisationKind.AUTHORITY}
ORGANISATION_KINDS_OF = {**{role: (kind,) for role, kind in ORGANISATION_KIND_OF.items()},
                         StaffRole.AUTHORITY: (OrganisationKind.AUTHORITY,
                                               OrganisationKind.CONSUMER_OMBUDSMAN)}


# --- Feedback (issue 14, helper D) ---
class Rating(StrEnum):
    """A buyer's rating of an order: there is no neutral one."""

    POSITIVE = "positive"
    NEGATIVE = "negative"


class FeedbackStatus(StrEnum):
    PUBLISHED = "published"  # shown to buyers and counted in the seller's quality
    HELD = "held"  # the comment broke a rule: not shown until the buyer corrects it
    REMOVED = "removed"  # withdrawn by the buyer, or taken down on a seller's report


class FeedbackReportReason(StrEnum):
    """Why a seller says a comment breaks the rules."""

    ABUSIVE = "abusive"  # insults, threats
    PERSONAL_DATA = "personal_data"
    ADVERTISING = "advertising"
    OFF_TOPIC = "off_topic"  # not about the transaction
    FALSE = "false"  # untrue statements of fact
