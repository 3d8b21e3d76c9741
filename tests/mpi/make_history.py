#!/usr/bin/env python3
"""make_history.py: a long svdrun --json history on stdout, for svdreport's
scale tests and bench/svdreport.sh (no committed giant fixture).

usage: make_history.py SETS RECORDS [CONFIGS]

RECORDS valid records spread round-robin over SETS matrix sets (each its own
seed) and, within a set, over CONFIGS configurations (default 12: ranks
1, 2, 4 x threads 1, 2 x thread modes blas, batch). Every set's checksum is
its own; one record in 97 carries another, PASSED with boundary 1 (ok*:
rounding only), so the reference vote has work to do and every row agrees. Wall times are deterministic but varied.
"""
import json
import sys


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__.strip().splitlines()[3])
    sets, records = int(sys.argv[1]), int(sys.argv[2])
    n_configs = int(sys.argv[3]) if len(sys.argv) == 4 else 12
    configs = [(r, t, m) for m in ("blas", "batch") for t in (1, 2) for r in (1, 2, 4)]
    configs = (configs * (n_configs // len(configs) + 1))[:n_configs]
    out = sys.stdout
    for i in range(records):
        s, run = i % sets, i // sets
        ranks, threads, mode = configs[run % n_configs]
        # distinct configurations beyond the 12 differ in their hosts
        hosts = ["h%d" % (run % n_configs // 12)]
        cores = ranks * threads
        wall = 10.0 / cores * (1.0 + ((i * 7919) % 101) / 1000.0)
        checksum = "%016x" % (s + 1 if i % 97 else 0xbad)
        rec = {
            "schema": 1, "name": "set%d" % s, "rows": 100, "cols": 100, "count": 16,
            "seed": s, "vectors": "none", "driver": "gesdd", "distribute": "regenerate",
            "engine": "lapack", "ranks": ranks, "threads": threads, "thread_mode": mode,
            "wall_s": wall, "wall_s_min": wall * 0.99, "wall_s_max": wall * 1.01,
            "svd_s": wall * 0.9, "transfer_s": 0.0, "gather_s": 0.001,
            "load_pct": 100.0 * cores, "rss_mb": 50.0 + s % 7, "checksum": checksum,
            "check": "PASSED", "boundary": 0 if i % 97 else 1, "hosts": hosts,
        }
        out.write(json.dumps(rec, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
