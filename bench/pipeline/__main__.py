"""`python -m bench.pipeline`: see bench/pipeline/core.py (the functions live there so that the matcher's
child process, started with "spawn", can import them)."""

from bench.pipeline.core import main

if __name__ == "__main__":
    main()
