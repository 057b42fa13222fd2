"""Word lists the generators in `models.generate` assemble GENERATED listings from.

Brands appear both in violating and in benign listings on purpose: a brand name alone must not
make an offer suspicious. The prohibited-goods groups follow the taxonomy of Polish marketplaces'
terms (Allegro Annex 1, merXu attachment 02: weapons, drugs, prescription medicines, official
documents, alcohol and tobacco, CITES species and organs, personal data and financial
instruments, IP infringement, pets without pedigree), written out here as example listings.
"""

from __future__ import annotations

from typing import NamedTuple


class Product(NamedTuple):
    pl: str
    en: str
    category: str
    lines: tuple[tuple[str, str], ...]  # (brand, model)
    sizes: tuple[str, ...] = ()


PRODUCTS: tuple[Product, ...] = (
    Product("Buty", "Sneakers", "Moda > Obuwie > Sportowe",
            (("Nike", "Air Max 90"), ("Nike", "Air Jordan 1"), ("Adidas", "Yeezy Boost 350"),
             ("Adidas", "Superstar"), ("New Balance", "550"), ("Puma", "Suede"),
             ("Converse", "Chuck 70")), ("rozm. 42", "rozm. 38", "rozmiar 44", "EU 40")),
    Product("Torebka", "Handbag", "Moda > Torebki",
            (("Louis Vuitton", "Neverfull"), ("Gucci", "Marmont"), ("Chanel", "Classic Flap"),
             ("Michael Kors", "Jet Set"), ("Prada", "Re-Edition"), ("Hermès", "Birkin"),
             ("Wittchen", "Elegance"))),
    Product("Zegarek", "Watch", "Biżuteria i zegarki > Zegarki",
            (("Rolex", "Submariner"), ("Rolex", "Daytona"), ("Omega", "Seamaster"),
             ("Tag Heuer", "Carrera"), ("Casio", "G-Shock"), ("Seiko", "Presage"),
             ("Audemars Piguet", "Royal Oak"))),
    Product("Perfumy", "Perfume", "Uroda > Perfumy",
            (("Chanel", "No 5"), ("Dior", "Sauvage"), ("Tom Ford", "Oud Wood"),
             ("Hugo Boss", "Bottled"), ("Versace", "Eros"), ("YSL", "Libre")),
            ("50 ml", "100 ml", "30 ml")),
    Product("Kurtka", "Jacket", "Moda > Odzież > Kurtki",
            (("The North Face", "Nuptse"), ("Moncler", "Maya"), ("Canada Goose", "Expedition"),
             ("Stone Island", "Shadow"), ("Ralph Lauren", "Polo"), ("4F", "Puchowa")),
            ("rozm. M", "rozm. L", "XL", "rozmiar S")),
    Product("Słuchawki", "Earbuds", "Elektronika > Audio > Słuchawki",
            (("Apple", "AirPods Pro 2"), ("Sony", "WH-1000XM5"), ("JBL", "Tune 510"),
             ("Beats", "Studio 3"), ("Samsung", "Galaxy Buds 2"))),
    Product("Smartfon", "Smartphone", "Telefony i akcesoria > Smartfony",
            (("Apple", "iPhone 15 Pro"), ("Samsung", "Galaxy S24"), ("Xiaomi", "Redmi Note 13")),
            ("128 GB", "256 GB")),
    Product("Okulary przeciwsłoneczne", "Sunglasses", "Moda > Akcesoria > Okulary",
            (("Ray-Ban", "Wayfarer"), ("Oakley", "Holbrook"), ("Gucci", "GG0061S"))),
    Product("Klocki", "Building set", "Dziecko > Zabawki > Klocki",
            (("LEGO", "Technic 42143"), ("LEGO", "Star Wars 75192"), ("Cobi", "Tiger 2801"))),
    Product("Portfel", "Wallet", "Moda > Akcesoria > Portfele",
            (("Louis Vuitton", "Zippy"), ("Gucci", "GG Marmont"), ("Wittchen", "Italy"))),
    Product("Koszulka piłkarska", "Football shirt", "Sport i turystyka > Piłka nożna",
            (("Adidas", "Real Madryt 24/25"), ("Nike", "FC Barcelona 24/25"),
             ("Puma", "Manchester City 24/25")), ("rozm. M", "rozm. L", "XL")),
    Product("Krem do twarzy", "Face cream", "Uroda > Pielęgnacja",
            (("La Mer", "Crème de la Mer"), ("Clinique", "Moisture Surge"),
             ("Ziaja", "Kozie mleko")), ("50 ml", "30 ml")),
)

