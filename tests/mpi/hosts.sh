#!/usr/bin/env bash
# hosts.sh: svdrun across two hosts over TCP. Each "host" is a network
# namespace with its own UTS namespace (host name); the two are joined by a
# veth pair whose addresses exist only inside them (10.213.N.1 and .2, no
# default route), so no traffic can leave them. mpirun runs in the first one
# with a hostfile naming both addresses and reaches the second through
# tests/mpi/lib_netns_rsh.sh, a stand-in for ssh (--mca plm_rsh_agent).
#
# Checked: the launcher starts a daemon on the second host; np 2 (one rank
# per host) and np 4 (two per host, --map-by node) exit 0 with every
# configuration PASSED, in both distribute modes; the --results integers
# equal a single-host run's; the header and the JSON records' "hosts" name
# both hosts; scatter's matrices cross the veth (its byte counters); no
# process and no namespace is left behind.
#
# Needs root, ip (iproute2) and unshare (util-linux); skips otherwise, or when
# the sandbox refuses network namespaces. Everything it creates (namespaces,
# the veth, /run/netns if it was absent) is removed on exit, and every process
# left in its namespaces is ended by PID.
. "$(dirname "$0")/lib.sh"
require_svdrun

RSH="$TESTS_MPI_DIR/lib_netns_rsh.sh"
NS_A="svdA-$$"
NS_B="svdB-$$"
IF_A=svd-a            # veth ends, created directly inside the namespaces
IF_B=svd-b
# 10.213.N.0/24, with N from the PID; a subnet the host itself uses is passed
# over (not that it could collide: these addresses live only in the namespaces)
n=$(( $$ % 250 + 1 ))
while [ "$n" -lt 255 ] && ip -o -4 addr show 2>/dev/null | grep -qF " 10.213.$n."; do
    n=$((n + 1))
done
NET="10.213.$n"
ADDR_A="$NET.1"
ADDR_B="$NET.2"
NETNS_DIR=/var/run/netns          # ip netns's registry, /run/netns on Debian
# /run/netns, when absent, is created (and bind-mounted) by the first
# "ip netns add". Concurrent runs of this test share it: under a lock on /run,
# the run that finds it absent leaves this marker, and whichever run last
# finds it empty and marked unmounts and removes it with the marker.
NETNS_MARK=/run/svdrun-hosts-test.netns-made
NETNS_DIR_REMOVED=0
NS_MADE=()
LIMIT=120

ARGS=(--size=80 --count=12 --vectors=thin --distribute=regenerate,scatter)
# bytes of the matrices that scatter sends to rank 1 at np 2: 6 of 80x80 doubles
SCATTER_BYTES=$(( 6 * 80 * 80 * 8 ))

# ns_pids: PIDs of every process inside the namespaces this script made.
ns_pids() {
    local ns
    for ns in "${NS_MADE[@]+"${NS_MADE[@]}"}"; do
        ip netns pids "$ns" 2>/dev/null
    done
}

# hosts_teardown: ends what runs in the namespaces (by PID), deletes them
# (which destroys the veth), and removes /run/netns only if a run of this
# test made it and no namespace is registered there any more.
LOCKED_RUN=0
hosts_teardown() {
    local pids i ns
    pids=$(ns_pids)
    if [ -n "$pids" ]; then
        kill -TERM $pids 2>/dev/null
        for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
            sleep 0.1
            pids=$(ns_pids)
            [ -z "$pids" ] && break
        done
        [ -n "$pids" ] && kill -KILL $pids 2>/dev/null && sleep 0.2
    fi
    for ns in "${NS_MADE[@]+"${NS_MADE[@]}"}"; do
        ip netns del "$ns" 2>/dev/null
    done
    NS_MADE=()
    # what an interrupted launch leaves: Open MPI's session directories and
    # shared-memory segments, named after these hosts (so only this run's)
    local tmp=${TMPDIR:-/tmp} h
    for h in "$NS_A" "$NS_B"; do
        rm -rf "$tmp/ompi.$h."* /dev/shm/vader_segment."$h".* 2>/dev/null
    done
    [ "$LOCKED_RUN" = 1 ] || return 0
    (
        flock -w 30 9 || exit 0
        [ -e "$NETNS_MARK" ] || exit 0
        if [ ! -e "$NETNS_DIR" ]; then
            rm -f "$NETNS_MARK"          # ip netns add failed before making it
        elif [ -d "$NETNS_DIR" ] && [ -z "$(ls -A "$NETNS_DIR" 2>/dev/null)" ]; then
            umount "$NETNS_DIR" 2>/dev/null
            rmdir "$NETNS_DIR" 2>/dev/null && rm -f "$NETNS_MARK" && exit 10
        fi
        exit 0
    ) 9</run
    [ $? -eq 10 ] && NETNS_DIR_REMOVED=1
    LOCKED_RUN=0
}

