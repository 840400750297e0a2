"""Mentions benchmark (issue 13): names of characters and AI markers in posts as uploaders write them."""