MARKERS_PL = (
    "replika", "replika 1:1", "podróbka", "jak oryginał", "1:1", "jakość AAA", "AAA+", "kopia",
    "wierna kopia", "fake", "lustrzana jakość", "mirror quality", "nieoryginalne", "odpowiednik",
    "inspirowane", "kopia 1:1", "jakość premium AAA", "nie do odróżnienia od oryginału",
)
MARKERS_EN = (
    "replica", "1:1 replica", "fake", "1:1", "AAA", "AAA+ quality", "copy", "first copy",
    "mirror quality", "inspired by", "super clone", "UA quality", "top replica", "dupe",
    "mirror grade", "high copy",
)
COUNTERFEIT_SENTENCES_PL = (
    "Produkt nie jest oryginałem, ale jakość wykonania jak w oryginale.",
    "Wierna kopia {brand}, nie do odróżnienia od oryginału.",
    "Replika wysokiej jakości, wszystkie logo i metki jak w oryginale.",
    "Towar bez pudełka i bez certyfikatu autentyczności producenta.",
    "To nie jest produkt z oficjalnej dystrybucji {brand}, jakość AAA.",
    "Kopia 1:1, wszystkie detale dopracowane, nikt nie zauważy różnicy.",
    "Paczka wysyłana dyskretnie, bez opisu zawartości.",
    "Mam też inne repliki znanych marek, pytaj na priv.",
)
COUNTERFEIT_SENTENCES_EN = (
    "High quality replica, looks exactly like the original {brand}.",
    "1:1 copy with all logos, tags and serial numbers.",
    "Not original, mirror quality, nobody will notice the difference.",
    "Comes without the original box or authenticity card.",
    "Ships discreetly in unmarked packaging.",
)
PERFUME_SENTENCES_PL = ("Zapach inspirowany {brand} {model}, trwałość jak w oryginale.",
                        "Odpowiednik zapachu {brand} {model}, ten sam zapach za ułamek ceny.")
PERFUME_SENTENCES_EN = ("Inspired by {brand} {model}, long lasting scent.",
                        "Smells exactly like {brand} {model} at a fraction of the price.")