_hosts_cleanup() {
    _lib_cleanup      # ends the launches (timeout's process groups), removes $TMPD
    hosts_teardown    # then whatever is left inside the namespaces
}
trap _hosts_cleanup EXIT

# skip_all REASON: the whole scenario is impossible here.
skip_all() {
    tap_skip "svdrun across two hosts (network namespaces) over TCP" "$1"
    tap_done
    exit 0
}

# ---- set-up ---------------------------------------------------------------
[ "$(id -u)" -eq 0 ] || skip_all "needs root for network namespaces"
command -v ip >/dev/null 2>&1 || skip_all "no ip command (Debian package iproute2)"
command -v unshare >/dev/null 2>&1 || skip_all "no unshare command (util-linux)"
command -v mpirun >/dev/null 2>&1 || tap_bail "no mpirun"
unshare --uts true 2>/dev/null || skip_all "unshare --uts is refused here"

setup_log="$TMPD/setup.log"
setup() {
    LOCKED_RUN=1
    # the first namespace under the lock, so /run/netns is made only once
    (
        flock -w 30 9 || { echo "cannot lock /run"; exit 1; }
        if [ ! -e "$NETNS_DIR" ]; then
            : >"$NETNS_MARK" || exit 1
        fi
        ip netns add "$NS_A"
    ) 9</run || return 1
    NS_MADE+=("$NS_A")
    ip netns add "$NS_B" || return 1
    NS_MADE+=("$NS_B")
    # both ends are born inside their namespaces: no name in the host's
    ip link add "$IF_A" netns "$NS_A" type veth peer name "$IF_B" netns "$NS_B" || return 1
    ip -n "$NS_A" addr add "$ADDR_A/24" dev "$IF_A" || return 1
    ip -n "$NS_B" addr add "$ADDR_B/24" dev "$IF_B" || return 1
    local ns
    for ns in "$NS_A" "$NS_B"; do
        # IPv4 only: no IPv6 link-local chatter on the veth
        ip netns exec "$ns" sh -c 'for f in /proc/sys/net/ipv6/conf/*/disable_ipv6; do
                                       [ -w "$f" ] && echo 1 >"$f"; done; true'
        ip -n "$ns" link set lo up || return 1
    done
    ip -n "$NS_A" link set "$IF_A" up || return 1
    ip -n "$NS_B" link set "$IF_B" up || return 1
}
if ! setup >"$setup_log" 2>&1; then
    reason=$(grep -v '^$' "$setup_log" | head -n 1)
    hosts_teardown
    skip_all "network namespaces are not available: ${reason:-unknown error}"
fi

# the veth and the addresses exist only inside the namespaces, which have no
# default route
host_addrs=$(ip -o -4 addr show | grep -F " $NET.")
host_links=$(ip -o link show | grep -E ": ($IF_A|$IF_B)[@:]")
routes=$(ip -n "$NS_A" route; ip -n "$NS_B" route)
if [ -z "$host_addrs" ] && [ -z "$host_links" ] && ! grep -q '^default' <<<"$routes" \
   && ip -n "$NS_A" -o -4 addr show dev "$IF_A" | grep -qF " $ADDR_A/24" \
   && ip -n "$NS_B" -o -4 addr show dev "$IF_B" | grep -qF " $ADDR_B/24"; then
    tap_ok "two namespaces joined by a veth; $NET.0/24 only inside them, no default route"
else
    tap_not_ok "two namespaces joined by a veth; $NET.0/24 only inside them, no default route" \
        "host addresses in $NET.0/24: ${host_addrs:-none}" "host links: ${host_links:-none}" \
        "routes: $routes"
fi

