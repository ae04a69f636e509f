/*
 * `containerd-shim-jshim-v2 ... delete`: cleanup after a lost shim daemon.
 */
#ifndef JSHIM_SHIM_DELETE_H
#define JSHIM_SHIM_DELETE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

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

/*
 * Daemon-side cleanup of container ID of namespace NAMESPACE (placeholder:
 * does nothing yet; killing the processes left in the container's cgroup
 * goes here).  Returns 0, or -1 with ERR.
 */
int jshim_delete_cleanup_container (const char *bundle, const char *namespace,
                                    const char *id, jshim_error_t *err);

#endif /* JSHIM_SHIM_DELETE_H */
