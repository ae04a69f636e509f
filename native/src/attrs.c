#include "attrs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "numbers.h"
#include "options.h"
#include "sync.h"

#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_CLASS_SHIFT 13

/* The kernel's struct sched_attr, version 0 (48 bytes, SCHED_ATTR_SIZE_VER0):
   glibc before 2.41 has neither the type nor a wrapper. */
struct kernel_sched_attr
{
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;
  uint64_t sched_deadline;
  uint64_t sched_period;
};

#define SCHED_POLICY_DEADLINE 6
/* SCHED_FLAG_RESET_ON_FORK ... SCHED_FLAG_UTIL_CLAMP_MAX */
#define SCHED_FLAGS_KNOWN 0x7fULL

static const char *const ioprio_class_names[] = { "NONE", "RT", "BE",
                                                  "IDLE" };

/* "--name VALUE" or "--name=VALUE" (options.h). */
static int
match (int argc, char **argv, int *i, const char *name, const char **value,
       jshim_error_t *err)
{
  return jshim_option_value (argc, argv, i, name, value, NULL, err);
}

/* The next ':'-separated field of *P (advanced past it) as [*START, len). */
static size_t
field (const char **p, const char **start)
{
  const char *colon = strchr (*p, ':');
  size_t len = colon ? (size_t) (colon - *p) : strlen (*p);

  *start = *p;
  *p = colon ? colon + 1 : *p + len;
  return len;
}

static int
parse_signed (const char *text, size_t len, int64_t min, int64_t max,
              int64_t *out)
{
  uint64_t v;
  bool neg = len > 0 && text[0] == '-';

  if (jshim_parse_decimal (text + neg, len - neg, neg ? (uint64_t) INT64_MAX + 1
                                                      : (uint64_t) INT64_MAX,
                           &v)
      < 0)
    return -1;
  if (neg)
    *out = v == (uint64_t) INT64_MAX + 1 ? INT64_MIN : -(int64_t) v;
  else
    *out = (int64_t) v;
  return *out < min || *out > max ? -1 : 0;
}

int
jshim_parse_cpu_list (const char *opt, const char *text, cpu_set_t *out,
                      jshim_error_t *err)
{
  const char *p = text;

  CPU_ZERO (out);
  for (;;)
    {
      const char *comma = strchr (p, ',');
      size_t len = comma ? (size_t) (comma - p) : strlen (p);
      const char *dash = memchr (p, '-', len);
      uint64_t lo, hi, c;

      if (dash == NULL)
        {
          if (jshim_parse_decimal (p, len, CPU_SETSIZE - 1, &lo) < 0)
            goto bad;
          hi = lo;
        }
      else if (jshim_parse_decimal (p, (size_t) (dash - p), CPU_SETSIZE - 1,
                                    &lo)
                   < 0
               || jshim_parse_decimal (dash + 1, len - (size_t) (dash - p) - 1,
                                       CPU_SETSIZE - 1, &hi)
                      < 0
               || hi < lo)
        goto bad;
      for (c = lo; c <= hi; c++)
        CPU_SET ((size_t) c, out);
      if (comma == NULL)
        return 0;
      p = comma + 1;
    }

bad:
  return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                     "invalid %s \"%s\": expected a list of CPU numbers and "
                     "ranges below %d, such as 0-3,7",
                     opt, text, CPU_SETSIZE);
}

int
jshim_parse_sched (const char *text, struct jshim_sched *out,
                   jshim_error_t *err)
{
  const char *p = text, *s;
  size_t len;
  uint64_t v;
  int64_t nice;
  char *end;

  memset (out, 0, sizeof (*out));
  len = field (&p, &s);
  if (jshim_parse_decimal (s, len, SCHED_POLICY_DEADLINE, &v) < 0 || v == 4)
    goto bad;
  out->policy = (uint32_t) v;
  len = field (&p, &s);
  if (parse_signed (s, len, -20, 19, &nice) < 0)
    goto bad;
  out->nice = (int32_t) nice;
  len = field (&p, &s);
  if (jshim_parse_decimal (s, len, 99, &v) < 0)
    goto bad;
  out->priority = (uint32_t) v;
  len = field (&p, &s);
  if (len == 0 || s[0] < '0' || s[0] > '9')
    goto bad;
  errno = 0;
  out->flags = strtoull (s, &end, 0);
  if (errno != 0 || end != s + len || (out->flags & ~SCHED_FLAGS_KNOWN))
    goto bad;
  len = field (&p, &s);
  if (jshim_parse_decimal (s, len, UINT64_MAX, &out->runtime) < 0)
    goto bad;
  len = field (&p, &s);
  if (jshim_parse_decimal (s, len, UINT64_MAX, &out->deadline) < 0)
    goto bad;
  len = field (&p, &s);
  if (jshim_parse_decimal (s, len, UINT64_MAX, &out->period) < 0
      || *p != '\0' || p[-1] == ':')
    goto bad;
  return 0;

bad:
  return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                     "invalid --sched \"%s\": expected "
                     "POLICY:NICE:PRIORITY:FLAGS:RUNTIME:DEADLINE:PERIOD "
                     "(POLICY 0, 1, 2, 3, 5 or 6; NICE -20..19; PRIORITY "
                     "0..99; FLAGS a SCHED_FLAG_* mask up to 0x7f; the "
                     "times in nanoseconds)",
                     text);
}