# (category, Polish titles, English titles, Polish description sentences)
PROHIBITED: tuple[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    ("Sport i turystyka > Militaria",
     ("Pistolet Glock 17 bez pozwolenia", "Amunicja 9x19 mm 50 szt.", "Broń palna sprawna",
      "Karabinek AK-47 sprawny bojowy", "Granat bojowy", "Kastet stalowy", "Proch czarny 1 kg",
      "Tłumik do broni palnej", "Materiały wybuchowe", "Rewolwer ostra amunicja w zestawie"),
     ("Glock 19 pistol no license needed", "9mm ammo 500 rounds", "AR-15 rifle for sale",
      "gunpowder 1 kg", "brass knuckles steel", "silencer suppressor for pistol"),
     ("Broń sprawna, strzela ostrą amunicją.", "Pozwolenie na broń nie jest potrzebne.",
      "Sprzedam z amunicją, odbiór osobisty bez pytań.")),
    ("Zdrowie > Inne",
     ("Marihuana susz THC 20%", "Mefedron kryształ 5 g", "Amfetamina czysta", "Kokaina 1 g",
      "Dopalacze mocne legalne", "Grzybki halucynogenne psylocybina", "Tabletki ecstasy MDMA",
      "Haszysz 10 g", "Susz konopny z THC mocny"),
     ("weed THC buds 10 g", "MDMA pills", "cocaine 1 g", "magic mushrooms psilocybin",
      "mephedrone crystal"),
     ("Mocny towar, działa po kilku minutach.", "Wysyłka dyskretna w kopercie bez nadawcy.",
      "Stała współpraca, rabaty dla hurtowników.")),
    ("Zdrowie > Leki i suplementy",
     ("Xanax 2 mg bez recepty", "Tramadol 100 mg tabletki bez recepty", "Viagra bez recepty",
      "Sterydy anaboliczne testosteron", "Ozempic bez recepty", "Clonazepam tabletki",
      "Antybiotyk amoksycylina bez recepty", "Oksykodon 40 mg", "Lek na receptę sprzedam"),
     ("Xanax 2mg no prescription", "buy tramadol online without prescription",
      "Viagra 100mg no prescription", "anabolic steroids testosterone", "Ozempic pen no rx"),
     ("Recepta nie jest potrzebna.", "Oryginalne blistry z apteki, bez recepty.",
      "Lek na receptę, sprzedaję nadwyżkę.")),
    ("Kolekcje > Dokumenty",
     ("Dowód osobisty kolekcjonerski na dowolne dane", "Prawo jazdy kat. B bez egzaminu",
      "Dyplom ukończenia studiów wyrobię", "Legitymacja studencka na dowolne dane",
      "Paszport na dowolne dane", "Zwolnienie lekarskie L4 na zamówienie",
      "Tablice rejestracyjne dowolny numer", "Faktury kosztowe sprzedam"),
     ("fake ID card any name", "driving licence without exam", "university diploma any name",
      "passport any data", "fake doctor's note"),
     ("Dokument na dowolne dane, wygląda jak prawdziwy.",
      "Hologramy i zabezpieczenia jak w urzędzie.", "Realizacja w 3 dni, wyślij zdjęcie i dane.")),
    ("Dom i ogród > Inne",
     ("Spirytus 95% bez akcyzy 5 l", "Bimber domowy 1 l", "Papierosy bez akcyzy karton",
      "Tytoń bez banderoli 1 kg", "E-papieros jednorazowy 600 zaciągnięć",
      "Liquid do e-papierosa 20 mg nikotyny", "Wódka bez akcyzy"),
     ("cigarettes no excise carton", "disposable vape 600 puffs", "moonshine 1 l"),
     ("Bez akcyzy i bez banderoli, dlatego tak tanio.",
      "Produkcja domowa, wysyłka w butelkach PET.", "Nikotyna 20 mg, smak mango.")),
    ("Kolekcje > Przyroda",
     ("Kość słoniowa figurka", "Róg nosorożca sproszkowany", "Skóra tygrysa",
      "Żółw grecki bez dokumentów CITES", "Papuga ara bez CITES", "Nerka do przeszczepu",
      "Koral czerwony surowy bez dokumentów CITES"),
     ("ivory carving", "rhino horn powder", "tiger skin rug", "kidney for sale"),
     ("Brak dokumentów CITES, dlatego niska cena.",
      "Pochodzenie z prywatnej kolekcji, bez papierów.")),
    ("Usługi > Inne",
     ("Baza danych 100 tys. e-maili klientów", "Baza numerów PESEL z adresami",
      "Konto bankowe na słupa", "Karta prepaid zarejestrowana na inne dane",
      "Dane kart kredytowych z CVV", "Akcje spółki sprzedam poza giełdą"),
     ("email database 100k customers", "credit card dumps with CVV", "bank account for rent"),
     ("Dane aktualne, pozyskane z wycieku.", "Pełne dane osobowe: imię, nazwisko, PESEL, adres.")),
    ("Elektronika > Oprogramowanie",
     ("Windows 11 Pro crack aktywator", "Filmy pirackie kolekcja 500 DVD",
      "Konto Netflix premium dożywotnio", "Gry PS5 kopie na pendrive", "IPTV 20000 kanałów",
      "Office 2021 crack dożywotnia licencja", "Pirackie kopie gier na PC"),
     ("Windows 11 crack activator", "pirated movies 500 DVD", "IPTV 20000 channels lifetime"),
     ("Kopie pirackie, działają bez aktywacji.", "Dostęp do kanałów płatnych bez umowy.")),
    ("Zwierzęta > Psy i koty",
     ("Szczeniaki buldog francuski bez rodowodu", "Kocięta maine coon bez rodowodu tanio",
      "Szczeniak york bez metryki", "Psy rasowe bez papierów z pseudohodowli"),
     ("french bulldog puppies no papers",),
     ("Bez rodowodu, dlatego taniej.", "Odbiór z domu, bez umowy i bez książeczki.")),
)

