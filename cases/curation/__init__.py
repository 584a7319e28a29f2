"""The curation workflow: review states, fact corrections, duplicate patients (issue 6)."""