int
jshim_parse_time_offset (const char *text, struct jshim_time_offset *out,
                         jshim_error_t *err)
{
  const char *p = text, *s;
  size_t len;
  uint64_t nanos;

  len = field (&p, &s);
  if (len == strlen ("monotonic") && memcmp (s, "monotonic", len) == 0)
    out->clock = CLOCK_MONOTONIC;
  else if (len == strlen ("boottime") && memcmp (s, "boottime", len) == 0)
    out->clock = CLOCK_BOOTTIME;
  else
    goto bad;
  len = field (&p, &s);
  if (parse_signed (s, len, INT64_MIN, INT64_MAX, &out->secs) < 0)
    goto bad;
  len = field (&p, &s);
  if (jshim_parse_decimal (s, len, 999999999, &nanos) < 0 || *p != '\0'
      || p[-1] == ':')
    goto bad;
  out->nanos = (long) nanos;
  return 0;

bad:
  return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                     "invalid --time-offset \"%s\": expected CLOCK:SECS:NANOS "
                     "(CLOCK monotonic or boottime, SECS a signed decimal, "
                     "NANOS 0..999999999)",
                     text);
}

static int
parse_ioprio (const char *text, struct jshim_attrs *attrs, jshim_error_t *err)
{
  const char *colon = strchr (text, ':');
  uint64_t cls, level;

  if (colon == NULL
      || jshim_parse_decimal (text, (size_t) (colon - text), 3, &cls) < 0
      || cls == 0
      || jshim_parse_decimal (colon + 1, strlen (colon + 1), 7, &level) < 0)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "invalid --ioprio \"%s\": expected CLASS:LEVEL (CLASS "
                       "1 RT, 2 BE or 3 IDLE; LEVEL 0..7)",
                       text);
  attrs->has_ioprio = true;
  attrs->ioprio_class = (int) cls;
  attrs->ioprio_level = (int) level;
  return 0;
}

static int
parse_personality (const char *text, struct jshim_attrs *attrs,
                   jshim_error_t *err)
{
  char *end;
  unsigned long v;

  errno = 0;
  v = text[0] >= '0' && text[0] <= '9' ? strtoul (text, &end, 0) : 0;
  if (text[0] < '0' || text[0] > '9' || errno != 0 || *end != '\0'
      || v >= 0xffffffffUL)
    return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                       "invalid --personality \"%s\": expected a persona "
                       "number below 0xffffffff (PER_LINUX 0x0, PER_LINUX32 "
                       "0x8, with flags such as ADDR_NO_RANDOMIZE 0x40000)",
                       text);
  attrs->has_personality = true;
  attrs->personality = v;
  return 0;
}

int
jshim_attrs_parse_option (int argc, char **argv, int *i,
                          struct jshim_attrs *attrs, jshim_error_t *err)
{
  const char *val = NULL;
  int r;

  if ((r = match (argc, argv, i, "--personality", &val, err)) != 0)
    return r < 0 || parse_personality (val, attrs, err) < 0 ? -1 : 1;
  if ((r = match (argc, argv, i, "--ioprio", &val, err)) != 0)
    return r < 0 || parse_ioprio (val, attrs, err) < 0 ? -1 : 1;
  if ((r = match (argc, argv, i, "--sched", &val, err)) != 0)
    {
      if (r < 0 || jshim_parse_sched (val, &attrs->sched, err) < 0)
        return -1;
      attrs->has_sched = true;
      return 1;
    }
  if ((r = match (argc, argv, i, "--domainname", &val, err)) != 0)
    {
      if (r < 0)
        return -1;
      if (strlen (val) > 64)
        return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                           "invalid --domainname \"%s\": at most 64 bytes",
                           val);
      attrs->domainname = val;
      return 1;
    }
  if ((r = match (argc, argv, i, "--time-offset", &val, err)) != 0)
    {
      struct jshim_time_offset off;
      size_t k;

      if (r < 0 || jshim_parse_time_offset (val, &off, err) < 0)
        return -1;
      for (k = 0; k < attrs->n_time_offsets; k++)
        if (attrs->time_offsets[k].clock == off.clock)
          break;
      attrs->time_offsets[k] = off;
      if (k == attrs->n_time_offsets)
        attrs->n_time_offsets++;
      return 1;
    }
  if ((r = match (argc, argv, i, "--cpu-affinity-initial", &val, err)) != 0)
    {
      if (r < 0
          || jshim_parse_cpu_list ("--cpu-affinity-initial", val,
                                   &attrs->affinity_initial_set, err)
                 < 0)
        return -1;
      attrs->affinity_initial = val;
      return 1;
    }
  if ((r = match (argc, argv, i, "--cpu-affinity-final", &val, err)) != 0)
    {
      if (r < 0
          || jshim_parse_cpu_list ("--cpu-affinity-final", val,
                                   &attrs->affinity_final_set, err)
                 < 0)
        return -1;
      attrs->affinity_final = val;
      return 1;
    }
  return 0;
}

