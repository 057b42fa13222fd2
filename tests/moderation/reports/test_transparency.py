"""The transparency report on a small dataset whose figures were worked out by hand, and its
files read back against the template (copied into the repo) and the real filings' shape."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from moderation.db import make_engine
from moderation.reports import accuracy, export, transparency
from moderation.reports.sql import Period
from moderation.reports.template import sheets
from moderation.tables import Base
from tests import report_builders as rb

MARCH = Period(date(2025, 3, 1), date(2025, 3, 31))
IDENT = transparency.Identification(provider="Test Sp. z o.o.", service="Test Marketplace",
                                    published=date(2025, 4, 30))
IP = "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS"
UNSAFE = "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS"
SCAMS = "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"
SHAPE = Path(__file__).parents[2] / "data" / "dsa_filings" / "shape.json"


def seed(session: Session) -> None:
    """Two orders, two notices (one trusted), own-initiative statements, two appeals, two
    suspensions, four screened decisions; and one of each outside March."""
    s = rb.seller(session)
    o1, o2, o3, o4, o5, o6, o7, o8 = (rb.offer(session, s) for _ in range(8))
    # Orders: acknowledged after 0.5 h and 1 h; given effect after 4 h and 0.1 h (no offer).
    a1 = rb.authority_alert(session, kind="order", received="2025-03-10 10:00",
                            matched="2025-03-10 10:05", acknowledged="2025-03-10 10:30")
    rb.match(session, a1, rb.case(session, o7, kind="safety", opened="2025-03-10 10:05",
                                  closed="2025-03-10 12:00"))
    rb.match(session, a1, rb.case(session, o8, kind="safety", opened="2025-03-10 10:05",
                                  closed="2025-03-10 14:00"))
    rb.authority_alert(session, kind="order", received="2025-03-11 08:00",
                       matched="2025-03-11 08:06", acknowledged="2025-03-11 09:00")
    rb.authority_alert(session, kind="order", received="2025-02-10 08:00",
                       matched="2025-02-10 08:06", acknowledged="2025-02-10 09:00")
    # Notices: N1 (counterfeit) names o1 (removed after 6 h) and o2 (kept); N2 (copyright,
    # trusted) names o3, removed after 2 h on the terms.
    org = rb.organisation(session, "rights_holder")
    held = rb.right(session, org)
    rb.screening(session, o1, route="allow", reason="CLEAN", when="2025-03-01 08:00")
    n1 = rb.notice(session, org, held, kind="counterfeit", received="2025-03-05 09:00")
    c1 = rb.case(session, o1, kind="notice", opened="2025-03-05 09:00", closed="2025-03-05 15:00")
    d1 = rb.decision(session, c1, action="remove", when="2025-03-05 15:00")
    rb.notice_item(session, n1, c1, outcome="upheld", decided="2025-03-05 15:00")
    c2 = rb.case(session, o2, kind="notice", opened="2025-03-05 09:00", closed="2025-03-06 09:00")
    rb.decision(session, c2, action="keep", when="2025-03-06 09:00")
    rb.notice_item(session, n1, c2, outcome="rejected", decided="2025-03-06 09:00")
    n2 = rb.notice(session, org, held, kind="copyright", received="2025-03-07 10:00",
                   trusted=True)
    c3 = rb.case(session, o3, kind="notice", opened="2025-03-07 10:00", closed="2025-03-07 12:00")
    d3 = rb.decision(session, c3, action="remove", when="2025-03-07 12:00")
    rb.notice_item(session, n2, c3, outcome="upheld", decided="2025-03-07 12:00")
    rb.statement(session, s, when="2025-03-07 12:00", ground="terms", category=IP,
                 restriction="removal", source="trusted_flagger", decided=d3)
    rb.notice(session, org, held, kind="counterfeit", received="2025-04-01 09:00")
    # Own initiative: three on the law, one on the terms; a strike and April's left out.
    for ground, category, restriction, detected, automated in (
            ("illegal", UNSAFE, "disabling", True, "fully"),
            ("illegal", UNSAFE, "removal", True, "partially"),
            ("illegal", IP, "removal", False, "not"),
            ("terms", SCAMS, "hold", True, "fully")):
        rb.statement(session, s, when="2025-03-12 10:00", ground=ground, category=category,
                     restriction=restriction, detected=detected, automated=automated)
    rb.statement(session, s, when="2025-03-12 10:00", ground="illegal", category=IP,
                 restriction="strike", subject="account", decided=d1)
    rb.statement(session, s, when="2025-04-02 10:00", ground="illegal", category=UNSAFE,
                 restriction="removal", automated="fully")
    # Appeals: the seller against o1's removal (confirmed after 10 h), the notifier against
    # o2 being kept (reversed after 4 h: a new restriction).
    rb.decision(session, rb.case(session, o1, kind="appeal", opened="2025-03-08 10:00",
                                 closed="2025-03-08 20:00"),
                action="keep", reason="APPEAL_REJECTED", when="2025-03-08 20:00")
    rb.decision(session, rb.case(session, o2, kind="appeal", opened="2025-03-09 00:00",
                                 closed="2025-03-09 04:00"),
                action="remove", reason="APPEAL_UPHELD", when="2025-03-09 04:00")
    rb.audited(session, "seller.suspended", "2025-03-20 10:00")
    rb.audited(session, "notifier.suspended", "2025-03-21 10:00")
    rb.audited(session, "seller.suspended", "2025-04-20 10:00")
    # Screened offers decided by moderators: a rule right (o4), the model wrong (o5) and
    # right where the rules missed (o6).
    for on, reason, action in ((o4, "COUNTERFEIT", "remove"), (o5, "MODEL_SCORE", "keep"),
                               (o6, "MODEL_SCORE", "remove")):
        scr = rb.screening(session, on, route="review", reason=reason, when="2025-03-14 08:00")
        rb.decision(session, rb.case(session, on, kind="screening", opened="2025-03-14 08:00",
                                     closed="2025-03-14 09:00", screening=scr),
                    action=action, when="2025-03-14 09:00")


def _rows(report: transparency.TransparencyReport, name: str) -> list[list[Any]]:
    filled = next(f for f in report.sheets if f.sheet.name == name)
    return [dict(zip(filled.sheet.header, r, strict=True)) for r in filled.rows]  # type: ignore[misc]


def _by_category(rows: list[dict[str, Any]], column: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    parent = ""
    for row in rows:
        code = row[column]
        if code.startswith("STATEMENT_CATEGORY_"):
            parent = code
        key = f"{parent}/{code}" if code.startswith("KEYWORD_") else code
        if row.get("Scope", "TOTAL") == "TOTAL":
            found[key] = row
    return found


@pytest.fixture
def report(session: Session) -> transparency.TransparencyReport:
    seed(session)
    return transparency.build(session, MARCH, IDENT)


CATEGORY = "Category of illegal content"
ORDERS = [  # (row, column, value)
    ("TOTAL", "Number of orders to act against illegal content received", 2),
    ("TOTAL", "Number of specific items of information included in the total number of orders "
              "to act against illegal content", 2),
    ("TOTAL", "Median time to inform the authority of the receipt of the order to act against "
              "illegal content", 0.75),
    ("TOTAL", "Median time to give effect to the order to act against illegal content", 2.05),
    (UNSAFE, "Number of orders to act against illegal content received", 2),
    (f"{UNSAFE}/KEYWORD_UNSAFE_PRODUCTS",
     "Number of orders to act against illegal content received", 2),
    (IP, "Number of orders to act against illegal content received", 0),
    ("TOTAL", "Number of orders to provide information", 0),
]
NOTICES = [
    ("TOTAL", "Number of notices received ", 2),
    ("TOTAL", "Number of notices received from Trusted flaggers", 1),
    ("TOTAL", "Number of specific items of information included in the total number of notices",
     3),
    ("TOTAL", "Median time to take action", 4.0),
    ("TOTAL", "Median time to take action (Trusted Flagger notices)", 2.0),
    ("TOTAL", "Number of actions taken on the basis of the law", 1),
    ("TOTAL", "Number of actions taken on the basis of the terms and conditions of the service",
     1),
    ("TOTAL", "Number of actions taken on the basis of the terms and conditions of the service "
              "(Trusted Flagger notices)", 1),
    (IP, "Number of notices received ", 2),
    (f"{IP}/KEYWORD_TRADEMARK_INFRINGEMENT", "Number of notices received ", 1),
    (f"{IP}/KEYWORD_TRADEMARK_INFRINGEMENT", "Median time to take action", 6.0),
    (f"{IP}/KEYWORD_COPYRIGHT_INFRINGEMENT", "Median time to take action", 2.0),
    (f"{IP}/KEYWORD_COPYRIGHT_INFRINGEMENT", "Number of notices received from Trusted flaggers",
     1),
    (UNSAFE, "Number of notices received ", 0),
]
OWN_ILLEGAL = [
    ("TOTAL", "Number of measures taken at the provider's own initiative ", 3),
    ("TOTAL", "Number of measures taken after detection with solely automated means ", 2),
    ("TOTAL", "Visibility restriction Removal", 2),
    ("TOTAL", "Visibility restriction Disable", 1),
    (UNSAFE, "Number of measures taken at the provider's own initiative ", 2),
    (UNSAFE, "Visibility restriction Disable", 1),
    (IP, "Number of measures taken after detection with solely automated means ", 0),
    (IP, "Visibility restriction Removal", 1),
    (SCAMS, "Number of measures taken at the provider's own initiative ", 0),
]
OWN_TERMS = [
    ("TOTAL", "Number of measures taken at the provider's own initiative ", 1),
    ("TOTAL", "Visibility restriction Other", 1),
    (SCAMS, "Number of measures taken after detection with solely automated means ", 1),
]


@pytest.mark.parametrize(("sheet", "category", "expected"), [
    ("3_member_states_orders", CATEGORY, ORDERS),
    ("4_notices", CATEGORY, NOTICES),
    ("5_own_initiative_illegal", CATEGORY, OWN_ILLEGAL),
    ("6_own_initiative_TC",
     "Category of incompatibility with the provider's terms and conditions", OWN_TERMS),
])
def test_category_sections_count_what_was_seeded(
        report: transparency.TransparencyReport, sheet: str, category: str,
        expected: list[tuple[str, str, Any]]) -> None:
    rows = _by_category(_rows(report, sheet), category)
    got = [(key, column, rows[key][column]) for key, column, _ in expected]
    assert got == expected


INDICATORS = [  # (sheet, indicator, scope, value)
    ("7_appeals_and_recidivism",
     "Number of complaints submitted to the internal-complaints mechanism", "Total number", 2),
    ("7_appeals_and_recidivism",
     "Number of complaints submitted to the internal-complaints mechanism", "Decisions upheld",
     1),
    ("7_appeals_and_recidivism",
     "Number of complaints submitted to the internal-complaints mechanism",
     "Decisions reversed", 1),
    ("7_appeals_and_recidivism",
     "Number of complaints submitted to the internal-complaints mechanism", "Median time", 7.0),
    ("7_appeals_and_recidivism",
     "Number of restrictions newly imposed as a result of an internal complaint",
     "Total number", 1),
    ("7_appeals_and_recidivism",
     "Complaint regarding a decision to remove or disable access to or restrict visibility of "
     "information", "Median time", 10.0),
    ("7_appeals_and_recidivism",
     "Complaint regarding a decision not to take action on a notice submitted in accordance "
     "with Article 16", "Decisions reversed", 1),
    ("7_appeals_and_recidivism",
     "Number of suspensions enacted for the provision of manifestly illegal content ",
     "Total number", 1),
    ("7_appeals_and_recidivism",
     "Number of suspensions enacted for the provision of manifestly unfounded notices",
     "Total number", 1),
    ("8_automated_means", "Number of measures solely taken by automated means ", "Total number",
     2),
    ("8_automated_means", "Number of measures not taken by automated means", "Total number", 3),
    ("8_automated_means", "Number of measures not taken by automated means", "Own-initiative ",
     2),
    ("8_automated_means", "Accuracy of the automated means - Accuracy", "Total number", 0.5),
    ("8_automated_means", "Accuracy of the automated means - Precision", "Total number", 0.6667),
    ("8_automated_means", "Accuracy of the automated means - Recall", "Own-initiative ", 1.0),
    ("8_automated_means", "Accuracy of the automated means - Precision",
     "Own-initiative - rules r1", 1.0),
    ("8_automated_means", "Accuracy of the automated means - Recall",
     "Own-initiative - rules r1", 0.3333),
    ("8_automated_means", "Accuracy of the automated means - Accuracy",
     "Own-initiative - model m1", 0.3333),
    ("8_automated_means", "Accuracy of the automated means - Precision",
     "Own-initiative - model m1", 0.5),
    ("8_automated_means", "Number of notices not processed by automated means", "NAM Total", 2),
]


@pytest.mark.parametrize(("sheet", "indicator", "scope", "expected"), INDICATORS)
def test_indicator_sections_count_what_was_seeded(
        report: transparency.TransparencyReport, sheet: str, indicator: str, scope: str,
        expected: Any) -> None:
    values = [r["Value"] for r in _rows(report, sheet)
              if r["Indicator"] == indicator and r["Scope"] == scope]
    assert values == [expected]


def test_the_accuracy_sample_is_seeded_and_its_size_stated(session: Session) -> None:
    seed(session)
    full = accuracy.estimate(session, MARCH)
    assert (full.size, full.population) == (4, 6)  # two notice cases have no screening
    small = [accuracy.estimate(session, MARCH, size=2, seed=7) for _ in range(2)]
    assert small[0] == small[1] and small[0].size == 2
    report = transparency.build(session, MARCH, IDENT, sample_size=2, seed=7)
    context = [r["Contextual Information"] for r in _rows(report, "8_automated_means")
               if r["Indicator"] == "Accuracy of the automated means - Accuracy"
               and r["Scope"] == "Total number"]
    assert context[0].startswith("estimated on a random sample of 2 of 6 moderators' decisions")


def _template_rows_in_order(template: list[tuple[str, ...]], ours: list[list[str]],
                            labels: list[int]) -> bool:
    """Whether the template's rows appear in ours in order, their label columns unchanged."""
    it = iter(ours)
    return all(any([r[i] for i in labels] == [t[i] for i in labels] for r in it)
               for t in template)


