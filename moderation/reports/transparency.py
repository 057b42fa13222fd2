"""The transparency report (art. 15 and 24 DSA) in the harmonised template of Implementing
Regulation (EU) 2024/2835: the template's rows, in its order, with our figures filled in.

No label of the template is rewritten; only the service, the reporting period, the values and
the contextual information are, and the Member-State scope of section 3 (every authority that
sends orders through this service is Polish). Section 8 gets one block of rows per automated
system after its own-initiative rows, as filers do ("Own-initiative - ...").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.domain import StaffRole, StatementGround
from moderation.reports import accuracy, appeals, measures, notices
from moderation.reports.notices import TOTAL, Figures
from moderation.reports.sql import Period
from moderation.reports.template import PERIOD_PLACEHOLDER, Cell, Sheet, sheets
from moderation.tables import Account

MEMBER_STATES = "PL"
HOURS = "hours"
OWN_INITIATIVE = "Own-initiative "
ACCURACY_INDICATORS = ("Accuracy of the automated means - Accuracy",
                       "Accuracy of the automated means - Precision",
                       "Accuracy of the automated means - Recall")
SOLELY = "Number of measures solely taken by automated means "
NOT_SOLELY = "Number of measures not taken by automated means"
NOTICES_SOLELY = "Number of notices solely processed by automated means "
NOTICES_NOT = "Number of notices not processed by automated means"
QUALITATIVE = {
    "Qualitative description of the automated means":
        "Offers are screened when created or changed by rule packs (versioned data: words, "
        "patterns, prices) and by a text classifier (versioned, signed bundles). A rule may "
        "block; the classifier alone may only send an offer to human review.",
    "Specification of the precise purposes to apply automated means":
        "Detecting counterfeit, unsafe, prohibited and fraudulent offers; matching offers "
        "against product-safety alerts and authorities' orders.",
    "Safeguards applied to the use of automated means":
        "Every automated block is told to the seller with a statement of reasons and may be "
        "appealed; appeals are decided by people. New rule packs and models run in shadow "
        "before they act, and a flood guard stops a rule that suddenly blocks too much.",
    "Qualitative description of indicators of accuracy and possible rate of error of "
    "automated means":
        "Accuracy, precision and recall are estimated on a seeded random sample of "
        "moderators' decisions: the decision is the truth, the screening of the offer the "
        "prediction (see section 8).",
}


@dataclass(frozen=True, slots=True)
class Identification:
    provider: str
    service: str
    published: date
    previous: date | None = None


@dataclass(frozen=True, slots=True)
class FilledSheet:
    sheet: Sheet
    rows: list[list[Cell]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class TransparencyReport:
    period: Period
    sheets: tuple[FilledSheet, ...]
    sample: accuracy.Sample


def _start(row: tuple[str, ...], sheet: Sheet, ident: Identification, period: Period
           ) -> list[Cell]:
    cells: list[Cell] = list(row)
    if "Service" in sheet.header:
        cells[sheet.column("Service")] = ident.service
    if "Reporting period" in sheet.header:
        i = sheet.column("Reporting period")
        if cells[i] == PERIOD_PLACEHOLDER:
            cells[i] = period.label
    return cells


def _category_keys(sheet: Sheet, column: str) -> list[str]:
    """Each row's key: TOTAL, its category, or its category and keyword."""
    keys, parent = [], ""
    for row in sheet.rows:
        code = row[sheet.column(column)]
        if code.startswith("STATEMENT_CATEGORY_"):
            parent = code
            keys.append(code)
        elif code.startswith("KEYWORD_"):
            keys.append(f"{parent}/{code}")
        else:
            parent = ""
            keys.append(code)
    return keys


def _fill_categories(sheet: Sheet, ident: Identification, period: Period, figures: Figures, *,
                     category_column: str, zero: tuple[str, ...], keywords: bool,
                     context: dict[str, str]) -> FilledSheet:
    filled = FilledSheet(sheet)
    for row, key in zip(sheet.rows, _category_keys(sheet, category_column), strict=True):
        cells = _start(row, sheet, ident, period)
        if "Scope" in sheet.header and cells[sheet.column("Scope")] != TOTAL:
            cells[sheet.column("Scope")] = MEMBER_STATES
        if keywords or "/" not in key:
            values = figures.get(key, {})
            for column in zero:
                cells[sheet.column(column)] = values.get(column, 0)
            for column, value in values.items():
                cells[sheet.column(column)] = value
        if key == TOTAL:
            for column, text in context.items():
                cells[sheet.column(column)] = text
        filled.rows.append(cells)
    return filled


def _fill_indicators(sheet: Sheet, ident: Identification, period: Period,
                     values: dict[tuple[str, str], tuple[Cell, str]]) -> FilledSheet:
    filled = FilledSheet(sheet)
    value_at = sheet.column("Value")
    context_at = len(sheet.header) - 1
    for row in sheet.rows:
        cells = _start(row, sheet, ident, period)
        found = values.get((row[sheet.column("Indicator")], row[sheet.column("Scope")]))
        if found is not None:
            cells[value_at], cells[context_at] = found
        filled.rows.append(cells)
    return filled


