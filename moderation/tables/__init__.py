"""ORM tables, one module per domain. Portable column types: the same schema on SQLite and
PostgreSQL. Everything is re-exported here, so `from moderation.tables import Offer` works."""

from moderation.tables.accounts import Account, Organisation, WebSession
from moderation.tables.appeals import Appeal
from moderation.tables.audit import AuditEntry
from moderation.tables.base import NAMING, Base, BigId, UtcDateTime, utcnow
from moderation.tables.buyers import (
    Buyer,
    Claim,
    Compensation,
    Discussion,
    DiscussionMessage,
    Order,
    TrackingEvent,
)
from moderation.tables.cases import Case, CaseSource, Decision, OfferHold
from moderation.tables.feedback import Feedback, FeedbackReminder, FeedbackReport
from moderation.tables.offers import Offer, OfferVersion, Screening, Seller
from moderation.tables.outbox import OutboxMessage
from moderation.tables.protection import (
    CounterNotice,
    Notice,
    NoticeItem,
    Right,
    RightDocument,
    RightsCatch,
    Strike,
)
from moderation.tables.safety import AlertCode, OfferKey, SafetyAlert, SafetyMatch
from moderation.tables.shadow import FloodCount, FloodTrip, ShadowScreening
from moderation.tables.statements import Statement
from moderation.tables.support import FollowUpTask, SupportRating, SurveyAnswer
from moderation.tables.transparency import TdbSubmission

__all__ = [
    "NAMING",
    "Account",
    "AlertCode",
    "Appeal",
    "AuditEntry",
    "Base",
    "BigId",
    "Buyer",
    "Case",
    "CaseSource",
    "Claim",
    "Compensation",
    "CounterNotice",
    "Decision",
    "Discussion",
    "DiscussionMessage",
    "Feedback",
    "FeedbackReminder",
    "FeedbackReport",
    "FloodCount",
    "FloodTrip",
    "FollowUpTask",
    "Notice",
    "NoticeItem",
    "Offer",
    "OfferHold",
    "OfferKey",
    "OfferVersion",
    "Order",
    "Organisation",
    "OutboxMessage",
    "Right",
    "RightDocument",
    "RightsCatch",
    "SafetyAlert",
    "SafetyMatch",
    "Screening",
    "Seller",
    "ShadowScreening",
    "Statement",
    "Strike",
    "SupportRating",
    "SurveyAnswer",
    "TdbSubmission",
    "TrackingEvent",
    "UtcDateTime",
    "WebSession",
    "utcnow",
]
