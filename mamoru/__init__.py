"""Mamoru (守る): copyright-infringement monitoring for short-form video. This package is the top layer:
the `mamoru` command, the embedded one-machine stack and the demo; nothing of Mamoru imports it."""
