"""Celery workers: the glue between crawler, matcher, database and reports."""
