"""Whoosh full-text index over the documents held in the database."""
