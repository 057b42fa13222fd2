"""The ground of a restriction (DSA art. 17(3)(d)/(e)): the law an offer breaks, or the clause
of the marketplace's terms, with the Transparency Database's category and keywords.

Derived from the decision's reason code first (a moderator's reason names the infringement),
then from its statement category (what a rule declares); what neither names falls to the
terms and conditions.
"""

from __future__ import annotations

from dataclasses import dataclass

from moderation.domain import CaseReason, StatementCategory, StatementGround

_IP = StatementCategory.INTELLECTUAL_PROPERTY.value
_UNSAFE = StatementCategory.UNSAFE_AND_PROHIBITED.value
_SCAMS = StatementCategory.SCAMS_AND_FRAUD.value
_CONSUMER = StatementCategory.CONSUMER_INFORMATION.value
_OTHER_TC = StatementCategory.OTHER_VIOLATION_TC.value

# The marketplace's terms and conditions, as statements cite them.
TERMS = "Regulamin serwisu, § 7 i Załącznik nr 1 (przedmioty zakazane i naruszające prawa)"
TERMS_REPEAT_INFRINGERS = "Regulamin serwisu, § 9 (powtarzające się naruszenia, art. 23 DSA)"


@dataclass(frozen=True, slots=True)
class Ground:
    """What a statement cites: `key` names the explanation the templates give."""

    key: str
    ground: StatementGround
    category: str
    keywords: tuple[str, ...]
    legal_ground: str | None = None  # the law, for illegal content
    terms_ground: str = TERMS


TRADEMARK = Ground(
    "trademark", StatementGround.ILLEGAL, _IP, ("KEYWORD_TRADEMARK_INFRINGEMENT",),
    "Rozporządzenie (UE) 2017/1001 w sprawie znaku towarowego Unii Europejskiej, art. 9; "
    "ustawa z dnia 30 czerwca 2000 r. – Prawo własności przemysłowej, art. 296")
COPYRIGHT = Ground(
    "copyright", StatementGround.ILLEGAL, _IP, ("KEYWORD_COPYRIGHT_INFRINGEMENT",),
    "Ustawa z dnia 4 lutego 1994 r. o prawie autorskim i prawach pokrewnych, art. 79; "
    "dyrektywa 2001/29/WE")
DESIGN = Ground(
    "design", StatementGround.ILLEGAL, _IP, ("KEYWORD_DESIGN_INFRINGEMENT",),
    "Rozporządzenie Rady (WE) nr 6/2002 w sprawie wzorów wspólnotowych, art. 19; "
    "ustawa – Prawo własności przemysłowej, art. 105")
PATENT = Ground(
    "patent", StatementGround.ILLEGAL, _IP, ("KEYWORD_PATENT_INFRINGEMENT",),
    "Ustawa z dnia 30 czerwca 2000 r. – Prawo własności przemysłowej, art. 66 i 287")
UNSAFE = Ground(
    "unsafe_product", StatementGround.ILLEGAL, _UNSAFE, ("KEYWORD_UNSAFE_PRODUCTS",),
    "Rozporządzenie (UE) 2023/988 w sprawie ogólnego bezpieczeństwa produktów (GPSR), "
    "art. 5 i 22")
DRUGS = Ground(
    "prohibited_by_law", StatementGround.ILLEGAL, _UNSAFE, ("KEYWORD_PROHIBITED_PRODUCTS",),
    "Ustawa z dnia 29 lipca 2005 r. o przeciwdziałaniu narkomanii")
MEDICINES = Ground(
    "prohibited_by_law", StatementGround.ILLEGAL, _UNSAFE, ("KEYWORD_PROHIBITED_PRODUCTS",),
    "Ustawa z dnia 6 września 2001 r. – Prawo farmaceutyczne, art. 68")
WEAPONS = Ground(
    "prohibited_by_law", StatementGround.ILLEGAL, _UNSAFE, ("KEYWORD_PROHIBITED_PRODUCTS",),
    "Ustawa z dnia 21 maja 1999 r. o broni i amunicji")
PROHIBITED = Ground("prohibited_by_terms", StatementGround.TERMS, _UNSAFE,
                    ("KEYWORD_PROHIBITED_PRODUCTS",))
MISLEADING = Ground(
    "misleading", StatementGround.ILLEGAL, _CONSUMER, ("KEYWORD_MISLEADING_INFO_GOODS_SERVICES",),
    "Ustawa z dnia 23 sierpnia 2007 r. o przeciwdziałaniu nieuczciwym praktykom rynkowym, "
    "art. 5; dyrektywa 2005/29/WE")
SCAM = Ground("scam", StatementGround.TERMS, _SCAMS, ("KEYWORD_INAUTHENTIC_LISTINGS",))
OTHER_TERMS = Ground("terms", StatementGround.TERMS, _OTHER_TC, ("KEYWORD_OTHER",))
REPEAT_INFRINGER = Ground("repeat_infringer", StatementGround.TERMS, _OTHER_TC,
                          ("KEYWORD_OTHER",), terms_ground=TERMS_REPEAT_INFRINGERS)

# A moderator's reasons (cases/reasons.py), the holds' reasons, and rules' codes that say
# more than their category does.
BY_REASON: dict[str, Ground] = {
    "COUNTERFEIT": TRADEMARK, "LOGO_MISUSE": TRADEMARK, "IP_INFRINGEMENT": TRADEMARK,
    "COUNTER_NOTICE_REJECTED": TRADEMARK,
    "COPYRIGHT": COPYRIGHT, "PIRACY": COPYRIGHT,
    "DESIGN": DESIGN, "PATENT": PATENT,
    "UNSAFE_PRODUCT": UNSAFE,
    CaseReason.SAFETY_ALERT.value: UNSAFE, CaseReason.AUTHORITY_ORDER.value: UNSAFE,
    CaseReason.SAFETY_ALERT_MATCH.value: UNSAFE, CaseReason.SAFETY_ALERT_POSSIBLE.value: UNSAFE,
    CaseReason.REMOVED_BEFORE.value: UNSAFE,
    CaseReason.SELLER_SUSPENDED.value: REPEAT_INFRINGER,
    "PROHIBITED_ITEM": PROHIBITED,
    "PROHIBITED_DRUGS": DRUGS,
    "PROHIBITED_RX_MEDICINE": MEDICINES,
    "PROHIBITED_FIREARM_NO_PERMIT": WEAPONS, "PROHIBITED_FIREARM_AMMUNITION": WEAPONS,
    "PROHIBITED_AMMUNITION": WEAPONS,
    "SCAM": SCAM,
}
BY_CATEGORY: dict[str, Ground] = {
    _IP: TRADEMARK,
    _UNSAFE: PROHIBITED,
    _CONSUMER: MISLEADING,
    _SCAMS: SCAM,
    _OTHER_TC: OTHER_TERMS,
}


def ground_for(reason_code: str, category: str | None) -> Ground:
    """The ground of a restriction for this reason code and statement category."""
    if reason_code in BY_REASON:
        found = BY_REASON[reason_code]
        # A rule may file a known code under another category: the rule's category stands.
        if category is None or category == found.category:
            return found
    if category in BY_CATEGORY:
        return BY_CATEGORY[category]
    if category is not None:
        # A category with no law of its own here: the terms forbid it, filed as it is.
        return Ground("terms", StatementGround.TERMS, category, ("KEYWORD_OTHER",))
    return OTHER_TERMS
