"""`python -m bench.pipeline`: see bench/pipeline/run.py (the functions live there so that the matcher's
child process, started with "spawn", can import them)."""

from bench.pipeline.run import main

if __name__ == "__main__":
    main()
