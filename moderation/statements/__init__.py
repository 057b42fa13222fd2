"""Statements of reasons (DSA art. 17): one row per restriction, with its message to the seller,
written in the caller's transaction by the function for its kind of restriction.

Offers: `decision_statement` (a moderator's removal, a decision's block), `offers_disabled`
(a screening batch's blocks), `offer_held` (a hold). Accounts: `rung_statement` (a warning,
a suspension, a termination). Text in Polish or English: `render_text`.
"""

from moderation.statements.accounts import rung_statement
from moderation.statements.basis import alert_facts
from moderation.statements.lookup import get_statement, statements_of_offer
from moderation.statements.offers import decision_statement, offer_held, offers_disabled
from moderation.statements.render import render_text

__all__ = ["alert_facts", "decision_statement", "get_statement", "offer_held",
           "offers_disabled", "render_text", "rung_statement", "statements_of_offer"]
