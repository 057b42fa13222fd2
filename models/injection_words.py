"""Words the injector puts into real listings: what makes an offer infringing, and look-alikes.

Written for this project. Each family lists what a seller writes when the goods are
counterfeit, ride on a brand, are prohibited, or come with an illegal health claim; the lawful
list holds words that share vocabulary with those but are fine ("jak nowy", "bez BPA",
"replika ASG", authorised EU health claims), so the classifier does not learn them as flags.
Prohibited-goods wording follows the Polish marketplaces' taxonomy (`models.lexicon.PROHIBITED`).
"""

from __future__ import annotations

BRANDS = (
    "Louis Vuitton", "Gucci", "Chanel", "Prada", "Hermès", "Dior", "Balenciaga", "Versace",
    "Fendi", "Burberry", "Moncler", "Rolex", "Omega", "Cartier", "Michael Kors", "Ray-Ban",
    "Nike", "Adidas", "Lacoste", "Tommy Hilfiger", "Calvin Klein", "Ralph Lauren", "Hugo Boss",
    "The North Face", "Canada Goose", "Stone Island", "Pandora", "Swarovski", "Apple",
    "Samsung", "JBL", "Beats", "Dyson", "LEGO", "Yves Saint Laurent", "Tom Ford", "Armani",
    "Dolce & Gabbana", "New Balance", "Converse", "Timberland", "Oakley", "Tag Heuer",
)

COUNTERFEIT_PL = (
    "replika", "replika 1:1", "podróbka", "podróbki", "jak oryginał", "jakość jak oryginał",
    "kopia 1:1", "wierna kopia", "lustrzana kopia", "jakość AAA", "AAA+", "klasa AAA", "fake",
    "fejk", "nieoryginalny", "nieoryginalna", "nieoryginalne", "nie oryginał", "imitacja",
    "podrabiany", "podrabiana", "fałszywka", "kopia wysokiej jakości", "jakość premium 1:1",
    "nie do odróżnienia od oryginału", "jakość oryginału", "kopia", "replika premium",
    "repliki", "odpowiednik oryginału", "jakość lustrzana", "podrobione",
)
COUNTERFEIT_EN = (
    "replica", "1:1 replica", "fake", "first copy", "1st copy", "mirror quality",
    "mirror copy", "master copy", "super copy", "high copy", "top copy", "AAA quality",
    "UA quality", "super clone", "clone", "dupe", "not original", "knockoff", "counterfeit",
    "replica grade", "AAA+ replica", "1:1 copy",
)
COUNTERFEIT_SENTENCES_PL = (
    "Produkt nie jest oryginałem, ale jakość wykonania jak w oryginale.",
    "Wierna kopia {brand}, nie do odróżnienia od oryginału.",
    "Replika wysokiej jakości, wszystkie logo i metki jak w oryginale.",
    "To nie jest produkt z oficjalnej dystrybucji {brand}, jakość AAA.",
    "Kopia 1:1, wszystkie detale dopracowane, nikt nie zauważy różnicy.",
    "Mam też inne repliki znanych marek, pytaj na priv.",
    "Podróbka bardzo dobrej jakości, wygląda jak oryginał {brand}.",
    "Nieoryginalny produkt, logo {brand} wyszyte jak w sklepie.",
    "Jakość lustrzana, materiały jak w oryginale, cena ułamek oryginału.",
)
COUNTERFEIT_SENTENCES_EN = (
    "High quality replica, looks exactly like the original {brand}.",
    "1:1 copy with all logos, tags and serial numbers.",
    "Not original, mirror quality, nobody will notice the difference.",
    "Top grade {brand} replica, same materials as the real one.",
    "Fake but good quality, logos like the genuine {brand}.",
)
BRAND_RIDING_PL = (
    "a la {brand}", "typu {brand}", "w stylu {brand}", "inspirowane {brand}",
    "inspirowany {brand}", "jak {brand}", "wzór {brand}", "styl {brand}",
)
BRAND_RIDING_EN = ("{brand} style", "{brand} inspired", "inspired by {brand}", "like {brand}")