# ---- launches ---------------------------------------------------------------
HOSTFILE2="$TMPD/hostfile.1slot"
HOSTFILE4="$TMPD/hostfile.2slots"
printf '%s slots=1\n%s slots=1\n' "$ADDR_A" "$ADDR_B" >"$HOSTFILE2"
printf '%s slots=2\n%s slots=2\n' "$ADDR_A" "$ADDR_B" >"$HOSTFILE4"
export NETNS_RSH_MAP="$ADDR_A=$NS_A=$NS_A $ADDR_B=$NS_B=$NS_B"
MPI_HOSTS_OPTS=(
    --bind-to none
    --mca plm_rsh_agent "$RSH"
    --mca btl self,vader,tcp
    --mca btl_tcp_if_include "$NET.0/24"
    --mca oob_tcp_if_include "$NET.0/24"
)

# start_hosts_bg NP HOSTFILE [MPIRUN OPTIONS...] -- PROGRAM ARGS...: mpirun in
# the first namespace, whose host name is $NS_A, under a timeout. Sets BG_PID,
# RUN_OUT, RUN_ERR, RUN_CMD like start_bg; wait_bg collects RUN_RC.
start_hosts_bg() {
    local np=$1 hostfile=$2
    shift 2
    RUN_SEQ=$((RUN_SEQ + 1))
    RUN_OUT="$TMPD/run$RUN_SEQ.out"
    RUN_ERR="$TMPD/run$RUN_SEQ.err"
    local opts=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        opts+=("$1")
        shift
    done
    shift
    RUN_CMD="(in $NS_A) mpirun -np $np --hostfile $(basename "$hostfile") ${opts[*]} $*"
    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
        timeout -k 5 "$LIMIT" ip netns exec "$NS_A" unshare --uts \
        sh -c 'hostname "$1" || exit 125; shift; exec "$@"' hosts_sh "$NS_A" \
        mpirun "${MPI_HOSTS_OPTS[@]}" "${opts[@]+"${opts[@]}"}" -np "$np" --hostfile "$hostfile" "$@" \
        >"$RUN_OUT" 2>"$RUN_ERR" </dev/null &
    BG_PID=$!
    BG_PIDS+=("$BG_PID")
}

# run_hosts: start_hosts_bg and wait; retried twice when the binary is being
# rebuilt ("could not access or execute").
run_hosts() {
    local try
    for try in 1 2 3; do
        start_hosts_bg "$@"
        wait_bg
        grep -q 'could not access or execute' "$RUN_ERR" || return 0
        sleep 3
    done
}

# run_single NP ARGS...: run_svdrun on this host, with the same retry.
run_single() {
    local try
    for try in 1 2 3; do
        run_svdrun "$@"
        grep -q 'could not access or execute' "$RUN_ERR" || return 0
        sleep 3
    done
}

# rx_bytes NS IF: bytes received on the veth end IF.
rx_bytes() {
    ip netns exec "$1" cat "/sys/class/net/$2/statistics/rx_bytes" 2>/dev/null || echo 0
}

# the launcher alone: one process per host, each with its host's name
run_hosts 2 "$HOSTFILE2" -- hostname
names=$(sort "$RUN_OUT" | tr '\n' ' ')
expect=$(printf '%s\n%s\n' "$NS_A" "$NS_B" | sort | tr '\n' ' ')
if [ "$RUN_RC" -eq 0 ] && [ "$names" = "$expect" ]; then
    tap_ok "lib_netns_rsh.sh starts a daemon in the second namespace: hostname prints $NS_A and $NS_B"
else
    tap_not_ok "lib_netns_rsh.sh starts a daemon in the second namespace" "printed: $names"
    run_diag
fi

# reference: the same job on one host
ref_res="$TMPD/ref.res"
ref_json="$TMPD/ref.jsonl"
run_single 2 "$LIMIT" "${ARGS[@]}" --ranks=1,2 --results "$ref_res" --json "$ref_json"
if [ "$RUN_RC" -eq 0 ] && [ -s "$ref_res" ] && [ "$(summary_counts "$RUN_OUT")" = "4 0 0" ]; then
    tap_ok "single-host reference (np 2): exit 0, 4 configurations PASSED"
else
    tap_not_ok "single-host reference (np 2): exit 0, 4 configurations PASSED"
    run_diag
