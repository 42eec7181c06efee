"""Flask site: search, documents, approaches, editing."""
