/*
 * Record protocol spoken on the sync socket (fd 3) between jshim-spawn,
 * the workload it clones and the Java daemon.
 *
 * Every record is one fixed 16-byte header in native byte order followed by
 * `len` bytes of message text (no NUL, len <= JSHIM_RECORD_MSG_MAX).  A record
 * is always emitted with a single write() (the CONSOLE record: a single
 * sendmsg() with the pty master as SCM_RIGHTS).  The Java side mirrors the
 * constants below; keep them in sync.
 */
#ifndef JSHIM_SYNC_H
#define JSHIM_SYNC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

/* File descriptor of the sync socket in the helper and the workload. */
#define JSHIM_SYNC_FD 3

/* Header layout: int32 type, int32 value, int32 err, uint32 len. */
#define JSHIM_RECORD_HEADER_SIZE 16
#define JSHIM_RECORD_OFF_TYPE 0
#define JSHIM_RECORD_OFF_VALUE 4
#define JSHIM_RECORD_OFF_ERR 8
#define JSHIM_RECORD_OFF_LEN 12
#define JSHIM_RECORD_MSG_MAX 1024
#define JSHIM_RECORD_MAX_SIZE (JSHIM_RECORD_HEADER_SIZE + JSHIM_RECORD_MSG_MAX)

/* Record types. */
#define JSHIM_REC_PID 1   /* value = workload pid in the daemon's pid ns */
#define JSHIM_REC_READY 2 /* value = 0; workload waits for 'G' */
#define JSHIM_REC_ERROR 3 /* value = stage, err = errno, message */
#define JSHIM_REC_CONSOLE 4 /* value = 0; the pty master travels with the
                               header as SCM_RIGHTS (--console) */
#define JSHIM_REC_HOOKS 5 /* value = 0; the workload's namespaces and mounts
                             are ready (--hooks-pause): it waits for 'H'
                             while the daemon runs the prestart and
                             createRuntime hooks */

/* Stages reported in ERROR records. */
#define JSHIM_STAGE_ARGS 1
#define JSHIM_STAGE_CLONE 2
#define JSHIM_STAGE_HOSTNAME 3
#define JSHIM_STAGE_MOUNT 4
#define JSHIM_STAGE_ROOTFS 5
#define JSHIM_STAGE_USER 6
#define JSHIM_STAGE_CWD 7
#define JSHIM_STAGE_EXEC 8
#define JSHIM_STAGE_SYNC 9
#define JSHIM_STAGE_RLIMIT 10
#define JSHIM_STAGE_PROCESS 11
#define JSHIM_STAGE_CAPS 12
#define JSHIM_STAGE_SYSCTL 13
#define JSHIM_STAGE_DEVICES 14 /* --device, --dev-links */
#define JSHIM_STAGE_USERNS 15  /* helper: writing uid_map / gid_map */
#define JSHIM_STAGE_CGROUP 16  /* helper: --cgroup */
#define JSHIM_STAGE_JOIN 17    /* helper: --join */
#define JSHIM_STAGE_CONSOLE 18 /* workload: --console */
#define JSHIM_STAGE_SECCOMP 19 /* workload: --seccomp */
#define JSHIM_STAGE_HOOK 20    /* an OCI hook failed (--hook, --run-hooks) */
#define JSHIM_STAGE_ATTRS 21   /* personality, ioprio, sched, domainname,
                                  time offsets, CPU affinity (attrs.h) */
#define JSHIM_STAGE_RUN 22     /* --run: the program failed or timed out */

/* The byte the daemon writes to let the workload exec. */
#define JSHIM_GO_BYTE 'G'
/* The byte that lets a workload stopped at HOOKS go on. */
#define JSHIM_HOOKS_BYTE 'H'

struct jshim_record
{
  int32_t type;
  int32_t value;
  int32_t err;
  uint32_t len;
};

_Static_assert (sizeof (struct jshim_record) == JSHIM_RECORD_HEADER_SIZE,
                "record header must be 16 bytes");

/* Human readable name of a stage ("ARGS", ...), "UNKNOWN" otherwise. */
const char *jshim_stage_name (int stage);

/*
 * Serialise one record into BUF (capacity CAP).  Messages longer than
 * JSHIM_RECORD_MSG_MAX are truncated.  Returns the number of bytes written
 * or 0 when CAP is too small.
 */
size_t jshim_record_encode (void *buf, size_t cap, int32_t type, int32_t value,
                            int32_t err, const char *msg, size_t msg_len);

/*
 * Parse one record from BUF (LEN bytes available).  On success fills HDR,
 * points *MSG at the message bytes inside BUF and returns the number of bytes
 * consumed.  Returns 0 when more bytes are needed and -1 when the header is
 * invalid (unknown type or len > JSHIM_RECORD_MSG_MAX).
 */
ssize_t jshim_record_decode (const void *buf, size_t len,
                             struct jshim_record *hdr, const char **msg);

/* Send one record with a single write.  Returns 0 or -errno. */
int jshim_record_send (int fd, int32_t type, int32_t value, int32_t err,
                       const char *msg, size_t msg_len);

int jshim_send_pid (int fd, pid_t pid);
int jshim_send_ready (int fd);
int jshim_send_error (int fd, const jshim_error_t *err);

/*
 * The CONSOLE record: its 16-byte header goes out with one sendmsg that
 * carries MASTER as SCM_RIGHTS ancillary data.  Returns 0 or -errno.
 */
int jshim_send_console (int fd, int master);

/*
 * Blocking read of one full record.  MSG (capacity CAP, at least
 * JSHIM_RECORD_MSG_MAX + 1) receives the NUL terminated message.
 * Returns 1 on success, 0 on a clean EOF before any header byte, and -1 on
 * failure with errno set (EPROTO for a malformed or truncated record).
 */
int jshim_record_read (int fd, struct jshim_record *hdr, char *msg, size_t cap);

/*
 * Like jshim_record_read, but the header is read with recvmsg
 * (MSG_CMSG_CLOEXEC), as the daemon must: a file descriptor that arrives
 * with it (the pty master of a CONSOLE record) is stored in *FD_OUT, which
 * is -1 otherwise.  Extra descriptors are closed.  A CONSOLE record without
 * a descriptor fails with EPROTO, as does a descriptor on another record.
 */
int jshim_record_recv (int fd, struct jshim_record *hdr, char *msg,
                       size_t cap, int *fd_out);

#endif /* JSHIM_SYNC_H */