fi

# json_hosts LABEL JSONL EXPECT: every record PASSED with the reference's
# checksum; EXPECT maps "distribute/ranks" to the expected hosts list, one
# record each; scatter records over more than one host spent time in transfer.
json_hosts() {
    local label=$1 jsonl=$2 expect=$3 log="$TMPD/json.$RUN_SEQ.log" rc
    timeout 60 "$PY" - "$jsonl" "$ref_json" "$expect" >"$log" 2>&1 <<'EOF'
import json, sys
path, ref_path, expect = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
def load(p):
    with open(p) as f:
        return [json.loads(line) for line in f if line.strip()]
recs, ref = load(path), load(ref_path)
refsums = {r["checksum"] for r in ref}
def check(ok, desc, *diag):
    print(("PASS " if ok else "FAIL ") + desc)
    for d in ([] if ok else diag):
        print("# " + str(d))
check(len(recs) == len(expect), "%d records" % len(expect), "got %d" % len(recs))
check(len(refsums) == 1, "the reference records share one checksum", sorted(refsums))
by = {}
for r in recs:
    by.setdefault("%s/%d" % (r["distribute"], r["ranks"]), []).append(r)
for key, hosts in sorted(expect.items()):
    rs = by.get(key, [])
    if len(rs) != 1:
        check(False, key + ": one record", "got %d" % len(rs))
        continue
    r = rs[0]
    check(r["hosts"] == hosts, "%s: hosts %s" % (key, ",".join(hosts)), "got %s" % r["hosts"])
    check(r["check"] == "PASSED" and r["failed"] == 0, key + ": check PASSED, no LAPACK failure",
          "check %s, failed %s" % (r["check"], r["failed"]))
    check(r["checksum"] in refsums, key + ": checksum equals the single-host run's",
          "got %s, reference %s" % (r["checksum"], sorted(refsums)))
    if r["distribute"] == "scatter" and len(hosts) > 1:
        check(r["transfer_s"] > 0, key + ": transfer_s > 0 (matrices streamed to the other host)",
              "transfer_s %s" % r["transfer_s"])
EOF
    rc=$?
    tap_from_checks "$label" "$log" "$rc"
}

# host_lines FILE NAME:COUNT...: the header's per-host lines are exactly these.
host_lines() {
    local f=$1 item n=0
    shift
    for item in "$@"; do
        grep -q "^host ${item%%:*}: ${item#*:} rank(s), " "$f" || return 1
        n=$((n + 1))
    done
    [ "$(grep -c '^host ' "$f")" -eq "$n" ]
}

# ---- np 2: one rank per host ---------------------------------------------
res2="$TMPD/hosts2.res"
json2="$TMPD/hosts2.jsonl"
rx0=$(rx_bytes "$NS_B" "$IF_B")
run_hosts 2 "$HOSTFILE2" -- "$SVDRUN" "${ARGS[@]}" --ranks=1,2 --results "$res2" --json "$json2"
rx1=$(rx_bytes "$NS_B" "$IF_B")
label="np 2 on 2 hosts"
if [ "$RUN_RC" -eq 0 ]; then
    tap_ok "$label: exit 0"
else
    tap_not_ok "$label: exit 0"
    run_diag
fi
if [ "$(summary_counts "$RUN_OUT")" = "4 0 0" ] && [ "$(count_rows "$RUN_OUT" PASSED)" -eq 4 ]; then
    tap_ok "$label: 4 configurations, all PASSED"
else
    tap_not_ok "$label: 4 configurations, all PASSED" "summary: $(summary_counts "$RUN_OUT")"
fi
if [ -s "$res2" ] && cmp -s "$res2" "$ref_res"; then
    tap_ok "$label: --results integers equal the single-host run's"
else
    tap_not_ok "$label: --results integers equal the single-host run's"
    diff "$ref_res" "$res2" 2>&1 | head -n 10 | sed 's/^/#   /'
fi
if host_lines "$RUN_OUT" "$NS_A:1" "$NS_B:1" && grep -q "^rank 0: $NS_A, " "$RUN_OUT" \
   && grep -q "^rank 1: $NS_B, " "$RUN_OUT"; then
    tap_ok "$label: the header lists 2 hosts with 1 rank each, rank 0 on $NS_A, rank 1 on $NS_B"
