# lib_cluster.sh: a throw-away one-node Slurm cluster for tests (source it;
# it is not run alone, and tests/run.sh skips lib*.sh).
#
#   cluster_install          installs slurm-wlm and munge when missing (root);
#                            returns 1, with CLUSTER_WHY set, when it cannot
#   cluster_start [CPUS]     munged + slurmctld + slurmd under a new temp dir,
#                            waits until the node is idle; exports SLURM_CONF.
#                            CPUS > the real count configures a bigger node
#                            (SlurmdParameters=config_overrides, a test trick)
#   cluster_stop             cancels every job, stops every daemon by PID,
#                            ends stray job processes, removes the temp dir.
#                            Idempotent; cluster_start installs it as an EXIT
#                            trap (chained after any EXIT trap already set).
#                            Afterwards CLUSTER_LEFT lists any PID that
#                            survived (empty when all is well). cluster_start
#                            also sets INT/TERM traps (exit 130, and ignore
#                            repeats while cleaning up)
#   cluster_diag             the daemons' log tails, as TAP diagnostics
#   job_field ID FIELD       one field of `scontrol show job ID` (JobState, ExitCode…)
#   wait_job ID TIMEOUT      waits until the job has left the queue; 1 on timeout
#
# Everything (key, socket, config, state, spool, logs, PID files) lives in
# $CLUSTER_DIR. Daemons run in the foreground (munged -F, slurm* -D) as
# background children of this shell, each in its own session (setsid), so each
# one is known by the PID that $! gave, never by name. Ports: 6817/6818, or the
# next free pair (SVDRUN_SLURMCTLD_PORT=P forces P and P+1).
# The facts behind the configuration (Debian 12, Slurm 22.05, munge 0.5.15,
# Open MPI 4.1 with PMIx 4.2):
#   - MpiDefault=pmix: Debian's Open MPI has no PMI-1/2, so mpi/pmi2 fails.
#   - no cgroups: ProctrackType=proctrack/linuxproc, TaskPlugin=task/affinity,
#     so it runs in containers without a delegated cgroup tree.
#   - select/cons_tres with CR_Core: each task gets whole cores, which
#     --cpu-bind=cores then pins.
#   - SlurmctldHost=HOST(127.0.0.1) and NodeAddr=127.0.0.1: no DNS needed;
#     NodeName must be `hostname -s`, which slurmd uses to find itself.
#   - MinJobAge=3600: finished jobs stay visible to `scontrol show job`.

CLUSTER_DIR=""
CLUSTER_PIDS=()          # munged slurmctld slurmd, in start order
CLUSTER_NAMES=()
CLUSTER_WHY=""
CLUSTER_CPUS=""          # CPUs of the configured node
CLUSTER_PHYS_CPUS=""     # CPUs slurmd -C found
CLUSTER_PREV_TRAP=""
CLUSTER_NODE=""
CLUSTER_TRAP_SET=""
CLUSTER_LEFT=()          # after cluster_stop: PIDs that would not die
CLUSTER_STOPPED_PIDS=()  # after cluster_stop: the daemons it stopped

cluster_log() { echo "# cluster: $*"; }

