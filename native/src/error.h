/*
 * Small error object for jshim-spawn.
 *
 * Functions that can fail return a negative value and fill a jshim_error
 * with the stage that failed, the errno value and a human readable message.
 * The error is later shipped to the daemon as an ERROR record (see sync.h).
 */
#ifndef JSHIM_ERROR_H
#define JSHIM_ERROR_H

#include <stddef.h>

/* Longest message carried by an ERROR record (bytes, no terminating NUL). */
#define JSHIM_ERROR_MSG_MAX 1024

typedef struct jshim_error
{
  /* JSHIM_STAGE_* from sync.h, 0 = none: 1 ARGS, 2 CLONE, 3 HOSTNAME,
     4 MOUNT, 5 ROOTFS, 6 USER, 7 CWD, 8 EXEC, 9 SYNC, 10 RLIMIT,
     11 PROCESS, 12 CAPS, 13 SYSCTL, 14 DEVICES, 15 USERNS, 16 CGROUP,
     17 JOIN, 18 CONSOLE, 20 HOOK, 21 ATTRS, 22 RUN */
  int stage;
  int err;                           /* errno value, 0 when not applicable */
  char msg[JSHIM_ERROR_MSG_MAX + 1]; /* NUL terminated, may be truncated */
} jshim_error_t;

/* Reset ERR to "no error". */
void jshim_error_clear (jshim_error_t *err);

/*
 * Record an error whose message is exactly the formatted text.
 * Always returns -1 so callers can write `return jshim_fail (...)`.
 */
int jshim_fail (jshim_error_t *err, int stage, int errnum, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));

/*
 * Like jshim_fail, but appends ": strerror(errnum)" to the message when
 * errnum is not 0 (the usual way to report a failed system call).
 */
int jshim_fail_sys (jshim_error_t *err, int stage, int errnum, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));

/* Length of the message held in ERR (never more than JSHIM_ERROR_MSG_MAX). */
size_t jshim_error_len (const jshim_error_t *err);

#endif /* JSHIM_ERROR_H */
