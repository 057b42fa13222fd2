"""The RuleSet: examples, batch versus single, evidence spans, extension, shipped behaviour."""

from __future__ import annotations

import random

import pytest

from rules.engine import RuleSet
from rules.errors import RulePackError
from rules.examples import ExampleFailure, run_examples
from rules.loader import parse_rules
from rules.offer_dict import offer_from_dict
from rules.types import OfferText, Outcome
from tests.rules.conftest import pack, rule, ruleset_of


def test_shipped_examples_all_pass(shipped: RuleSet) -> None:
    assert run_examples(shipped) == []


def test_a_failing_example_is_reported() -> None:
    ruleset = ruleset_of(rule({"phrases": ["replika"]}, "t.wrong", examples={
        "match": [{"title": "Zegarek oryginalny"}, {"title": "Zegarek replika"}],
        "no_match": [{"title": "Torebka REPLIKA"}],
    }))
    failures = run_examples(ruleset)
    assert failures == [
        ExampleFailure("t.wrong", "test.yaml", {"title": "Zegarek oryginalny"}, "match",
                       "no hit"),
        ExampleFailure("t.wrong", "test.yaml", {"title": "Torebka REPLIKA"}, "no_match",
                       "hit: title 'REPLIKA'"),
    ]
    assert "expected match, got no hit: 'Zegarek oryginalny'" in str(failures[0])


def _offers(shipped: RuleSet) -> list[OfferText]:
    """Every example of the shipped packs, plus seeded mixtures of their titles."""
    examples = [offer_from_dict(e) for r in shipped.rules
                for e in (*r.examples.match, *r.examples.no_match)]
    rnd = random.Random(5)
    mixed = [OfferText(title=" ".join(rnd.choice(examples).title for _ in range(2)),
                       description=rnd.choice(examples).title, brand=rnd.choice(examples).brand,
                       price=rnd.choice([None, 20.0, 300.0, 5000.0]),
                       seller_account_age_days=rnd.choice([None, 1, 400]),
                       seller_activated=rnd.choice([None, True, False]),
                       seller_strikes=rnd.choice([0, 3])) for _ in range(300)]
    return examples + mixed


def test_batch_equals_single(shipped: RuleSet) -> None:
    offers = _offers(shipped)
    assert shipped.evaluate_many(offers) == [shipped.evaluate(o) for o in offers]
    assert shipped.evaluate_many([]) == []


def test_skipping_rules_by_anchor_changes_no_answer(shipped: RuleSet) -> None:
    """The engine only evaluates rules whose phrases fired; evaluating all must agree."""
    for offer in _offers(shipped):
        ctx = shipped._scanner.scan(offer)
        brute = [r.id for r, node in zip(shipped.rules, shipped._nodes, strict=True)
                 if node.eval(ctx) is not None]
        assert [h.rule_id for h in shipped.evaluate(offer)] == brute, offer.title


def test_spans_are_slices_of_the_original_fields(shipped: RuleSet) -> None:
    seen = 0
    for offer in _offers(shipped):
        for hit in shipped.evaluate(offer):
            for span in hit.spans:
                original = getattr(offer, span.field) or ""
                assert original[span.start:span.end] == span.text
                seen += 1
    assert seen > 500


def test_with_rules_adds_versioned_rules(shipped: RuleSet) -> None:
    extra = parse_rules(pack(rule({"brand_in": ["Acme Widgets"], "cutoff": 90}, "rights.acme")),
                        "rights-holders")
    bigger = shipped.with_rules(extra, "rights:3")
    assert bigger.version == f"{shipped.version}+rights:3"
    assert len(bigger.rules) == len(shipped.rules) + 1
    assert [h.rule_id for h in bigger.evaluate(OfferText(title="Widget ACME WIDGETS"))] == \
        ["rights.acme"]
    assert shipped.evaluate(OfferText(title="Widget ACME WIDGETS")) == []
    with pytest.raises(RulePackError, match="duplicate rule id"):
        bigger.with_rules(extra, "again")
    with pytest.raises(ValueError, match="version_suffix"):
        shipped.with_rules(extra, "")


def _strongest(shipped: RuleSet, offer: OfferText) -> Outcome | None:
    outcomes = {h.outcome for h in shipped.evaluate(offer)}
    for outcome in (Outcome.BLOCK, Outcome.REVIEW, Outcome.ALLOW):
        if outcome in outcomes:
            return outcome
    return None


BEHAVIOUR = [
    # Offers from the demo data and the other packages' tests: what the packs must do.
    (OfferText(title="Torebka Louis Vuitton Neverfull replika 1:1 jakość AAA",
               brand="Louis Vuitton", price=349.0), Outcome.BLOCK),
    (OfferText(title="Pistolet gazowy bez pozwolenia + amunicja",
               category="Kolekcje > Militaria"), Outcome.BLOCK),
    (OfferText(title="Dowód osobisty kolekcjonerski wzór do edycji"), Outcome.BLOCK),
    (OfferText(title="Ozempic 1 mg wstrzykiwacz bez recepty"), Outcome.BLOCK),
    (OfferText(title="Torebka Gucci Marmont a la Gucci jakość premium"), Outcome.REVIEW),
    (OfferText(title="Portfel Hermès 90% taniej!!! oryginał?", brand="Hermès", price=59.0),
     Outcome.REVIEW),
    (OfferText(title="Rower górski Kross Hexagon 7.0 rama 19 cali", brand="Kross",
               price=2199.0), None),
    (OfferText(title="Etui do iPhone 13 silikonowe czarne", price=29.99), None),
    (OfferText(title="Perfumy Chanel No 5 EDP 100 ml z polskiej dystrybucji", brand="Chanel",
               price=689.0, seller_activated=True), None),
    # The same from a seller whose activation was never sent: unknown is not activated, and
    # a luxury brand from an unactivated account is looked at.
    (OfferText(title="Perfumy Chanel No 5 EDP 100 ml z polskiej dystrybucji", brand="Chanel",
               price=689.0), Outcome.REVIEW),
    (OfferText(title="Buty Nike Air Max 90 rozm. 42 nowe, oryginalne z paragonem",
               brand="Nike", price=529.0,
               description="Oryginalne, nie podróbka. Uwaga na podróbki w sieci!"), None),
    (OfferText(title="Tusz zamiennik do HP 305 XL czarny", price=39.0), Outcome.ALLOW),
    (OfferText(title="Baterie AAA Duracell 4 szt.", brand="Duracell"), None),
    (OfferText(title="Model samolotu w skali 1:72"), None),
    (OfferText(title="Replika miecza wikingów 1:1"), None),
    (OfferText(title="Kieliszki do wina 6 szt."), None),
    (OfferText(title="Karma dla szczeniąt 3 kg"), None),
    (OfferText(title="Sukienka w kolorze kości słoniowej"), None),
]


@pytest.mark.parametrize(("offer", "expected"), BEHAVIOUR, ids=[b[0].title for b in BEHAVIOUR])
def test_shipped_behaviour(shipped: RuleSet, offer: OfferText, expected: Outcome | None) -> None:
    assert _strongest(shipped, offer) is expected, shipped.evaluate(offer)