# cluster_install: slurm-wlm and munge, via apt-get, only when missing.
cluster_install() {
    local need=() p
    for p in slurm-wlm munge; do
        dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
    done
    if [ ${#need[@]} -gt 0 ]; then
        if [ "$(id -u)" -ne 0 ]; then
            CLUSTER_WHY="${need[*]} not installed and not root (apt-get install ${need[*]})"
            return 1
        fi
        cluster_log "installing ${need[*]}"
        export DEBIAN_FRONTEND=noninteractive
        # On a systemd host the packages enable munge.service (its own socket
        # in /run/munge, no clash with ours); slurmctld/slurmd.service need
        # /etc/slurm/slurm.conf, which nothing here writes, so they stay down.
        if ! timeout 600 apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1; then
            timeout 300 apt-get update -qq >/dev/null 2>&1
            if ! timeout 600 apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1; then
                CLUSTER_WHY="apt-get install ${need[*]} failed"
                return 1
            fi
        fi
    fi
    local b
    for b in slurmctld slurmd munged mungekey sbatch srun squeue scontrol sinfo scancel; do
        if ! command -v "$b" >/dev/null 2>&1; then
            CLUSTER_WHY="$b not found after installing slurm-wlm and munge"
            return 1
        fi
    done
    if [ "$(id -u)" -ne 0 ]; then
        CLUSTER_WHY="the test cluster runs its daemons as root"
        return 1
    fi
    return 0
}

# _cluster_bg NAME LOG CMD...: a daemon in the foreground, in the background,
# in a session of its own: a signal to this script's process group (timeout(1)
# sends one) must not kill the daemons before cluster_stop has cancelled the
# jobs through them. setsid execs in place (a background job is no group
# leader), so $! is the daemon's PID.
_cluster_bg() {
    local name=$1 log=$2
    shift 2
    setsid "$@" >>"$log" 2>&1 </dev/null &
    CLUSTER_PIDS+=("$!")
    CLUSTER_NAMES+=("$name")
}

# _cluster_alive NAME: the daemon started under NAME still runs.
_cluster_alive() {
    local i
    for i in "${!CLUSTER_NAMES[@]}"; do
        if [ "${CLUSTER_NAMES[$i]}" = "$1" ]; then
            # explicit statuses: a bare `return` in a function called from a
            # trap handler returns the status from before the trap (143)
            kill -0 "${CLUSTER_PIDS[$i]}" 2>/dev/null && return 0
            return 1
        fi
    done
    return 1
}

# _cluster_node_line CPUS: sets CLUSTER_NODE to `slurmd -C`'s node line, with
# NodeAddr, and with CPUS instead of the real count when CPUS is larger.
_cluster_node_line() {
    local want=$1 line
    line=$(slurmd -C 2>/dev/null | head -n 1)
    case $line in NodeName=*) ;; *) return 1 ;; esac
    CLUSTER_PHYS_CPUS=$(sed -n 's/.* CPUs=\([0-9]*\).*/\1/p' <<<"$line")
    if [ -n "$want" ] && [ "$want" -gt "$CLUSTER_PHYS_CPUS" ]; then
        # keep boards/sockets/threads, scale the cores per socket; fall back
        # to one socket of single-thread cores when the count does not divide
        local b s t
        b=$(sed -n 's/.* Boards=\([0-9]*\).*/\1/p' <<<"$line")
        s=$(sed -n 's/.* SocketsPerBoard=\([0-9]*\).*/\1/p' <<<"$line")
        t=$(sed -n 's/.* ThreadsPerCore=\([0-9]*\).*/\1/p' <<<"$line")
        b=${b:-1} s=${s:-1} t=${t:-1}
        if [ $((want % (b * s * t))) -ne 0 ]; then
            b=1 s=1 t=1
        fi
        line=$(sed -e "s/ CPUs=[0-9]*/ CPUs=$want/" \
                   -e "s/ Boards=[0-9]*/ Boards=$b/" \
                   -e "s/ SocketsPerBoard=[0-9]*/ SocketsPerBoard=$s/" \
                   -e "s/ ThreadsPerCore=[0-9]*/ ThreadsPerCore=$t/" \
                   -e "s/ CoresPerSocket=[0-9]*/ CoresPerSocket=$((want / (b * s * t)))/" <<<"$line")
        CLUSTER_CPUS=$want
    else
        CLUSTER_CPUS=$CLUSTER_PHYS_CPUS
    fi
    CLUSTER_NODE="$line NodeAddr=127.0.0.1"
}

# _cluster_port_free PORT: nothing accepts connections on 127.0.0.1:PORT.
_cluster_port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Signals. timeout(1) sends TERM twice, to this shell and to its process
# group; a second TERM arriving during the EXIT trap would run `exit` again
# and cut the clean-up short, leaving daemons behind. So once a signal has
# started the exit, or while the cluster is being stopped, further INT/TERM
# only set a flag.
CLUSTER_SIGNALLED=""
CLUSTER_EXITING=""
_cluster_on_signal() {
    trap 'CLUSTER_SIGNALLED=1' INT TERM
    exit 130
}
_cluster_on_exit() {
    CLUSTER_EXITING=1
    trap 'CLUSTER_SIGNALLED=1' INT TERM
    cluster_stop
    eval "$CLUSTER_PREV_TRAP"
}

