"""Mamoru (守る): copyright-infringement monitoring for short-form video."""

__version__ = "0.1.0"
