"""Report and triage-desk benchmarks: `python -m bench.reports`."""