# cluster_start [CPUS]: 0 when the node is idle; else 1 with CLUSTER_WHY.
cluster_start() {
    local want=${1:-}
    local host
    host=$(hostname -s)
    CLUSTER_DIR=$(mktemp -d "${TMPDIR:-/tmp}/svdrun-slurm.XXXXXX") || {
        CLUSTER_WHY="mktemp failed"
        return 1
    }
    chmod 0755 "$CLUSTER_DIR"
    # chain: stop the cluster first, then whatever EXIT trap was there
    # (installed once, so that a second cluster_start does not chain itself)
    if [ -z "$CLUSTER_TRAP_SET" ]; then
        local prev
        prev=$(trap -p EXIT)
        if [ -n "$prev" ]; then
            eval "set -- $prev"     # trap -- 'COMMAND' EXIT
            CLUSTER_PREV_TRAP=$3
        fi
        trap _cluster_on_exit EXIT
        trap _cluster_on_signal INT TERM
        CLUSTER_TRAP_SET=1
    fi

    local d=$CLUSTER_DIR
    mkdir -p "$d/munge-key" "$d/munge-run" "$d/state" "$d/spool" "$d/log" "$d/run"
    chmod 0700 "$d/munge-key"
    chmod 0755 "$d/munge-run"

    # munge: its own key and socket; munged refuses lax permissions
    if ! mungekey --create --keyfile="$d/munge-key/munge.key" >"$d/log/mungekey.log" 2>&1; then
        CLUSTER_WHY="mungekey failed: $(head -n 3 "$d/log/mungekey.log")"
        return 1
    fi
    chmod 0600 "$d/munge-key/munge.key"
    local sock="$d/munge-run/munge.socket"
    _cluster_bg munged "$d/log/munged.out" munged --foreground --force \
        --key-file="$d/munge-key/munge.key" --socket="$sock" \
        --pid-file="$d/munge-run/munged.pid" --log-file="$d/log/munged.log" \
        --seed-file="$d/munge-key/munged.seed"
    local i
    for i in $(seq 100); do
        [ -S "$sock" ] && break
        _cluster_alive munged || break
        sleep 0.1
    done
    if [ ! -S "$sock" ]; then
        CLUSTER_WHY="munged did not create its socket"
        return 1
    fi

    local node
    if ! _cluster_node_line "$want"; then
        CLUSTER_WHY="slurmd -C printed no NodeName line"
        return 1
    fi
    node=$CLUSTER_NODE
    case $node in "NodeName=$host "*) ;; *)
        CLUSTER_WHY="slurmd -C names the node differently from hostname -s ($host): $node"
        return 1 ;;
    esac
    local overrides=""
    [ "$CLUSTER_CPUS" -gt "$CLUSTER_PHYS_CPUS" ] && overrides="SlurmdParameters=config_overrides"

    # ports: 6817 and 6818 (Slurm's defaults) unless something listens there,
    # e.g. a real Slurm on this host; then the next free pair
    local ctld_port=${SVDRUN_SLURMCTLD_PORT:-} d_port
    if [ -z "$ctld_port" ]; then
        for ctld_port in $(seq 6817 2 6915); do
            _cluster_port_free "$ctld_port" && _cluster_port_free $((ctld_port + 1)) && break
        done
    fi
    d_port=$((ctld_port + 1))
    cat >"$d/slurm.conf" <<EOF
# svdrun test cluster, written by tests/slurm/lib_cluster.sh
ClusterName=svdruntest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/run/slurmctld.pid
SlurmdPidFile=$d/run/slurmd.pid
SlurmctldLogFile=$d/log/slurmctld.log
SlurmdLogFile=$d/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=pmix
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1
MinJobAge=3600
KillWait=2
MailProg=/bin/true
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
$overrides
$node State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
    export SLURM_CONF="$d/slurm.conf"

    _cluster_bg slurmctld "$d/log/slurmctld.out" slurmctld -D -c -i -f "$SLURM_CONF"
    _cluster_bg slurmd "$d/log/slurmd.out" slurmd -D -f "$SLURM_CONF"

    # idle within 30 s (about 1 s here)
    local state=""
    for i in $(seq 300); do
        state=$(timeout 5 sinfo -h -o %T 2>/dev/null | head -n 1)
        [ "$state" = idle ] && break
        if ! _cluster_alive slurmctld || ! _cluster_alive slurmd; then
            state="a daemon exited"
            break
        fi
        sleep 0.1
    done
    if [ "$state" != idle ]; then
        CLUSTER_WHY="the node is not idle after starting (${state:-no sinfo answer})"
        return 1
    fi
    return 0
}