NEUTRAL_SENTENCES_PL = (
    "Produkt fabrycznie nowy, zapakowany w oryginalne opakowanie producenta.",
    "Wysyłamy w ciągu 24 godzin od zaksięgowania wpłaty, kurierem lub do paczkomatu.",
    "Do każdego zamówienia wystawiamy fakturę VAT, zwrot możliwy w ciągu 30 dni.",
    "Zdjęcia przedstawiają sprzedawany egzemplarz, w razie pytań prosimy o wiadomość.",
    "Materiał wysokiej jakości, wygodny w codziennym użytkowaniu, łatwy w czyszczeniu.",
    "Odbiór osobisty możliwy w Warszawie po wcześniejszym umówieniu się.",
    "Rozmiary zgodne z tabelą producenta, w razie wątpliwości chętnie doradzimy.",
    "Szybka wysyłka, starannie zapakowane.", "Cena do negocjacji przy zakupie kilku sztuk.",
    "Kolor na zdjęciach może nieznacznie różnić się od rzeczywistego.",
    "Zapraszam do zapoznania się z innymi moimi aukcjami.", "Sprzedaję, bo zmieniam styl.",
    "Możliwa wysyłka za pobraniem.", "Wymiary podane w tabeli poniżej.",
    "Sprzedam, bo nie pasuje mi rozmiar i kolor.", "Nie wysyłam za granicę.",
    "Stan widoczny na zdjęciach, bez wad i bez śladów użytkowania.",
    "Pytania proszę kierować przez wiadomości, odpowiadam szybko i rzetelnie.",
    "Pudełko i paragon w komplecie, do odbioru w Krakowie lub z wysyłką.",
    "Wysyłka w 1 dzień roboczy, 1 szt. w cenie, przy 2 szt. rabat.",
    "Towar sprawdzony i przetestowany przed wysyłką.", "Dla kobiet i mężczyzn.",
    "Paczka zabezpieczona folią bąbelkową i kartonem.", "Na prezent jak znalazł.",
    "Dane techniczne w tabeli poniżej.", "Sprawdź też inne moje oferty.",
    "Nie jest to produkt dla dzieci poniżej 3 lat.", "Jakość wykonania bardzo dobra.",
    "Wszystkie elementy w komplecie, nic nie brakuje.", "Wysyłka bez dodatkowych opłat.",
    "Jak nowe, bez rys i bez uszkodzeń.", "Oryginał, nie jest to kopia ani podróbka.",
)
# Soft cues that counterfeits and honest second-hand offers share: they make some generated
# positives hard to tell from benign ones, as in real traffic, so that the validation split
# has a precision/recall trade-off for the threshold table to measure.
SOFT_CUES_PL = (
    "Bez pudełka.", "Bez paragonu.", "Cena okazyjna, ostatnie sztuki.", "Zdjęcia poglądowe.",
    "Wysyłka z zagranicy, czas dostawy do 14 dni.", "Możliwa sprzedaż hurtowa.",
    "Nie mam dowodu zakupu.", "Metki odcięte.",
)
SOFT_CUES_EN = ("No box.", "No receipt.", "Stock photos.", "Ships from overseas, 2-3 weeks.",
                "Wholesale available.")
BENIGN_SENTENCES_PL = (
    "Oryginalny produkt z polskiej dystrybucji, paragon w zestawie.",
    "Gwarancja producenta 24 miesiące, serwis na terenie całej Polski.",
    "Sprzedajemy wyłącznie towar z legalnej dystrybucji, posiadamy certyfikaty.",
    "Używane kilka razy, stan bardzo dobry, bez uszkodzeń.",
    "Zestaw zawiera instrukcję obsługi w języku polskim oraz kartę gwarancyjną.",
    "Autoryzowany sprzedawca marki {brand}.", "Kupione w salonie {brand}, mam dowód zakupu.",
)
NEUTRAL_SENTENCES_EN = (
    "Brand new in original packaging.", "Ships within 24 hours, tracked delivery.",
    "30 day returns, invoice included.", "Photos show the actual item.",
    "Please message me with any questions.", "Combined shipping available.",
    "Colour may differ slightly from the photos.", "Great gift for him and her.",
    "High quality material, easy to clean.", "Data sheet available on request.",
    "Fits true to size, see the size chart in the photos.", "1 year warranty card included.",
)
BENIGN_SENTENCES_EN = (
    "Genuine product bought from an authorised {brand} retailer, receipt included.",
    "Manufacturer warranty 2 years.", "Used a few times, excellent condition.",
)
BENIGN_QUALIFIERS_PL = (
    "nowe", "nowa", "oryginalne", "oryginał", "z metką", "gwarancja", "paragon", "używane",
    "stan bdb", "stan idealny", "okazja", "faktura VAT", "wysyłka 24h", "kolor czarny",
    "autentyk", "nieużywane", "outlet",
)
BENIGN_QUALIFIERS_EN = ("new", "brand new", "genuine", "authentic", "used", "with tags",
                        "boxed", "like new", "original")

