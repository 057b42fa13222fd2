"""Words stored as data (roles, kinds, statuses...) that the console shows translated.

Only marked here, so the catalogue extractor finds them; templates translate them with _().
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a message for the catalogue without translating it here."""
    return message


LABELS = (
    # roles
    N_("moderator"), N_("lead"), N_("admin"), N_("integration"),
    # case kinds, statuses and sources
    N_("screening"), N_("open"), N_("escalated"), N_("closed"), N_("rules"), N_("model"),
    # offer statuses
    N_("active"), N_("blocked"), N_("removed"), N_("restored"), N_("held"),
    # decision actions and rule outcomes
    N_("remove"), N_("keep"), N_("escalate"), N_("block"), N_("review"), N_("allow"),
    # rule severities
    N_("low"), N_("medium"), N_("high"), N_("critical"),
    # audit entities
    N_("case"), N_("offer"), N_("staff"), N_("organisation"), N_("notice"), N_("right"),
    N_("seller"),
    # notices: kinds and what became of each offer; the new case kinds and sources
    N_("counterfeit"), N_("logo"), N_("copyright"), N_("design"), N_("patent"), N_("other"),
    N_("pending"), N_("upheld"), N_("rejected"), N_("counter_notice"), N_("verified"),
    # appeals: the case kind, who appeals, what they contest
    N_("appeal"), N_("notifier"), N_("disabling"), N_("removal"), N_("strike"),
    N_("suspension"), N_("termination"), N_("decided"), N_("safety_alert"),
    # types of rights
    N_("trademark"), N_("personal_rights"),
    # statements of reasons: restrictions, sources, how automated the decision was
    N_("hold"), N_("demotion"), N_("trusted_flagger"), N_("other_notification"),
    N_("own_initiative"), N_("fully"), N_("partially"), N_("not"),
    # the programme report: case kinds, and what authorities send
    N_("safety"), N_("order"), N_("consumer"),
    # Buyer Protection: the claim's case kind, its reasons, who writes, the decisions
    N_("buyer_claim"), N_("not_received"), N_("not_as_described"), N_("damaged"),
    N_("incomplete"), N_("return_not_refunded"), N_("buyer"), N_("platform"),
    N_("compensate"), N_("partial"), N_("reject"),
)