bool
jshim_attrs_sched_in_workload (const struct jshim_attrs *attrs)
{
  return attrs->has_sched && attrs->sched.policy == SCHED_POLICY_DEADLINE;
}

static int
set_affinity (const char *opt, const char *text, const cpu_set_t *set,
              jshim_error_t *err)
{
  if (text == NULL)
    return 0;
  if (sched_setaffinity (0, sizeof (*set), set) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_ATTRS, errno,
                           "sched_setaffinity %s \"%s\"%s", opt, text,
                           errno == EINVAL ? " (none of these CPUs is online "
                                             "and allowed here)"
                                           : "");
  return 0;
}

int
jshim_attrs_affinity_initial (const struct jshim_attrs *attrs,
                              jshim_error_t *err)
{
  return set_affinity ("--cpu-affinity-initial", attrs->affinity_initial,
                       &attrs->affinity_initial_set, err);
}

int
jshim_attrs_affinity_final (const struct jshim_attrs *attrs,
                            jshim_error_t *err)
{
  return set_affinity ("--cpu-affinity-final", attrs->affinity_final,
                       &attrs->affinity_final_set, err);
}

int
jshim_attrs_new_time_ns (const struct jshim_attrs *attrs, jshim_error_t *err)
{
  char text[128];
  size_t used = 0, k;
  ssize_t n;
  int fd;

  if (unshare (CLONE_NEWTIME) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_CLONE, errno,
                           "unshare CLONE_NEWTIME");
  if (attrs->n_time_offsets == 0)
    return 0;
  for (k = 0; k < attrs->n_time_offsets; k++)
    used += (size_t) snprintf (text + used, sizeof (text) - used,
                               "%d %lld %ld\n", attrs->time_offsets[k].clock,
                               (long long) attrs->time_offsets[k].secs,
                               attrs->time_offsets[k].nanos);
  fd = open ("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_ATTRS, errno,
                           "open /proc/self/timens_offsets");
  n = write (fd, text, used);
  if (n != (ssize_t) used)
    {
      int e = n < 0 ? errno : EIO;

      close (fd);
      text[used - 1] = '\0';
      return jshim_fail_sys (err, JSHIM_STAGE_ATTRS, e,
                             "write the time offsets \"%s\" to "
                             "/proc/self/timens_offsets",
                             text);
    }
  close (fd);
  return 0;
}

int
jshim_attrs_apply_ioprio (const struct jshim_attrs *attrs, jshim_error_t *err)
{
  int value;

  if (!attrs->has_ioprio)
    return 0;
  value = (attrs->ioprio_class << IOPRIO_CLASS_SHIFT) | attrs->ioprio_level;
  if (syscall (SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, value) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_ATTRS, errno,
                           "ioprio_set IOPRIO_CLASS_%s level %d",
                           ioprio_class_names[attrs->ioprio_class],
                           attrs->ioprio_level);
  return 0;
}

int
jshim_attrs_apply_sched (const struct jshim_attrs *attrs, jshim_error_t *err)
{
  struct kernel_sched_attr sa;
  const struct jshim_sched *s = &attrs->sched;

  if (!attrs->has_sched)
    return 0;
  memset (&sa, 0, sizeof (sa));
  sa.size = sizeof (sa);
  sa.sched_policy = s->policy;
  sa.sched_flags = s->flags;
  sa.sched_nice = s->nice;
  sa.sched_priority = s->priority;
  sa.sched_runtime = s->runtime;
  sa.sched_deadline = s->deadline;
  sa.sched_period = s->period;
  if (syscall (SYS_sched_setattr, 0, &sa, 0) < 0)
    {
      int e = errno;

      return jshim_fail_sys (
          err, JSHIM_STAGE_ATTRS, e,
          "sched_setattr policy %u nice %d priority %u flags 0x%llx runtime "
          "%llu deadline %llu period %llu%s",
          s->policy, s->nice, s->priority, (unsigned long long) s->flags,
          (unsigned long long) s->runtime, (unsigned long long) s->deadline,
          (unsigned long long) s->period,
          e == EPERM && (s->policy == SCHED_FIFO || s->policy == SCHED_RR)
              ? " (a real-time policy also needs real-time runtime in the "
                "cpu cgroup: cpu.rt_runtime_us)"
              : "");
    }
  return 0;
}

int
jshim_attrs_apply_domainname (const struct jshim_attrs *attrs,
                              jshim_error_t *err)
{
  if (attrs->domainname == NULL)
    return 0;
  if (setdomainname (attrs->domainname, strlen (attrs->domainname)) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_ATTRS, errno,
                           "setdomainname \"%s\"", attrs->domainname);
  return 0;
}

int
jshim_attrs_apply_personality (const struct jshim_attrs *attrs,
                               jshim_error_t *err)
{
  if (!attrs->has_personality)
    return 0;
  if (personality (attrs->personality) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_ATTRS, errno,
                           "personality 0x%lx", attrs->personality);
  return 0;
}
