/*
 * jshim-exit-witness: the small process each daemon leaves behind so that a
 * container's exit status is not lost while no daemon runs.
 *
 * It subscribes to the kernel's process-exit notices (netlink proc
 * connector) at once, and ignores them while its daemon lives. When the
 * daemon dies (its pidfd turns readable) or says it is stopping (SIGUSR1),
 * it takes every recorded init that still runs (pid and start time from
 * <state-dir>/tasks/<id>/cleanup), and every recorded exec the same way, and,
 * for each one that then exits, writes <state-dir>/tasks/<id>/witnessed-exit
 * (the init) or witnessed-exit.<exec id>: "PID STARTTIME WAITSTATUS NANOS".
 * The next daemon reads those and sends SIGTERM once it watches itself.
 * It ends when nothing is left to watch, or on SIGTERM.
 */
#ifndef JSHIM_WITNESS_H
#define JSHIM_WITNESS_H

#include "error.h"

#define JSHIM_WITNESS_FILE "witness"
#define JSHIM_WITNESSED_EXIT_FILE "witnessed-exit"

/* Writes DIR/NAME atomically (a temporary file, fsync, rename). */
int jshim_write_file_atomic (const char *dir, const char *name,
                             const char *content, jshim_error_t *err);

/* Records the exit of the process PID (started at START) of the task in
   TASK_DIR, its init when EXEC_ID is "", else that exec: raw wait status
   STATUS at NANOS since the epoch. */
int jshim_witness_write_exit (const char *task_dir, const char *exec_id,
                              long pid, long long start, int status,
                              long long nanos, jshim_error_t *err);

#endif
