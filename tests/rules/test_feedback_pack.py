"""The feedback pack: abusive, threatening, personal-data, advertising and off-topic
comments hit; ordinary comments (written here in our own words, after the pack) do not."""

from __future__ import annotations

import pytest

from rules.comments import comment_text, load_comment_ruleset
from rules.engine import RuleSet
from rules.examples import run_examples
from rules.loader import load_ruleset


@pytest.fixture(scope="module")
def pack() -> RuleSet:
    return load_comment_ruleset()


def hits(rs: RuleSet, comment: str) -> set[str]:
    return {h.rule_id for h in rs.evaluate(comment_text(comment))}


BREAKING = [
    # (comment, rule that must hit)
    ("Jesteś zwykłym kretynem, a nie sprzedawcą", "feedback.vulgar_insult"),
    ("Co za ch*j pakował tę paczkę", "feedback.vulgar_insult"),
    ("spierdalaj z takim towarem", "feedback.vulgar_insult"),
    ("Seller is a total moron", "feedback.vulgar_insult"),
    ("What a shitty product", "feedback.vulgar_insult"),
    ("d3bil nie umie zapakować", "feedback.vulgar_insult"),
    ("Poczekaj, znajdę cię i pogadamy inaczej", "feedback.threat"),
    ("Pożałujecie tego oszustwa", "feedback.threat"),
    ("I will find you, seller", "feedback.threat"),
    ("Zadzwoń 512-345-678 to dogadamy zwrot", "feedback.phone_number"),
    ("Numer do mnie +48 512 345 678", "feedback.phone_number"),
    ("tel 0048 512345678", "feedback.phone_number"),
    ("Odezwij się: marek.nowak1990@onet.pl", "feedback.email_address"),
    ("maila daj na kasia@interia.pl", "feedback.email_address"),
    ("PESEL mojej mamy 02270803628 był na fakturze", "feedback.pesel"),
    ("Oddaj kasę na PL27114020040000300201355387", "feedback.pesel"),
    ("Mieszkam na ul. Polnej 12, przyjdź", "feedback.street_address"),
    ("Odbiór: osiedle Słoneczne 4/12", "feedback.street_address"),
    ("Lepiej kupić na www.superceny.pl", "feedback.web_address"),
    ("Kupujcie na tanieopony.com", "feedback.web_address"),
    ("http://bit.ly/promo123", "feedback.web_address"),
    ("Zapraszamy do naszego sklepu na Allegro", "feedback.advertising"),
    ("W moim sklepie to samo za pół ceny", "feedback.advertising"),
    ("Kod rabatowy LATO20 działa u nas", "feedback.advertising"),
    ("Check out my shop for better prices", "feedback.advertising"),
    ("Taniej na aliexpress, nie przepłacajcie", "feedback.advertising"),
    ("Głosuj na listę nr 3!", "feedback.off_topic"),
    ("Udostępnij to dalej znajomym albo pech", "feedback.off_topic"),
]

ORDINARY = [
    "Wszystko w porządku, szybka wysyłka, polecam sprzedawcę",
    "Towar zgodny z opisem, dobrze zapakowany",
    "Niestety paczka szła 12 dni, ale towar OK",
    "Produkt uszkodzony, sprzedawca nie odpowiada na wiadomości",
    "Sprzedawca oszust, towar podrobiony",  # an accusation the seller may report, not a rule
    "Kurier zostawił paczkę pod drzwiami, brak kontaktu",
    "Zamówienie nr 4455667788 doszło po tygodniu",
    "Dostałem rozmiar 42 zamiast 44, wymiana bez problemu",
    "Cena 149,99 zł uczciwa, jakość dobra",
    "Great seller, fast shipping, 5 stars",
    "Item not as described, returned it",
    "Drugi raz kupuję w tym sklepie, polecam",
    "Zestaw idiotoodporny, złożyłem w 10 minut",
    "Kupione na allegro.pl, wszystko ok",
    "Paczka odebrana w paczkomacie przy ul. Długiej",
    "Oddałem głos na ten produkt w rankingu, super",
    "Polecam! Kontakt przez wiadomości na portalu bardzo sprawny",
    "Pudełko zgniecione, ale zawartość cała, 4/5",
    "Ładowarka 65W działa z laptopem, szybkie ładowanie",
    "Faktura VAT przyszła mailem, wszystko się zgadza",
]


@pytest.mark.parametrize(("comment", "rule_id"), BREAKING)
def test_a_comment_that_breaks_a_rule_hits_it(pack: RuleSet, comment: str,
                                              rule_id: str) -> None:
    assert rule_id in hits(pack, comment)


@pytest.mark.parametrize("comment", ORDINARY)
def test_an_ordinary_comment_hits_nothing(pack: RuleSet, comment: str) -> None:
    assert hits(pack, comment) == set()


def test_the_pack_s_examples_hold(pack: RuleSet) -> None:
    assert run_examples(pack) == []
    assert {r.pack for r in pack.rules} == {"feedback"}


def test_offers_and_comments_never_meet_each_other_s_rules(pack: RuleSet) -> None:
    offers = load_ruleset()
    assert not {r.id for r in offers.rules} & {r.id for r in pack.rules}
    assert all(r.source != "feedback.yaml" for r in offers.rules)


def test_a_hit_points_at_the_comment_s_own_words(pack: RuleSet) -> None:
    comment = "Towar ok. Tel 601 234 567, pytać o Jana"
    [hit] = pack.evaluate(comment_text(comment))
    [span] = hit.spans
    assert comment[span.start:span.end] == "601 234 567"