# Benign listings whose words overlap the violating ones: compatible parts, scale models,
# legal replicas, AAA batteries, document covers. Without them "zamiennik", "1:18", "AAA",
# "naboje" or "dowód" would be learnt as red flags.
HARD_BENIGN_PL: tuple[tuple[str, str], ...] = (
    ("Etui do iPhone 13 silikonowe", "Telefony i akcesoria > Etui"),
    ("Szkło hartowane do Samsung Galaxy S24", "Telefony i akcesoria > Folie"),
    ("Pasek do Apple Watch 44 mm sportowy", "Telefony i akcesoria > Smartwatche"),
    ("Tusz zamiennik do HP 305 XL czarny", "Elektronika > Drukarki > Tusze"),
    ("Toner zamiennik Brother TN-2421", "Elektronika > Drukarki > Tonery"),
    ("Filtr do wody zamiennik Brita Maxtra 6 szt.", "Dom i ogród > AGD"),
    ("Ładowarka USB-C 20W kompatybilna z Apple", "Telefony i akcesoria > Ładowarki"),
    ("Kapsułki kompatybilne z Nespresso 100 szt.", "Supermarket > Kawa"),
    ("Bateria do laptopa Dell zamiennik 4400 mAh", "Komputery > Baterie"),
    ("Model samochodu Porsche 911 skala 1:18", "Kolekcje > Modele"),
    ("Model Ferrari F40 1:43 Bburago", "Kolekcje > Modele"),
    ("Replika ASG karabinek M4 Specna Arms", "Sport i turystyka > ASG"),
    ("Replika miecza rycerskiego dekoracyjna", "Kolekcje > Militaria historyczne"),
    ("Replika hełmu rzymskiego rekonstrukcja historyczna", "Kolekcje > Militaria historyczne"),
    ("Kopia obrazu Van Gogha olej na płótnie ręcznie malowana", "Sztuka > Obrazy"),
    ("Baterie AAA Duracell 8 szt.", "Elektronika > Baterie"),
    ("Akumulatorki AAA Panasonic Eneloop 4 szt.", "Elektronika > Baterie"),
    ("Lustro łazienkowe LED 60x80", "Dom i ogród > Łazienka"),
    ("Dysk zewnętrzny na kopie zapasowe WD 2 TB", "Komputery > Dyski"),
    ("Etui na dowód osobisty i prawo jazdy skórzane", "Moda > Akcesoria > Etui"),
    ("Okładka na paszport skórzana", "Moda > Akcesoria > Etui"),
    ("Testy na prawo jazdy kat. B 2024 książka", "Książki > Poradniki"),
    ("Naboje do pióra Parker niebieskie 5 szt.", "Biuro > Artykuły piśmiennicze"),
    ("Naboje CO2 do syfonu 10 szt.", "Dom i ogród > Kuchnia"),
    ("Nóż kuchenny Victorinox 20 cm", "Dom i ogród > Kuchnia"),
    ("Witamina D3 2000 j.m. 120 kapsułek", "Zdrowie > Suplementy"),
    ("Ciśnieniomierz naramienny Omron M3", "Zdrowie > Sprzęt medyczny"),
    ("Karma dla kota Maine Coon Royal Canin 4 kg", "Zwierzęta > Karmy"),
    ("Legowisko dla psa buldog francuski rozmiar M", "Zwierzęta > Legowiska"),
    ("Kieliszki do wina 6 szt. szkło kryształowe", "Dom i ogród > Kuchnia"),
    ("Plakat inspirowany naturą 50x70", "Dom i ogród > Dekoracje"),
    ("Kryształ Swarovski figurka łabędź", "Biżuteria i zegarki > Kolekcje"),
    ("Zestaw do domowego warzenia piwa", "Dom i ogród > Kuchnia"),
    ("Windows 11 Pro licencja pudełkowa BOX", "Elektronika > Oprogramowanie"),
    ("Filmy DVD kolekcja klasyki kina oryginalne płyty", "Filmy > DVD"),
)
HARD_BENIGN_EN = (
    "AAA batteries 24 pack alkaline", "iPhone 13 silicone case", "replacement ink for HP 305",
    "round wall mirror 60 cm", "1:18 scale diecast model Porsche", "nature inspired wall art",
    "compatible charger for Samsung Galaxy", "airsoft replica rifle M4", "passport cover leather",
    "kitchen knife Victorinox", "copy paper A4 500 sheets", "mirror finish steel kettle",
    "SD memory card 64 GB", "USB data cable 1 m", "high quality cotton T-shirt",
    "whey protein 1 kg", "olive oil 1 l", "gift card holder", "high power LED torch",
    "first aid kit", "clone trooper LEGO minifigure", "photo copy stand", "original soundtrack CD",
    "BPA free water bottle", "no sugar dark chocolate", "fake fur throw blanket",
    "faux leather jacket", "replica football kit display frame",
    "super soft fleece blanket", "car rear view mirror", "makeup mirror with LED light",
    "vintage inspired midi dress", "ocean inspired wall clock", "super glue 3 g",
)
EVERYDAY_PL: tuple[tuple[str, str], ...] = (
    ("Rower górski Kross Hexagon 7.0 rama 19 cali", "Sport i turystyka > Rowery"),
    ("Wiertarka udarowa Bosch PSB 500", "Dom i ogród > Narzędzia"),
    ("Ekspres do kawy DeLonghi Magnifica S", "AGD > Ekspresy"),
    ("Telewizor LG 55 cali 4K", "Elektronika > RTV"),
    ("Lodówka Samsung No Frost 185 cm", "AGD > Lodówki"),
    ("Laptop Lenovo ThinkPad T14 16 GB RAM", "Komputery > Laptopy"),
    ("Fotelik samochodowy Cybex 9-18 kg", "Dziecko > Foteliki"),
    ("Zestaw garnków Tefal 10 elementów", "Dom i ogród > Kuchnia"),
    ("Kosiarka spalinowa Stiga 46 cm", "Dom i ogród > Ogród"),
    ("Książka Wiedźmin Ostatnie życzenie Sapkowski", "Książki > Fantastyka"),
    ("Konsola PlayStation 5 z padem", "Gry > Konsole"),
    ("Sukienka letnia w kwiaty rozm. 38", "Moda > Odzież damska"),
    ("Opony zimowe Michelin 205/55 R16 4 szt.", "Motoryzacja > Opony"),
    ("Puzzle Trefl 1000 elementów", "Dziecko > Zabawki"),
    ("Odkurzacz bezprzewodowy Xiaomi", "AGD > Odkurzacze"),
    ("Biurko gamingowe 120 cm czarne", "Dom i ogród > Meble"),
    ("Karta pamięci microSD 64 GB", "Elektronika > Karty pamięci"),
    ("Kabel do transmisji danych USB-C 1 m", "Elektronika > Kable"),
    ("Mąka pszenna 1 kg", "Supermarket > Produkty spożywcze"),
    ("Olej rzepakowy 1 l", "Supermarket > Produkty spożywcze"),
    ("Koszulka bawełniana wysokiej jakości", "Moda > Odzież męska"),
    ("Latarka taktyczna LED 1000 lm", "Sport i turystyka > Turystyka"),
    ("Apteczka samochodowa", "Motoryzacja > Akcesoria"),
    ("Herbata zielona liściasta 100 g", "Supermarket > Herbata"),
    ("Suszone grzyby leśne 50 g", "Supermarket > Produkty spożywcze"),
    ("Kabura skórzana do latarki", "Sport i turystyka > Turystyka"),
    ("Butelka dla niemowląt bez BPA 250 ml", "Dziecko > Karmienie"),
    ("Czekolada gorzka bez cukru 100 g", "Supermarket > Słodycze"),
    ("Makaron bez glutenu 500 g", "Supermarket > Produkty spożywcze"),
    ("Szampon bez parabenów 400 ml", "Uroda > Włosy"),
    ("Kurtka przeciwdeszczowa bez kaptura", "Moda > Odzież męska"),
    ("Rower miejski bez przerzutek", "Sport i turystyka > Rowery"),
    ("Tabletki do zmywarki Finish 100 szt.", "Dom i ogród > Chemia"),
    ("Syrop na kaszel dla dzieci bez cukru", "Zdrowie > Leki bez recepty"),
    ("Plastry opatrunkowe 20 szt.", "Zdrowie > Apteczka"),
    ("Maseczki ochronne FFP2 20 szt.", "Zdrowie > Inne"),
    ("Termometr bezdotykowy", "Zdrowie > Sprzęt medyczny"),
    ("Probiotyk 30 kapsułek", "Zdrowie > Leki i suplementy"),
    ("Dane techniczne: pendrive 128 GB USB 3.0", "Elektronika > Pamięci"),
    ("Lusterko samochodowe wsteczne", "Motoryzacja > Akcesoria"),
    ("Super klej błyskawiczny 3 g", "Dom i ogród > Narzędzia"),
)
