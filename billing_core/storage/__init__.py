"""Persistence: SQLAlchemy 2 async models and small repository functions over sessions."""
