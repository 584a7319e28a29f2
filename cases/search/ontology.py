"""The process-wide HPO `Ontology` (information content and ancestor closures, semantic.py) of the
terms in the database, rebuilt with the vocabulary cache.

Its own module because both the index (information-content sums per case) and similar-case
ranking read it; neither imports the other.
"""

from __future__ import annotations

import threading

from cases.search.semantic import Ontology
from cases.search.vocabulary import get_vocabulary

_ontology_lock = threading.Lock()
_ontology: dict[str, object] = {"key": None, "ontology": None}


def get_ontology() -> Ontology:
    """IC and ancestors of the HPO terms in the database (built with the vocabulary cache)."""
    vocabulary = get_vocabulary()
    with _ontology_lock:
        if _ontology["key"] is not vocabulary:
            _ontology["ontology"] = Ontology(vocabulary.term_ic, vocabulary.term_ancestors)
            _ontology["key"] = vocabulary
        return _ontology["ontology"]
