"""kb: a knowledge base of Chinese Party organization-work documents.

Data flows file -> cleaned document (``kb.ingest``) -> database (``kb.db``)
-> index (``indexer``) -> search result -> page (``web``) or course pack.
"""
