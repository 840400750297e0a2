"""Use cases: plain functions over a SQLAlchemy Session that own validation, domain rules and audit records.

The CLI, the web pages, the JSON API and the workers call these; none of them repeats a rule.
"""
