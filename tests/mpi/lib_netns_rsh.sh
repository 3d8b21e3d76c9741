#!/bin/sh
# lib_netns_rsh.sh: Open MPI's remote launch agent (--mca plm_rsh_agent) for
# tests/mpi/hosts.sh, where each "host" is a network namespace plus a UTS
# namespace with its own host name. It stands in for ssh:
#
#   lib_netns_rsh.sh HOST COMMAND...
#
# runs COMMAND (joined with spaces and given to sh -c, as ssh gives it to the
# remote shell) in HOST's network namespace, with the host name set in a
# private UTS namespace. NETNS_RSH_MAP names the hosts, one "ADDR=NETNS=NAME"
# item per host, separated by spaces; ADDR is what the hostfile says (an IP
# address or a name). mpirun passes its environment to the agent it forks.
# A host outside the map is an error: nothing is ever run elsewhere.
# (Named lib_* so that tests/run.sh does not take it for a test script.)
set -u

# skip any options placed before the host (plm_rsh_args)
while [ $# -gt 0 ]; do
    case $1 in
        -*) shift ;;
        *) break ;;
    esac
done
if [ $# -lt 2 ]; then
    echo "lib_netns_rsh.sh: usage: lib_netns_rsh.sh HOST COMMAND..." >&2
    exit 255
fi
host=$1
shift

ns=
name=
for item in ${NETNS_RSH_MAP:-}; do
    case $item in
        "$host"=*=*)
            rest=${item#*=}
            ns=${rest%%=*}
            name=${rest#*=}
            break
            ;;
    esac
done
if [ -z "$ns" ] || [ -z "$name" ]; then
    echo "lib_netns_rsh.sh: host '$host' is not in NETNS_RSH_MAP ('${NETNS_RSH_MAP:-}')" >&2
    exit 255
fi

# unshare --uts without --fork execs, so the command keeps this PID (mpirun's
# child, as an ssh process would be) and stays inside the namespaces.
exec ip netns exec "$ns" unshare --uts sh -c 'hostname "$1" || exit 255; shift; exec sh -c "$*"' \
    netns_rsh "$name" "$@"
