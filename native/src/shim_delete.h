/*
 * `containerd-shim-jshim-v2 ... delete`: cleanup after a lost shim daemon.
 */
#ifndef JSHIM_SHIM_DELETE_H
#define JSHIM_SHIM_DELETE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "shim_args.h"

/* Room for the largest encoded DeleteResponse: two uint32 varint fields
   (1 + 5 bytes each) and a Timestamp (tag, length, 1 + 10 seconds,
   1 + 10 nanos), 36 bytes. */
#define JSHIM_DELETE_RESPONSE_MAX 48

/*
 * containerd.runtime.v2.shim... DeleteResponse as protobuf (proto3: fields
 * with the default value 0 are left out):
 *   1 pid uint32, 2 exit_status uint32,
 *   3 exited_at google.protobuf.Timestamp {1 seconds int64, 2 nanos int32}.
 * Returns the number of bytes written to BUF.
 */
size_t jshim_delete_response_encode (uint32_t pid, uint32_t exit_status,
                                     int64_t seconds, int32_t nanos,
                                     uint8_t buf[JSHIM_DELETE_RESPONSE_MAX]);

/*
 * Unmount everything stacked on BUNDLE/rootfs (umount2 MNT_DETACH until
 * EINVAL: not a mount point).  A missing rootfs is fine.  Returns 0, or -1
 * with ERR.
 */
int jshim_delete_unmount_rootfs (const char *bundle, jshim_error_t *err);

/* Killing what is left in a cgroup: rounds of SIGKILL, and the pause
   between them while the kernel lets the processes go. */
#define JSHIM_DELETE_KILL_ROUNDS 100
#define JSHIM_DELETE_KILL_PAUSE_MS 20

/*
 * What the daemon recorded for the task in TASK_DIR/cleanup (lines
 * "init PID STARTTIME" and "cgroup DIR"): every process of each cgroup is
 * killed (thawed first) and the cgroup removed; without cgroups the init
 * process is killed if PID still has STARTTIME.  Then TASK_DIR is removed.
 * No cleanup file: nothing to do.  Returns 0, or -1 with ERR (TASK_DIR is
 * then kept).
 */
int jshim_delete_cleanup_file (const char *task_dir, jshim_error_t *err);

/*
 * The cleanup of container ARGS->id after its daemon died: the task
 * directory is STATE_DIR/tasks/ID, STATE_DIR that of the container's group:
 * the one start recorded in BUNDLE/jshim-group, else from
 * BUNDLE/config.json as start computes it by ARGS->grouping (or by the
 * other grouping when that group has no such task).  Returns 0, or -1 with
 * ERR.
 */
int jshim_delete_cleanup_container (const jshim_shim_args_t *args,
                                    const char *bundle, jshim_error_t *err);

#endif /* JSHIM_SHIM_DELETE_H */