# _cluster_job_pids: processes of this cluster's jobs (slurmstepd and the
# tasks under it): their environment names this cluster's SLURM_CONF and
# they are slurmstepd or carry SLURM_JOB_ID. This shell has SLURM_CONF but
# no SLURM_JOB_ID, so it never matches. One grep reads every environment.
_cluster_job_pids() {
    [ -n "$CLUSTER_DIR" ] || return 0
    local f p comm
    grep -lzxF "SLURM_CONF=$CLUSTER_DIR/slurm.conf" /proc/[0-9]*/environ 2>/dev/null |
    while IFS= read -r f; do
        p=${f#/proc/}
        p=${p%/environ}
        [ "$p" = "$$" ] && continue
        comm=$(cat "/proc/$p/comm" 2>/dev/null)
        if [ "$comm" = slurmstepd ] || grep -qz '^SLURM_JOB_ID=' "$f" 2>/dev/null; then
            echo "$p"
        fi
    done
    return 0
}

# _cluster_kill_wait SECONDS PID...: TERM, wait, KILL what is left, reap.
_cluster_kill_wait() {
    local limit=$1
    shift
    [ $# -gt 0 ] || return 0
    local p left i
    kill -TERM "$@" 2>/dev/null
    for i in $(seq $((limit * 10))); do
        left=0
        for p in "$@"; do
            kill -0 "$p" 2>/dev/null && left=1
        done
        [ "$left" -eq 0 ] && break
        sleep 0.1
    done
    for p in "$@"; do
        if kill -0 "$p" 2>/dev/null; then
            cluster_log "PID $p did not stop within ${limit}s: KILL"
            kill -KILL "$p" 2>/dev/null
        fi
    done
    for p in "$@"; do
        wait "$p" 2>/dev/null   # reaps our own children; others are not ours to wait for
    done
    # a KILLed process that is not our child: give the kernel a moment
    for i in $(seq 20); do
        left=0
        for p in "$@"; do
            kill -0 "$p" 2>/dev/null && left=1
        done
        [ "$left" -eq 0 ] && break
        sleep 0.1
    done
    return 0
}

cluster_stop() {
    [ -n "$CLUSTER_DIR" ] || return 0
    local i pids=() saved=""
    if [ -z "$CLUSTER_EXITING" ]; then
        # called by the script: a signal now is acted on once stopped
        saved=$(trap -p INT TERM)
        trap 'CLUSTER_SIGNALLED=1' INT TERM
    fi
    # jobs first, while the daemons can still end them cleanly
    if _cluster_alive slurmctld; then
        local jobs
        jobs=$(timeout 5 squeue -h -o %i 2>/dev/null)
        if [ -n "$jobs" ]; then
            timeout 5 scancel $jobs >/dev/null 2>&1
            for i in $(seq 50); do
                [ -z "$(timeout 5 squeue -h -o %i 2>/dev/null)" ] && break
                sleep 0.1
            done
        fi
    fi
    # slurmd, slurmctld, munged: the reverse of the start order
    for ((i = ${#CLUSTER_PIDS[@]} - 1; i >= 0; i--)); do
        _cluster_kill_wait 5 "${CLUSTER_PIDS[$i]}"
    done
    # job processes the daemons left behind (slurmstepd is not slurmd's child)
    mapfile -t pids < <(_cluster_job_pids)
    if [ ${#pids[@]} -gt 0 ]; then
        # slurmstepd ignores TERM; KILL follows after 2 s
        cluster_log "ending stray job processes: ${pids[*]}"
        _cluster_kill_wait 2 "${pids[@]}"
    fi
    mapfile -t pids < <(_cluster_job_pids)
    CLUSTER_LEFT=()
    for i in "${CLUSTER_PIDS[@]}" "${pids[@]+"${pids[@]}"}"; do
        kill -0 "$i" 2>/dev/null && CLUSTER_LEFT+=("$i")
    done
    if [ ${#CLUSTER_LEFT[@]} -gt 0 ]; then
        cluster_log "still running after KILL: ${CLUSTER_LEFT[*]}"
    fi
    CLUSTER_STOPPED_PIDS=("${CLUSTER_PIDS[@]+"${CLUSTER_PIDS[@]}"}")
    rm -rf "$CLUSTER_DIR"
    CLUSTER_DIR=""
    CLUSTER_PIDS=()
    CLUSTER_NAMES=()
    if [ -z "$CLUSTER_EXITING" ]; then
        trap - INT TERM
        eval "$saved"
        [ -n "$CLUSTER_SIGNALLED" ] && exit 130
    fi
    return 0
}

# cluster_diag: the daemons' last log lines, as TAP diagnostics.
cluster_diag() {
    [ -n "$CLUSTER_DIR" ] || return 0
    local f
    for f in "$CLUSTER_DIR"/log/*; do
        [ -s "$f" ] || continue
        echo "#   --- $(basename "$f") (last 8 lines)"
        tail -n 8 "$f" | sed 's/^/#   /'
    done
}

# job_field ID FIELD: prints FIELD's value from `scontrol show job ID`.
job_field() {
    timeout 10 scontrol show job "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1
}

# wait_job ID TIMEOUT: polls squeue every 0.25 s until the job is gone from
# the queue (it keeps its record for MinJobAge); 1 on timeout.
wait_job() {
    local id=$1 limit=$2 end
    end=$((SECONDS + limit))
    local out
    while [ $SECONDS -lt "$end" ]; do
        # an squeue that fails (slurmctld busy or gone) proves nothing: ask again
        if out=$(timeout 5 squeue -h -j "$id" -o %i 2>/dev/null) && [ -z "$out" ]; then
            return 0
        fi
        sleep 0.25
    done
    return 1
}
