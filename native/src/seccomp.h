/*
 * --seccomp PROFILE: the container's syscall filter (linux.seccomp), as the
 * daemon encodes it, compiled with libseccomp and loaded by the workload.
 *
 * PROFILE is a list of records separated by ';', fields by single spaces:
 *   default ACTION          the action of a syscall no rule matches
 *   arch NAME               an architecture besides the native one
 *                           (libseccomp's name: x86, x86_64, aarch64, ...)
 *   flag log|spec_allow     SECCOMP_FILTER_FLAG_LOG / _SPEC_ALLOW
 *   syscall ACTION NAME[,NAME...] [IDX:OP:VALUE:VALUE2]...
 * ACTION is allow, errno:N, kill_thread, kill_process, trap, trace:N or
 * log; OP is ne, lt, le, eq, ge, gt or masked_eq.  Names libseccomp does
 * not know are skipped when the filter is built.
 */
#ifndef JSHIM_SECCOMP_H
#define JSHIM_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* One argument comparison of a rule. */
struct jshim_seccomp_cond
{
  unsigned int index; /* 0..5 */
  int op;             /* enum scmp_compare */
  uint64_t value;
  uint64_t value_two;
};

/* One syscall record: ACTION for each NAME when all comparisons hold. */
struct jshim_seccomp_rule
{
  uint32_t action;    /* libseccomp action value */
  char **names;       /* n_names, pointing into the profile's copy */
  size_t n_names;
  struct jshim_seccomp_cond *conds;
  size_t n_conds;
};

struct jshim_seccomp
{
  uint32_t default_action;
  uint32_t *arches;   /* SCMP_ARCH_* tokens, n_arches */
  size_t n_arches;
  bool flag_log;
  bool flag_spec_allow;
  struct jshim_seccomp_rule *rules;
  size_t n_rules;
  char *text;         /* the profile's malloc'ed copy the names point into */
};

/* Parse PROFILE into a malloc'ed *OUT; stage ARGS on a malformed text. */
int jshim_seccomp_parse (const char *profile, struct jshim_seccomp **out,
                         jshim_error_t *err);

void jshim_seccomp_free (struct jshim_seccomp *profile);

/*
 * Build the filter and load it into the calling thread, as runc does: the
 * native architecture plus the listed ones, libseccomp's no_new_privs
 * attribute off (the caller decides about no_new_privs), a rule whose
 * action is the default one left out, several comparisons of the same
 * argument added as separate rules (any of them matches), otherwise one
 * rule with all of them.  Without no_new_privs the caller needs
 * CAP_SYS_ADMIN.  Failures are stage SECCOMP.
 */
int jshim_seccomp_load (const struct jshim_seccomp *profile,
                        jshim_error_t *err);

/* How many of PROFILE's syscall names libseccomp knows (for tests). */
size_t jshim_seccomp_known_names (const struct jshim_seccomp *profile);

#endif
