"""Benchmarks: commands that print their figures and how they measured them (not tests).

``python -m bench`` runs them all, each in its own process with its own embedded Redis and
SQLite file; ``python -m bench NAME`` runs one. Results and the machine are in docs/benchmarks.md.
"""

# name -> module; in the order `python -m bench` runs them (cheapest first).
BENCHMARKS = {
    "poll_cost": "bench.poll_cost",
    "bytes": "bench.bytes",
    "fanout": "bench.fanout",
    "e2e_latency": "bench.e2e_latency",
    "browser": "bench.browser",
}