else
    tap_not_ok "$label: the header lists 2 hosts with 1 rank each"
    grep -E '^(host|rank [0-9]+:) ' "$RUN_OUT" | sed 's/^/#   /'
fi
if [ -s "$json2" ]; then
    json_hosts "$label" "$json2" "{\"regenerate/1\":[\"$NS_A\"],\"regenerate/2\":[\"$NS_A\",\"$NS_B\"],
                                  \"scatter/1\":[\"$NS_A\"],\"scatter/2\":[\"$NS_A\",\"$NS_B\"]}"
else
    tap_not_ok "$label: JSON records written"
fi
# scatter sends rank 1 its 6 matrices through the veth (TCP, not shared memory);
# everything else (launch, modex, results, timings) is about 6 kB here
rx=$((rx1 - rx0))
if [ "$rx" -ge "$SCATTER_BYTES" ]; then
    tap_ok "$label: $rx bytes reached $NS_B over the veth, at least scatter's $SCATTER_BYTES"
else
    tap_not_ok "$label: at least scatter's $SCATTER_BYTES bytes reached $NS_B over the veth" \
        "received $rx bytes"
fi

# ---- np 4: two ranks per host, placed round-robin ----------------------------
res4="$TMPD/hosts4.res"
json4="$TMPD/hosts4.jsonl"
run_hosts 4 "$HOSTFILE4" --map-by node -- "$SVDRUN" "${ARGS[@]}" --ranks=1,2,4 \
    --results "$res4" --json "$json4"
label="np 4 on 2 hosts (2 slots each, --map-by node)"
if [ "$RUN_RC" -eq 0 ] && [ "$(summary_counts "$RUN_OUT")" = "6 0 0" ] \
   && [ "$(count_rows "$RUN_OUT" PASSED)" -eq 6 ]; then
    tap_ok "$label: exit 0, 6 configurations, all PASSED"
else
    tap_not_ok "$label: exit 0, 6 configurations, all PASSED" "summary: $(summary_counts "$RUN_OUT")"
    run_diag
fi
if [ -s "$res4" ] && cmp -s "$res4" "$ref_res"; then
    tap_ok "$label: --results integers equal the single-host run's"
else
    tap_not_ok "$label: --results integers equal the single-host run's"
    diff "$ref_res" "$res4" 2>&1 | head -n 10 | sed 's/^/#   /'
fi
if host_lines "$RUN_OUT" "$NS_A:2" "$NS_B:2"; then
    tap_ok "$label: the header lists 2 hosts with 2 ranks each"
else
    tap_not_ok "$label: the header lists 2 hosts with 2 ranks each"
    grep -E '^(host|rank [0-9]+:) ' "$RUN_OUT" | sed 's/^/#   /'
fi
if [ -s "$json4" ]; then
    both="[\"$NS_A\",\"$NS_B\"]"
    json_hosts "$label" "$json4" "{\"regenerate/1\":[\"$NS_A\"],\"regenerate/2\":$both,\"regenerate/4\":$both,
                                  \"scatter/1\":[\"$NS_A\"],\"scatter/2\":$both,\"scatter/4\":$both}"
else
    tap_not_ok "$label: JSON records written"
fi

# ---- the dynamic schedule's counter across hosts -----------------------------
# a mixed set on 4 ranks (2 per host) x 2 batch threads: the counter is a window
# on rank 0 reached with MPI_Fetch_and_op over TCP; the integers equal a
# single-host run's. Then with the component choice svdrun avoids (osc/rdma,
# which cannot make such a window in Open MPI 4.1): the configuration runs the
# cost schedule instead, says so, and still gives the same integers.
MIXED=(--shapes="60x60:12, 9x9:60" --threads=2 --thread_mode=batch --ranks=4)
run_single 4 "$LIMIT" "${MIXED[@]}" --schedule=static --results "$TMPD/dyn_ref.res"
dyn_json="$TMPD/dyn.jsonl"
run_hosts 4 "$HOSTFILE4" --map-by node -- "$SVDRUN" "${MIXED[@]}" --schedule=dynamic \
    --results "$TMPD/dyn.res" --json "$dyn_json"