def _automated(sheet: Sheet, ident: Identification, period: Period, session: Session,
               sample: accuracy.Sample, notices_received: int) -> FilledSheet:
    counts = measures.automated(session, period)
    drawn = (f"estimated on a random sample of {sample.size} of {sample.population} "
             f"moderators' decisions (seed {sample.seed})")
    values: dict[tuple[str, str], tuple[Cell, str]] = {
        (SOLELY, "Total number"): (counts.solely, ""),
        (NOT_SOLELY, "Total number"): (counts.not_solely, ""),
        (SOLELY, OWN_INITIATIVE): (counts.own_solely, ""),
        (NOT_SOLELY, OWN_INITIATIVE): (counts.own_not_solely, ""),
        # Notices are always decided by a person.
        (NOTICES_SOLELY, "NAM Total"): (0, ""),
        (NOTICES_NOT, "NAM Total"): (notices_received, ""),
    }
    for scope, est in (("Total number", sample.overall), (OWN_INITIATIVE, sample.own_initiative)):
        for indicator, ratio in zip(ACCURACY_INDICATORS,
                                    (est.accuracy, est.precision, est.recall), strict=True):
            values[(indicator, scope)] = (ratio, f"{drawn}; {est.sampled} for the screening")
    filled = _fill_indicators(sheet, ident, period, values)
    scope_at = sheet.column("Scope")
    last_own = max(i for i, r in enumerate(sheet.rows) if r[scope_at] == OWN_INITIATIVE)
    template_row = list(sheet.rows[last_own])
    extra: list[list[Cell]] = []
    for est in sample.systems:
        for indicator, ratio in zip(ACCURACY_INDICATORS,
                                    (est.accuracy, est.precision, est.recall), strict=True):
            cells = _start(tuple(template_row), sheet, ident, period)
            cells[sheet.column("Indicator")] = indicator
            cells[scope_at] = f"Own-initiative - {est.system}"
            cells[sheet.column("Value")] = ratio
            cells[len(sheet.header) - 1] = f"{drawn}; {est.sampled} for this system"
            extra.append(cells)
    filled.rows[last_own + 1:last_own + 1] = extra
    return filled


def build(session: Session, period: Period, ident: Identification, *,
          sample_size: int = accuracy.DEFAULT_SAMPLE, seed: int = accuracy.DEFAULT_SEED
          ) -> TransparencyReport:
    """Compute every section for the period and fill the template with it."""
    by_name = {s.name: s for s in sheets()}
    out: list[FilledSheet] = []
    ident_values = {
        "Name of the service provider": ident.provider,
        "Date of the publication of the report": ident.published.isoformat(),
        "Date of the publication of the latest previous report":
            ident.previous.isoformat() if ident.previous else "",
        "Starting date of reporting period": period.first.isoformat(),
        "Ending date of reporting period": period.last.isoformat(),
    }
    first = FilledSheet(by_name["1_report_identification"])
    for row in first.sheet.rows:
        cells = _start(row, first.sheet, ident, period)
        cells[first.sheet.column("Value")] = ident_values.get(row[2], "")
        first.rows.append(cells)
    out.append(first)
    second = by_name["2_categories_names"]
    out.append(FilledSheet(second, [list(r) for r in second.rows]))
    orders = notices.orders(session, period)
    out.append(_fill_categories(
        by_name["3_member_states_orders"], ident, period, orders,
        category_column="Category of illegal content", keywords=True,
        zero=("Number of orders to act against illegal content received",
              "Number of orders to provide information"),
        context={"Contextual information on Median time to inform the authority of the "
                 "receipt of the order to act against illegal content":
                 f"{HOURS}, until the acknowledgement was sent",
                 "Contextual information on Median time to give effect to the order to act "
                 "against illegal content":
                 f"{HOURS}, until every offer found for the order was decided"}))
    notice_figures = notices.notices(session, period)
    out.append(_fill_categories(
        by_name["4_notices"], ident, period, notice_figures,
        category_column="Category of illegal content", keywords=True,
        zero=("Number of notices received ", "Number of notices received from Trusted flaggers"),
        context={"Contextual information on Median time to take action":
                 f"{HOURS}, from the notice to the removal of each offer it named; "
                 "notices of rights holders and of authorities"}))
    own = measures.own_initiative(session, period)
    for name, ground, column in (
            ("5_own_initiative_illegal", StatementGround.ILLEGAL, "Category of illegal content"),
            ("6_own_initiative_TC", StatementGround.TERMS,
             "Category of incompatibility with the provider's terms and conditions")):
        out.append(_fill_categories(
            by_name[name], ident, period, own.get(ground.value, {}), category_column=column,
            keywords=False, zero=(measures.MEASURES, measures.AUTOMATED_DETECTION),
            context={}))
    out.append(_fill_indicators(by_name["7_appeals_and_recidivism"], ident, period,
                                appeals.appeals(session, period)))
    sample = accuracy.estimate(session, period, size=sample_size, seed=seed)
    received = notice_figures.get(TOTAL, {}).get("Number of notices received ", 0)
    out.append(_automated(by_name["8_automated_means"], ident, period, session, sample,
                          int(received or 0)))
    moderators = session.scalar(select(func.count()).select_from(Account).where(
        Account.active, Account.role.in_((StaffRole.MODERATOR.value, StaffRole.LEAD.value))))
    out.append(_fill_indicators(by_name["9_human_resources"], ident, period, {
        ("Number of internal moderators employed by the provider", "Total number"):
            (int(moderators or 0), "active moderator and lead accounts at the time of the report"),
    }))
    tenth = by_name["10_AMAR"]
    out.append(FilledSheet(tenth, [_start(r, tenth, ident, period) for r in tenth.rows]))
    eleventh = by_name["11_qualitative"]
    text_rows = []
    for row in eleventh.rows:
        cells = _start(row, eleventh, ident, period)
        cells[eleventh.column("Value")] = QUALITATIVE.get(row[eleventh.column("Indicator")], "")
        text_rows.append(cells)
    out.append(FilledSheet(eleventh, text_rows))
    return TransparencyReport(period=period, sheets=tuple(out), sample=sample)
