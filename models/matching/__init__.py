"""Product matching: do two product records (a safety alert, an offer) describe the same product?

`records` parses records and labelled pairs, `normalise` model numbers, codes and brands,
`features` turns pairs into similarity features, `model` trains, thresholds and signs the
matcher bundle, `evaluate` measures it. See models/matching/README.md.
"""
