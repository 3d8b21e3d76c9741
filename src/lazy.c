/* lazy: MPI waits that test and sleep instead of spinning, so a waiting rank leaves its core to the ranks at work. */
#include "lazy.h"

#include <time.h>

#include "sysinfo.h"

int lazy_wait_until(MPI_Request *req, MPI_Status *status, long max_ns, int (*give_up)(void *),
                    void *ctx)
{
    long ns = 50000;
    int done = 0, rc;
    double spin_until = sysinfo_now() + 20e-6;
    while ((rc = MPI_Test(req, &done, status)) == MPI_SUCCESS && !done) {
        if (give_up && give_up(ctx))
            break;
        if (sysinfo_now() < spin_until)
            continue;
        struct timespec ts = {0, ns};
        nanosleep(&ts, NULL);
        if (ns < max_ns)
            ns = 2 * ns < max_ns ? 2 * ns : max_ns;
    }
    return rc;
}

int lazy_wait(MPI_Request *req)
{
    return lazy_wait_until(req, MPI_STATUS_IGNORE, LAZY_MAX_SLEEP_NS, NULL, NULL);
}

int lazy_waitall(int n, MPI_Request *reqs)
{
    for (int i = 0; i < n; i++) {
        int rc = lazy_wait(&reqs[i]);
        if (rc != MPI_SUCCESS)
            return rc;
    }
    return MPI_SUCCESS;
}

int lazy_barrier(MPI_Comm comm)
{
    MPI_Request req;
    int rc = MPI_Ibarrier(comm, &req);
    return rc == MPI_SUCCESS ? lazy_wait(&req) : rc;
}

int lazy_agree(int value, MPI_Comm comm, long max_ns, int on_error)
{
    int agreed = value;
    MPI_Request req;
    if (MPI_Iallreduce(&value, &agreed, 1, MPI_INT, MPI_MAX, comm, &req) != MPI_SUCCESS ||
        lazy_wait_until(&req, MPI_STATUS_IGNORE, max_ns, NULL, NULL) != MPI_SUCCESS)
        return on_error;
    return agreed;
}

int lazy_share(int code, void *payload, int bytes, MPI_Comm comm, int on_error)
{
    MPI_Request req;
    if (MPI_Ibcast(&code, 1, MPI_INT, 0, comm, &req) != MPI_SUCCESS || lazy_wait(&req) != MPI_SUCCESS)
        return on_error;
    if (code == 0 && payload &&
        (MPI_Ibcast(payload, bytes, MPI_BYTE, 0, comm, &req) != MPI_SUCCESS ||
         lazy_wait(&req) != MPI_SUCCESS))
        return on_error;
    return code;
}
