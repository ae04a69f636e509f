/*
 * Kernel attributes of the workload that are neither namespaces, mounts nor
 * credentials: personality, I/O priority, scheduling policy, NIS domain
 * name, time namespace offsets and CPU affinity (`--personality`,
 * `--ioprio`, `--sched`, `--domainname`, `--time-offset`,
 * `--cpu-affinity-initial`, `--cpu-affinity-final`).
 *
 * Error contract: every function returns 0 (or 1 for "option consumed")
 * or -1 with ERR filled: stage ARGS and EINVAL for a malformed value,
 * stage ATTRS and the errno of the failed call otherwise.
 */
#ifndef JSHIM_ATTRS_H
#define JSHIM_ATTRS_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* CLONE_NEWTIME is 0x80: inside clone()'s exit-signal byte, so a time
   namespace can only come from unshare (or clone3). */
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* At most one offset per clock: monotonic and boottime. */
#define JSHIM_TIME_OFFSETS_MAX 2

struct jshim_time_offset
{
  int clock;      /* CLOCK_MONOTONIC or CLOCK_BOOTTIME */
  int64_t secs;
  long nanos;     /* 0..999999999 */
};

/* The fields of the kernel's struct sched_attr that --sched sets. */
struct jshim_sched
{
  uint32_t policy;   /* SCHED_OTHER 0, FIFO 1, RR 2, BATCH 3, IDLE 5,
                        DEADLINE 6 */
  int32_t nice;      /* -20..19 */
  uint32_t priority; /* 1..99 for FIFO and RR, 0 otherwise */
  uint64_t flags;    /* SCHED_FLAG_* */
  uint64_t runtime;  /* SCHED_DEADLINE, nanoseconds */
  uint64_t deadline;
  uint64_t period;
};

struct jshim_attrs
{
  bool has_personality;
  unsigned long personality; /* --personality: domain | flags */
  bool has_ioprio;
  int ioprio_class;          /* IOPRIO_CLASS_RT 1, BE 2, IDLE 3 */
  int ioprio_level;          /* 0..7 */
  bool has_sched;
  struct jshim_sched sched;
  const char *domainname;    /* --domainname, NULL when not given */
  struct jshim_time_offset time_offsets[JSHIM_TIME_OFFSETS_MAX];
  size_t n_time_offsets;
  const char *affinity_initial; /* --cpu-affinity-initial as given */
  cpu_set_t affinity_initial_set;
  const char *affinity_final;   /* --cpu-affinity-final as given */
  cpu_set_t affinity_final_set;
};

/*
 * If argv[*I] is one of the options above ("--opt VALUE" or
 * "--opt=VALUE"), parse it into ATTRS, move *I past its value and return
 * 1; return 0 for any other argument; -1 on a bad value (stage ARGS).
 * Repeating an option replaces the earlier value (--time-offset: per
 * clock).
 */
int jshim_attrs_parse_option (int argc, char **argv, int *i,
                              struct jshim_attrs *attrs, jshim_error_t *err);

/* Parsers, exposed for the tests. */
int jshim_parse_cpu_list (const char *opt, const char *text, cpu_set_t *out,
                          jshim_error_t *err);
int jshim_parse_sched (const char *text, struct jshim_sched *out,
                       jshim_error_t *err);
int jshim_parse_time_offset (const char *text, struct jshim_time_offset *out,
                             jshim_error_t *err);

/* Whether the scheduling attributes must be set by the workload itself:
   a SCHED_DEADLINE task cannot fork, so the helper cannot set it on itself
   before the clone. */
bool jshim_attrs_sched_in_workload (const struct jshim_attrs *attrs);

/* --cpu-affinity-initial (before the cgroups are entered) and
   --cpu-affinity-final (after): sched_setaffinity of the caller. */
int jshim_attrs_affinity_initial (const struct jshim_attrs *attrs,
                                  jshim_error_t *err);
int jshim_attrs_affinity_final (const struct jshim_attrs *attrs,
                                jshim_error_t *err);

/*
 * A new time namespace for the caller's children: unshare(CLONE_NEWTIME),
 * then the --time-offset values written to /proc/self/timens_offsets
 * (which names the namespace the children will be in).  The kernel takes
 * offsets only before the first process enters that namespace, so this
 * runs in the helper before it clones the workload.  Stage CLONE for the
 * unshare, ATTRS for the offsets.
 */
int jshim_attrs_new_time_ns (const struct jshim_attrs *attrs,
                             jshim_error_t *err);

/* ioprio_set and sched_setattr of the caller (as far as given). */
int jshim_attrs_apply_ioprio (const struct jshim_attrs *attrs,
                              jshim_error_t *err);
int jshim_attrs_apply_sched (const struct jshim_attrs *attrs,
                             jshim_error_t *err);

/* setdomainname (in the workload's new uts namespace). */
int jshim_attrs_apply_domainname (const struct jshim_attrs *attrs,
                                  jshim_error_t *err);

/* personality(2), the last step before the program lookup. */
int jshim_attrs_apply_personality (const struct jshim_attrs *attrs,
                                   jshim_error_t *err);

#endif /* JSHIM_ATTRS_H */
