#!/usr/bin/python3
"""tune_check.py: a --tune launch's JSON record and race table, checked against what the job asked.

usage: tune_check.py RECORDS STDOUT CANDIDATES SLOW_THREADS [LAUNCHED_RANKS]

RECORDS holds the launch's one record. CANDIDATES is the number of runnable
configurations; SLOW_THREADS the thread count of the candidates made slow on
purpose (oversubscribed, spinning OpenMP), which must not win and must leave
in the first round. Checks the record's tune fields against each other and
against the race table on STDOUT (wall = race + rest within the set-ups,
one winner, every candidate listed, rounds = ceil(log2) of the halving).
PASS/FAIL lines; exit 0, 1 or 2.
"""
import json
import math
import re
import sys

from checklib import Checks

check = Checks()


def rounds_of(n):
    r = 0
    while n > 1:
        n //= 2
        r += 1
    return r


def main(argv):
    if len(argv) < 5:
        print(__doc__, file=sys.stderr)
        return 2
    records, stdout, n_cands, slow = argv[1], argv[2], int(argv[3]), int(argv[4])
    lines = [line for line in open(records) if line.strip()]
    check(len(lines) == 1, "one record for the tuned launch", f"{len(lines)} records")
    rec = json.loads(lines[-1])
    check(rec.get("tuned") is True, "the record is marked tuned")
    check(rec.get("tune_source") == "race", "the winner came from a race", rec.get("tune_source"))
    race = [c for c in rec.get("race", []) if c["status"] != "skipped"]
    check(len(race) == n_cands, f"the race lists the {n_cands} candidates", len(race))
    winners = [c for c in race if c["status"] == "winner"]
    check(len(winners) == 1, "exactly one winner", [c["status"] for c in race])
    if len(winners) != 1:
        return 1
    w = winners[0]
    check(rec["ranks"] == w["ranks"] and rec["threads"] == w["threads"],
          "the record's configuration is the winner's", (rec["ranks"], rec["threads"], w))
    check(w["threads"] != slow, f"the winner is not a slowed {slow}-thread candidate", w)
    slowed = [c for c in race if c["threads"] == slow]
    check(slowed and all(c["dropped_round"] == 0 for c in slowed),
          "every slowed candidate left in the first round", slowed)
    rounds = rounds_of(n_cands)
    check(w["rounds_run"] == rounds, f"the winner ran all {rounds} rounds", w["rounds_run"])
    # the winner is the fastest of the last round: no finalist has a lower time per flop
    finalists = [c for c in race if c["rounds_run"] == rounds]
    check(all(w["ms_per_gflop"] <= c["ms_per_gflop"] for c in finalists),
          "the winner has the least time per Gflop of the last round", finalists)
    # successive halving: at most half (at least one) of round r's candidates go on
    for r in range(rounds):
        ran = sum(1 for c in race if c["rounds_run"] > r)
        went_on = sum(1 for c in race if c["rounds_run"] > r + 1)
        if r + 1 < rounds:
            check(went_on == max(1, ran // 2), f"round {r + 1}: the faster half goes on",
                  ran, went_on)
    check(abs(rec["wall_s"] - (rec["tune_race_s"] + rec["tune_rest_s"])) <= 0.05 * rec["wall_s"] + 0.5,
          "wall_s is the race plus the rest (within the set-ups)",
          rec["wall_s"], rec["tune_race_s"], rec["tune_rest_s"])
    check(0 <= rec["tune_overhead"] <= rec["tune_race_s"] / rec["wall_s"] + 1e-9,
          "the overhead is a share no larger than the race's", rec["tune_overhead"])
    check(0 < rec["tune_sample"] <= rec["count"] // 2 + rounds,
          "the race computed at most about half the set", rec["tune_sample"], rec["count"])
    check(math.isclose(rec["tune_predicted_s"], w["predicted_s"], rel_tol=1e-6),
          "tune_predicted_s is the winner's prediction", rec["tune_predicted_s"], w)
    if len(argv) > 5:
        launched = int(argv[5])
        text = open(stdout).read()
        hint = f"the winner used {w['ranks']} of {launched} launched ranks"
        check((hint in text) == (w["ranks"] < launched),
              "the idle-ranks hint appears exactly when the winner leaves ranks idle", hint)
    # the table on stdout names every candidate once, with the winner's line saying so
    table = open(stdout).read()
    for c in race:
        pattern = re.escape(c["config"]) + r"\s+\S+\s+" + str(c["rounds_run"]) + r"\s"
        check(re.search(pattern, table) is not None,
              f"the race table lists {c['config']} with its {c['rounds_run']} round(s)")
    check(re.search(re.escape(w["config"]) + r".*winner", table) is not None,
          "the table marks the winner")
    return 1 if check.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
