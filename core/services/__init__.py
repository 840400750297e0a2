"""Use cases: plain functions over a SQLAlchemy session that own validation, domain rules and audit."""