CLAIMS_PL = (
    "leczy raka", "lek na raka", "na raka", "leczy nowotwory", "zwalcza nowotwory",
    "lek na cukrzycę", "leczy cukrzycę", "odwraca cukrzycę", "100% skuteczności",
    "skuteczność 100%", "gwarancja wyleczenia", "chroni przed koronawirusem",
    "chroni przed wirusami", "zabija wirusy", "leczy COVID", "cudowny lek", "lek na wszystko",
    "leczy nadciśnienie", "wyleczy w 7 dni", "zastępuje leki", "lepszy niż chemioterapia",
    "leczy depresję", "leczy boreliozę", "usuwa przerzuty", "lek na łuszczycę",
    "leczy stwardnienie rozsiane", "chroni przed grypą w 100%", "leczy alzheimera",
)
CLAIMS_EN = (
    "cures cancer", "cure for cancer", "cure for diabetes", "reverses diabetes",
    "100% effective", "kills viruses", "protects against coronavirus", "guaranteed cure",
    "miracle cure", "treats cancer", "cures covid", "replaces medication",
)
CLAIM_SENTENCES_PL = (
    "Suplement {claim} w 7 dni, potwierdzone przez naszych klientów.",
    "Naturalny preparat, który {claim} bez skutków ubocznych.",
    "Produkt {claim}, lekarze nie chcą, żebyś o tym wiedział.",
    "Stosowany codziennie {claim}.",
    "Skuteczność potwierdzona: {claim}.",
)
CLAIM_SENTENCES_EN = (
    "This natural supplement {claim} in 7 days.",
    "Doctors hate it: it {claim} without side effects.",
)
# Title endings that turn a real product into a prohibited offer of it.
PROHIBITED_SUFFIXES_PL = (
    "bez pozwolenia", "bez akcyzy", "bez banderoli", "bez dokumentów CITES",
    "bez rodowodu", "na dowolne dane", "crack", "kopia piracka",
)

# Lawful wording that shares words with the families above.
LAWFUL_PL = (
    "jak nowy", "jak nowa", "jak nowe", "stan jak nowy", "bez BPA", "to nie jest zabawka",
    "nie jest zabawką", "oryginalny produkt", "oryginał z paragonem", "100% bawełny",
    "100% naturalny skład", "bez cukru", "bez glutenu", "nie zawiera parabenów",
    "replika ASG", "replika miecza", "replika hełmu", "kopia zapasowa", "skala 1:18",
    "skala 1:43", "inspirowany naturą", "kompatybilny z {brand}", "etui do {brand}",
    "zamiennik do {brand}", "pasuje do {brand}", "oryginał {brand}", "autoryzowany sprzedawca",
    "wzmacnia odporność dzięki witaminie C",
    "witamina D przyczynia się do prawidłowego funkcjonowania układu odpornościowego",
    "cynk pomaga w utrzymaniu zdrowych włosów", "nie jest to kopia", "nie podróbka",
    "to nie jest podróbka", "oryginalne opakowanie", "lek bez recepty",
    "na ból głowy", "na kaszel", "na przeziębienie", "fake fur", "sztuczne futro",
    "zapas na 30 dni", "ostatnie sztuki w magazynie", "promocja -20%", "DVD", "Blu-ray",
    "tabletki", "kapsułki", "stosować zgodnie z ulotką", "chroni skórę", "chroni przed słońcem",
    "usuwa zabrudzenia", "skuteczny", "wirusy i bakterie na powierzchniach",
)
LAWFUL_EN = (
    "like new", "BPA free", "not a toy", "genuine product", "100% cotton", "sugar free",
    "gluten free", "airsoft replica", "replica football kit", "scale model 1:18",
    "compatible with {brand}", "case for {brand}", "replacement for {brand}",
    "authorised {brand} retailer", "backup copy", "faux fur", "mirror finish",
    "vitamin C contributes to the normal function of the immune system", "wall mirror",
    "original soundtrack", "original recipe", "premium quality", "{brand} original",
    "style", "casual style", "new style", "street style", "La", "à la carte", "DVD",
    "Blu-ray", "tablets", "capsules", "skin care",
)

# What a contrast twin puts where the decisive words went: the same place, lawful words.
LAWFUL_SENTENCES_PL = (
    "Produkt oryginalny {brand}, jakość wykonania bardzo dobra.",
    "Oryginalne logo i metki {brand}, dowód zakupu w zestawie.",
    "Wysoka jakość materiałów, szybka wysyłka.",
)
LAWFUL_SENTENCES_EN = ("Genuine {brand} product, receipt included.", "High quality materials.")
LAWFUL_BENEFITS_PL = (
    "wspiera odporność", "na dobry sen", "dla sportowców", "wspomaga regenerację",
    "źródło białka", "dla całej rodziny", "na co dzień", "o smaku waniliowym",
    "bogaty w błonnik", "nawilża skórę", "bez dodatku cukru", "naturalny skład",
)
LAWFUL_BENEFITS_EN = ("supports recovery", "for everyday use", "rich in fibre", "vanilla flavour")
LAWFUL_WITHOUT = ("cukru", "glutenu", "laktozy", "BPA", "konserwantów", "kaptura", "pudełka",
                  "parabenów", "barwników", "wad")