def test_the_csv_files_have_the_templates_names_headers_and_rows(
        report: transparency.TransparencyReport, tmp_path: Path) -> None:
    files = export.write_csv(report, tmp_path)
    assert [f.name for f in files] == [s.part for s in sheets()]
    for sheet, path in zip(sheets(), files, strict=True):
        with path.open(newline="", encoding="utf-8") as fh:
            header, *rows = list(csv.reader(fh))
        assert tuple(header) == sheet.header, sheet.name
        labels = [i for i, h in enumerate(sheet.header)
                  if h in ("Applicability", "Indicator", "Section", "Category label",
                           "Category of illegal content",
                           "Category of incompatibility with the provider's terms and "
                           "conditions")]
        assert _template_rows_in_order(list(sheet.rows), rows, labels), sheet.name
        extra = len(rows) - len(sheet.rows)
        if sheet.name == "8_automated_means":
            assert extra == 3 * 2  # a rule pack and a model version, three ratios each
        else:
            assert extra == 0, sheet.name
        period = sheet.header.index("Reporting period") if "Reporting period" in sheet.header \
            else None
        if period is not None:
            assert {r[period] for r in rows} == {"2025-03-01/2025-03-31"}


def test_the_workbook_has_the_templates_sheets_in_order_with_exact_headers(
        report: transparency.TransparencyReport, tmp_path: Path) -> None:
    book = load_workbook(export.write_xlsx(report, tmp_path / "report.xlsx"))
    assert book.sheetnames == [s.name for s in sheets()]
    for sheet in sheets():
        ws = book[sheet.name]
        header = next(ws.iter_rows(max_row=1, values_only=True))
        assert tuple(header) == sheet.header, sheet.name
        assert ws.max_row - 1 >= len(sheet.rows)
    ws = book["3_member_states_orders"]
    cell = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[3] == "TOTAL")
    assert cell[6] == 2 and cell[8] == 0.75  # numbers stay numbers


