/*
 * --ns user: the uid and gid maps of the new user namespace, and the pipe
 * that holds the workload until the helper has written them.
 *
 *   helper                              workload (cloned)
 *   pipe2 (O_CLOEXEC), clone (user and
 *   pid namespaces only) -------------> close the write end, read 1 byte
 *   write /proc/PID/uid_map, gid_map
 *   write 1 byte ---------------------> setresuid 0, unshare the other
 *                                       namespaces, setresgid 0, goes on
 *                                       with its setup
 *
 * If the helper fails (or dies) before the byte, the workload reads EOF and
 * exits without doing anything.
 *
 * Error contract: functions return -1 with ERR filled (the parser: stage
 * ARGS, errno EINVAL, a message naming the option and the value; writing a
 * map or becoming root in the namespace: stage USERNS, a message naming
 * the file and the map, or the call; the unshare: stage CLONE, a message
 * naming the flags), 0 on success.
 */
#ifndef JSHIM_USERNS_H
#define JSHIM_USERNS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

/* Entries per map: the limit of the kernels before 4.15, kept so a map
   written here works everywhere. */
#define JSHIM_IDMAP_MAX 5

struct jshim_idmap_entry
{
  uint32_t inner; /* first id inside the namespace */
  uint32_t outer; /* first id outside (in the helper's namespace) */
  uint32_t count; /* at least 1 */
};

struct jshim_idmap
{
  const char *text; /* as given, for messages */
  size_t n;
  struct jshim_idmap_entry e[JSHIM_IDMAP_MAX];
};

/*
 * --uid-map / --gid-map (OPT names the option): C:H:N[,C:H:N...] with
 * decimal 32-bit numbers, N >= 1, neither range past 4294967295, at most
 * JSHIM_IDMAP_MAX entries.  Overlaps are left for the kernel to refuse.
 */
int jshim_parse_idmap (const char *opt, const char *text,
                       struct jshim_idmap *out, jshim_error_t *err);

/*
 * Write MAP to PROCFD/PID/KIND_map (KIND is "uid" or "gid"; PROCFD a
 * directory fd of the helper's /proc) in one write, as the kernel wants
 * it: one "INNER OUTER COUNT" line per entry.
 */
int jshim_write_idmap (int procfd, pid_t pid, const char *kind,
                       const struct jshim_idmap *map, jshim_error_t *err);

/*
 * Workload side: close WFD (our copy of the write end, so that EOF can
 * come), then wait for the byte on RFD.  Returns 0 once the byte came, -1
 * on EOF or a read error.
 */
int jshim_userns_wait (int rfd, int wfd);

/*
 * Workload side, first thing in a new or joined user namespace: become its
 * root.  Until then our ids are the host's root, which the namespace does
 * not map, so filesystems mounted there (tmpfs, devpts...) would refuse to
 * create anything (EOVERFLOW).  In order: setresuid to 0; with
 * UNSHARE_FLAGS (--ns user: the namespaces the clone left out) unshare
 * them; setresgid to 0.  Needs container ids 0 mapped; stage USERNS, or
 * CLONE for the unshare (the namespaces the clone makes without a user
 * namespace).
 */
int jshim_userns_become_root (int unshare_flags, jshim_error_t *err);

#endif /* JSHIM_USERNS_H */
