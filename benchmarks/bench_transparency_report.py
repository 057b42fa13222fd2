"""The transparency report on 1,000,000 decisions in PostgreSQL: median run time of N runs,
against a reference query over the same tables in the same run.

    .venv/bin/python benchmarks/bench_transparency_report.py [--url URL] [--decisions 1000000]
        [--runs 3] [--sample 1000]

The database (default `BENCH_DATABASE_URL`, else postgresql+psycopg://postgres@127.0.0.1/bench)
is migrated, and filled once with generated rows (generate_series, in SQL) up to the number of
decisions asked for: sellers, offers, screenings, one case and one decision per offer (screening,
notice and safety cases), statements for the removals, notices with their items, authority
orders with their matches and acknowledgements, appeals. Rows already there are kept; nothing
is dropped or deleted. The reference is one GROUP BY over decisions joined to cases.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse
import statistics
import time
from datetime import date

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from moderation.migrate import upgrade
from moderation.reports import transparency
from moderation.reports.sql import Period

DEFAULT_URL = os.environ.get("BENCH_DATABASE_URL",
                             "postgresql+psycopg://postgres@127.0.0.1:5432/bench")
YEAR = Period(date(2025, 1, 1), date(2025, 12, 31))
# One statement per removal; a notice behind 15 % of the cases, an order behind 0.2 %.
FILL = """
INSERT INTO sellers (external_id, activated, strikes, created_at)
SELECT 'bench-s-' || g, true, 0, now() FROM generate_series(1, CAST(:sellers AS int)) g
ON CONFLICT DO NOTHING;
INSERT INTO organisations (name, kind, created_at)
SELECT 'bench-org-' || g, CASE WHEN g <= 5 THEN 'rights_holder' ELSE 'authority' END, now()
FROM generate_series(1, 10) g ON CONFLICT DO NOTHING;
INSERT INTO rights (organisation_id, type, office, number, owner, territory, brands, keywords,
                    agent, status, review_note, created_at, updated_at)
SELECT o.id, 'trademark', 'EUIPO', 'bench-' || o.id, 'Brand', 'EU', '[]', '[]', false,
       'verified', '', now(), now()
FROM organisations o WHERE o.name LIKE 'bench-org-%' AND o.kind = 'rights_holder'
ON CONFLICT DO NOTHING;
CREATE TEMP TABLE bench_n AS
SELECT g AS n, timestamptz '2025-01-01' + (g % 364) * interval '1 day'
       + (g % 86400) * interval '1 second' AS t0
FROM generate_series(CAST(:start AS bigint), CAST(:stop AS bigint)) g;
INSERT INTO offers (marketplace_id, seller_id, version, title, description, gtins,
                    barcode_flags, status, needs_screening, created_at, updated_at)
SELECT 'bench-o-' || n, (SELECT min(id) FROM sellers) + n % CAST(:sellers AS int), 1,
       'Offer ' || n, '',
       '[]', '[]', CASE WHEN n % 3 = 0 THEN 'removed' ELSE 'active' END, false, t0, t0
FROM bench_n;
INSERT INTO screenings (offer_id, offer_version, route, reason_code, hits, score,
                        score_features, rules_version, model_version, created_at)
SELECT o.id, 1, CASE WHEN b.n % 10 < 7 THEN 'review' WHEN b.n % 10 < 9 THEN 'allow'
                     ELSE 'block' END,
       CASE WHEN b.n % 10 = 5 THEN 'MODEL_SCORE' ELSE 'COUNTERFEIT' END, '[]', 0.5, '[]',
       'rules-' || (b.n % 3), 'model-' || (b.n % 2), b.t0
FROM bench_n b JOIN offers o ON o.marketplace_id = 'bench-o-' || b.n;
INSERT INTO cases (kind, offer_id, screening_id, status, priority, reason_code, source, due_at,
                   opened_at, closed_at)
SELECT CASE WHEN b.n % 100 < 80 THEN 'screening' WHEN b.n % 100 < 95 THEN 'notice'
            WHEN b.n % 100 < 99 THEN 'safety' ELSE 'appeal' END,
       o.id, s.id, 'closed', 3, 'TEST', 'rules', b.t0 + interval '1 day', b.t0,
       b.t0 + (b.n % 600) * interval '1 minute'
FROM bench_n b JOIN offers o ON o.marketplace_id = 'bench-o-' || b.n
JOIN screenings s ON s.offer_id = o.id;
INSERT INTO decisions (case_id, offer_id, action, reason_code, statement_category, note,
                       automated, decided_at)
SELECT c.id, c.offer_id,
       CASE WHEN c.kind = 'appeal' THEN 'keep' WHEN o.status = 'removed' THEN 'remove'
            ELSE 'keep' END,
       CASE WHEN c.kind = 'appeal' THEN
            CASE WHEN c.id % 4 = 0 THEN 'APPEAL_UPHELD' ELSE 'APPEAL_REJECTED' END
            ELSE 'COUNTERFEIT' END,
       'STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS', '', c.id % 20 = 0, c.closed_at
FROM cases c JOIN offers o ON o.id = c.offer_id
WHERE o.marketplace_id LIKE 'bench-o-%' AND c.id > coalesce(
    (SELECT max(case_id) FROM decisions), 0);
INSERT INTO statements (puid, subject, restriction, decision_id, offer_id, seller_id,
                        territorial_scope, starts_at, ground, category, category_specification,
                        source_type, automated_detection, automated_decision, language, content,
                        facts, created_at)
