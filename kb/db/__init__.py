"""Storage: SQLAlchemy models, sessions and the queries the rest of kb needs."""