label="dynamic on 2 hosts (np 4, 2 batch threads)"
if [ "$RUN_RC" -eq 0 ] && cmp -s "$TMPD/dyn.res" "$TMPD/dyn_ref.res" &&
    grep -q '"counter":"rma-fetch-op"' "$dyn_json" 2>/dev/null; then
    tap_ok "$label: exit 0, the counter is rma-fetch-op, integers equal a single-host static run's"
    tap_diag "$("$PY" -c 'import json,sys; r=json.loads(open(sys.argv[1]).readline());
print("grabs %d, median %.1f us, p99 %.1f us, share %.4f%%" % (r["grabs"], r["grab_median_us"],
      r["grab_p99_us"], 100 * r["grab_share"]))' "$dyn_json")"
else
    tap_not_ok "$label: exit 0, the counter is rma-fetch-op, integers equal a single-host static run's"
    run_diag
fi
# the same with one rank per host and one thread (no core oversubscribed), for the record
run_hosts 2 "$HOSTFILE2" -- "$SVDRUN" --shapes="60x60:12, 9x9:60" --ranks=2 --schedule=dynamic \
    --results "$TMPD/dyn2.res" --json "$TMPD/dyn2.jsonl"
if [ "$RUN_RC" -eq 0 ] && cmp -s "$TMPD/dyn2.res" "$TMPD/dyn_ref.res"; then
    tap_ok "dynamic on 2 hosts (np 2, 1 thread): exit 0, the same integers"
    tap_diag "$("$PY" -c 'import json,sys; r=json.loads(open(sys.argv[1]).readline());
print("grabs %d, median %.1f us, p99 %.1f us, share %.4f%%, makespan/LB %.3f" % (r["grabs"],
      r["grab_median_us"], r["grab_p99_us"], 100 * r["grab_share"], r["makespan_over_lb"]))' "$TMPD/dyn2.jsonl")"
else
    tap_not_ok "dynamic on 2 hosts (np 2, 1 thread): exit 0, the same integers"
    run_diag
fi
OMPI_MCA_osc=sm,rdma run_hosts 4 "$HOSTFILE4" --map-by node -x OMPI_MCA_osc -- "$SVDRUN" \
    "${MIXED[@]}" --schedule=dynamic --results "$TMPD/fb.res" --json "$TMPD/fb.jsonl"
label="dynamic on 2 hosts with OMPI_MCA_osc=sm,rdma (no window to be had)"
if [ "$RUN_RC" -eq 0 ] && cmp -s "$TMPD/fb.res" "$TMPD/dyn_ref.res" &&
    grep -q "cannot make the counter's window" "$RUN_ERR" &&
    grep -q '"counter":"none-ran-cost"' "$TMPD/fb.jsonl" 2>/dev/null; then
    tap_ok "$label: exit 0, says so, ran the cost schedule, the same integers"
else
    tap_not_ok "$label: exit 0, says so, ran the cost schedule, the same integers"
    run_diag
fi

# ---- teardown ----------------------------------------------------------------
# every launch has ended: mpirun must have taken its daemon and ranks with it
sleep 0.3
leftover=$(ns_pids | tr '\n' ' ')
if [ -z "$leftover" ]; then
    tap_ok "no process is left in either namespace after the launches"
else
    tap_not_ok "no process is left in either namespace after the launches" "left: $leftover"
    ps -o pid,ppid,args -p "${leftover// /,}" 2>/dev/null | sed 's/^/#   /'
fi
hosts_teardown
left=$(ip netns list 2>/dev/null | grep -E "^($NS_A|$NS_B)( |\$)")
# a /run/netns made by this test must not outlive its last namespace
dir_left=""
[ -e "$NETNS_MARK" ] && [ -d "$NETNS_DIR" ] && [ -z "$(ls -A "$NETNS_DIR" 2>/dev/null)" ] && dir_left=yes
if [ -z "$left" ] && [ -z "$dir_left" ]; then
    tap_ok "teardown: both namespaces (and with them the veth) are gone$([ "$NETNS_DIR_REMOVED" = 1 ] && echo "; $NETNS_DIR, made by this test, removed")"
else
    tap_not_ok "teardown: both namespaces (and with them the veth) are gone" \
        "left: ${left:-none}" "$NETNS_DIR left behind empty: ${dir_left:-no}"
fi

tap_done