def test_our_headers_reproduce_the_real_filings_where_they_follow_the_template(
        report: transparency.TransparencyReport) -> None:
    filings = json.loads(SHAPE.read_text(encoding="utf-8"))
    ours = {s.part.split("_Part_")[1].split("_")[0]: s.header for s in sheets()}
    same = total = following = 0
    off_template = []
    for platform, parts in filings.items():
        for name, shape in parts.items():
            header = [h.strip() for h in ours[str(int(name[:2]))]]
            total += len(shape["header"])
            if shape["header"] != header:
                off_template.append(f"{platform}/{name}")
                continue
            following += len(header)
            same += sum(1 for a, b in zip(shape["header"], header, strict=True) if a == b)
    print(f"real filings' headers our export reproduces: {same}/{total} ({same / total:.1%}); "
          f"where the filing follows the template: {same}/{following} "
          f"({same / following:.1%}); not following it: {off_template}")
    assert same == following
    assert off_template == ["vinted/03_member_states_orders.csv"]
    ceneo_manomano = [s for p in ("ceneo", "manomano") for s in filings[p].values()]
    assert all(len(s["header"]) == len(ours[str(i)]) for s, i in
               zip(ceneo_manomano, [int(n[:2]) for p in ("ceneo", "manomano")
                                    for n in filings[p]], strict=True))


def test_sqlite_gives_the_same_report(report: transparency.TransparencyReport,
                                      tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'report.db'}")
    Base.metadata.create_all(engine)
    with Session(engine) as lite:
        seed(lite)
        on_sqlite = transparency.build(lite, MARCH, IDENT)
    engine.dispose()
    for ours, theirs in zip(report.sheets, on_sqlite.sheets, strict=True):
        assert ours.rows == theirs.rows, ours.sheet.name