SELECT 'bench-' || d.id, 'offer', CASE WHEN d.id % 7 = 0 THEN 'disabling' ELSE 'removal' END,
       d.id, d.offer_id, o.seller_id, '["PL"]', d.decided_at,
       CASE WHEN d.id % 5 = 0 THEN 'terms' ELSE 'illegal' END,
       CASE WHEN d.id % 2 = 0 THEN 'STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS'
            ELSE 'STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS' END, '[]',
       CASE WHEN c.kind = 'notice' THEN 'notice' ELSE 'own_initiative' END,
       c.kind = 'screening', CASE WHEN d.automated THEN 'fully' ELSE 'partially' END, 'pl',
       '{}', '', d.decided_at
FROM decisions d JOIN cases c ON c.id = d.case_id JOIN offers o ON o.id = d.offer_id
WHERE d.action = 'remove' AND o.marketplace_id LIKE 'bench-o-%'
ON CONFLICT DO NOTHING;
INSERT INTO notices (reference, organisation_id, right_id, kind, explanation, notifier_name,
                     notifier_email, good_faith, fast_track, status, received_at)
SELECT 'bench-n-' || c.id, r.organisation_id, r.id,
       CASE WHEN c.id % 3 = 0 THEN 'copyright' ELSE 'counterfeit' END, '', 'n', 'n@example.com',
       true, c.id % 10 = 0, 'closed', c.opened_at
FROM cases c JOIN offers o ON o.id = c.offer_id
JOIN LATERAL (SELECT * FROM rights WHERE number LIKE 'bench-%' ORDER BY id LIMIT 1) r ON true
WHERE c.kind = 'notice' AND o.marketplace_id LIKE 'bench-o-%'
ON CONFLICT DO NOTHING;
INSERT INTO notice_items (notice_id, offer_id, case_id, outcome, manifestly_unfounded,
                          decided_at)
SELECT n.id, c.offer_id, c.id,
       CASE WHEN d.action = 'remove' THEN 'upheld' ELSE 'rejected' END, false, d.decided_at
FROM notices n JOIN cases c ON n.reference = 'bench-n-' || c.id
JOIN decisions d ON d.case_id = c.id
ON CONFLICT DO NOTHING;
"""
ORDERS = """
INSERT INTO safety_alerts (source, number, kind, product, name, brand, model, brand_key,
                           model_key, batch, category, risk_type, risk_level, description,
                           measures, legal_basis, country_of_origin, url, raw, status,
                           received_at, matched_at, updated_at)
SELECT 'authority', 'bench-' || c.id, CASE WHEN c.id % 3 = 0 THEN 'notice' ELSE 'order' END,
       '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '{}', 'active',
       c.opened_at, c.opened_at, c.opened_at
FROM cases c JOIN offers o ON o.id = c.offer_id
WHERE c.kind = 'safety' AND c.id % 10 = 0 AND o.marketplace_id LIKE 'bench-o-%'
ON CONFLICT DO NOTHING;
INSERT INTO safety_matches (alert_id, offer_id, score, confidence, fields, case_id, created_at)
SELECT a.id, c.offer_id, 1.0, 'high', '[]', c.id, c.opened_at
FROM safety_alerts a JOIN cases c ON a.number = 'bench-' || c.id
ON CONFLICT DO NOTHING;
INSERT INTO outbox (kind, recipient, payload, status, attempts, created_at, sent_at)
SELECT 'authority.acknowledgement', 'email:a@example.com',
       json_build_object('order_id', a.id), 'sent', 1, a.received_at,
       a.received_at + (a.id % 90) * interval '1 second'
FROM safety_alerts a WHERE a.number LIKE 'bench-%'
  AND NOT EXISTS (SELECT 1 FROM outbox m WHERE m.kind = 'authority.acknowledgement'
                  AND (m.payload->>'order_id')::bigint = a.id);
ANALYZE;
"""
REFERENCE = """
SELECT c.kind, d.action, count(*) FROM decisions d JOIN cases c ON c.id = d.case_id
WHERE d.decided_at >= '2025-01-01' AND d.decided_at < '2026-01-01' GROUP BY c.kind, d.action
"""


def fill(engine: Engine, decisions: int) -> int:
    """Generate rows until there are this many bench decisions; return how many there are."""
    with engine.begin() as conn:
        have = conn.execute(text(
            "SELECT count(*) FROM offers WHERE marketplace_id LIKE 'bench-o-%'")).scalar_one()
    if have < decisions:
        started = time.perf_counter()
        with engine.begin() as conn:
            for statement in FILL.split(";\n"):
                if statement.strip():
                    conn.execute(text(statement), {"sellers": 10_000, "start": have + 1,
                                                   "stop": decisions})
        with engine.begin() as conn:
            for statement in ORDERS.split(";\n"):
                if statement.strip():
                    conn.execute(text(statement))
        print(f"generated {decisions - have} offers, cases and decisions in "
              f"{time.perf_counter() - started:.0f} s")
    with engine.begin() as conn:
        return int(conn.execute(text("SELECT count(*) FROM decisions")).scalar_one())


def timed(fn: object, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--decisions", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sample", type=int, default=1_000)
    args = parser.parse_args()
    upgrade(args.url)
    engine = create_engine(args.url)
    total = fill(engine, args.decisions)
    ident = transparency.Identification(provider="Bench", service="Bench",
                                        published=date(2026, 2, 1))

    def report() -> None:
        with Session(engine) as session:
            transparency.build(session, YEAR, ident, sample_size=args.sample)

    def reference() -> None:
        with engine.connect() as conn:
            conn.execute(text(REFERENCE)).all()

    report_times = timed(report, args.runs)
    reference_times = timed(reference, args.runs)
    print(f"decisions in the database: {total:,}")
    print(f"transparency report, median of {args.runs}: {statistics.median(report_times):.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in report_times)})")
    print(f"reference GROUP BY over decisions x cases, median of {args.runs}: "
          f"{statistics.median(reference_times):.2f} s")


if __name__ == "__main__":
    main()
