/*
 * Tests of the kernel attributes (src/attrs.c): personality, I/O priority,
 * scheduling, domainname, time namespace offsets, CPU affinity.  Included
 * by test_native.c (it uses that file's harness); run_attrs_tests registers
 * them.
 */

#include "numbers.h"

static void
test_parse_attrs (void)
{
  jshim_error_t err;
  struct jshim_sched s;
  struct jshim_time_offset off;
  cpu_set_t set;

  CHECK_INT (jshim_parse_sched ("3:5:0:0:0:0:0", &s, &err), 0);
  CHECK_INT (s.policy, 3);
  CHECK_INT (s.nice, 5);
  CHECK_INT (jshim_parse_sched ("6:-20:0:0x1:1000:2000:3000", &s, &err), 0);
  CHECK_INT (s.nice, -20);
  CHECK_INT (s.flags, 1);
  CHECK_INT (s.runtime, 1000);
  CHECK_INT (s.deadline, 2000);
  CHECK_INT (s.period, 3000);
  CHECK_INT (jshim_parse_sched ("4:0:0:0:0:0:0", &s, &err), -1);
  CHECK_INT (err.stage, JSHIM_STAGE_ARGS);
  CHECK_CONTAINS (err.msg, "invalid --sched \"4:0:0:0:0:0:0\"");
  CHECK_INT (jshim_parse_sched ("0:20:0:0:0:0:0", &s, &err), -1);
  CHECK_INT (jshim_parse_sched ("1:0:100:0:0:0:0", &s, &err), -1);
  CHECK_INT (jshim_parse_sched ("0:0:0:0x80:0:0:0", &s, &err), -1);
  CHECK_INT (jshim_parse_sched ("0:0:0:0:0:0", &s, &err), -1);
  CHECK_INT (jshim_parse_sched ("0:0:0:0:0:0:0:", &s, &err), -1);
  CHECK_INT (jshim_parse_sched ("0:0:0:0:0:0:0:0", &s, &err), -1);

  CHECK_INT (jshim_parse_time_offset ("monotonic:-5:7", &off, &err), 0);
  CHECK_INT (off.clock, CLOCK_MONOTONIC);
  CHECK_INT (off.secs, -5);
  CHECK_INT (off.nanos, 7);
  CHECK_INT (jshim_parse_time_offset ("boottime:86400:0", &off, &err), 0);
  CHECK_INT (off.clock, CLOCK_BOOTTIME);
  CHECK_INT (jshim_parse_time_offset ("realtime:1:0", &off, &err), -1);
  CHECK_CONTAINS (err.msg, "CLOCK monotonic or boottime");
  CHECK_INT (jshim_parse_time_offset ("monotonic:1:1000000000", &off, &err),
             -1);
  CHECK_INT (jshim_parse_time_offset ("monotonic:1", &off, &err), -1);

  CHECK_INT (jshim_parse_cpu_list ("--cpu-affinity-final", "0-3,7", &set,
                                   &err),
             0);
  CHECK_INT (CPU_COUNT (&set), 5);
  CHECK (CPU_ISSET (7, &set));
  CHECK_INT (jshim_parse_cpu_list ("--cpu-affinity-final", "3-1", &set, &err),
             -1);
  CHECK_CONTAINS (err.msg, "invalid --cpu-affinity-final \"3-1\"");
  CHECK_INT (jshim_parse_cpu_list ("--cpu-affinity-final", "", &set, &err),
             -1);
  CHECK_INT (jshim_parse_cpu_list ("--cpu-affinity-final", "1,", &set, &err),
             -1);
  CHECK_INT (jshim_parse_cpu_list ("--cpu-affinity-final", "1024", &set,
                                   &err),
             -1);
  CHECK_STR (jshim_stage_name (JSHIM_STAGE_ATTRS), "ATTRS");
  {
    /* a digit above a one-digit maximum (the bound once wrapped) */
    uint64_t v;

    CHECK_INT (jshim_parse_decimal ("8", 1, 7, &v), -1);
    CHECK_INT (jshim_parse_decimal ("7", 1, 7, &v), 0);
  }
}

static void
test_attrs_usage_errors (void)
{
  expect_usage_error (ARGV ("--ioprio", "0:1", "--", testbin_path),
                      "invalid --ioprio \"0:1\"");
  expect_usage_error (ARGV ("--ioprio=2:8", "--", testbin_path),
                      "invalid --ioprio \"2:8\"");
  expect_usage_error (ARGV ("--personality", "LINUX32", "--", testbin_path),
                      "invalid --personality \"LINUX32\"");
  expect_usage_error (ARGV ("--personality", "0xffffffff", "--",
                            testbin_path),
                      "invalid --personality \"0xffffffff\"");
  expect_usage_error (ARGV ("--sched", "9:0:0:0:0:0:0", "--", testbin_path),
                      "invalid --sched");
  expect_usage_error (ARGV ("--domainname", "x", "--", testbin_path),
                      "--domainname needs a new uts namespace");
  expect_usage_error (ARGV ("--time-offset", "monotonic:1:0", "--",
                            testbin_path),
                      "--time-offset needs a new time namespace");
  expect_usage_error (ARGV ("--ns", "time", "--time-offset", "x:1:0", "--",
                            testbin_path),
                      "invalid --time-offset \"x:1:0\"");
  expect_usage_error (ARGV ("--cpu-affinity-initial", "a", "--",
                            testbin_path),
                      "invalid --cpu-affinity-initial \"a\"");
  expect_usage_error (ARGV ("--join", "time", "--", testbin_path),
                      "expected TYPE=PATH");
}

/* Field N (1-based) of /proc/self/stat as the workload printed it. */
static long long
stat_field (const char *stat, int n)
{
  const char *p = strrchr (stat, ')');
  int k = 2;

  if (p == NULL)
    return -9999;
  p++;
  while (*p != '\0' && k < n)
    {
      while (*p == ' ')
        p++;
      if (++k == n)
        break;
      while (*p != '\0' && *p != ' ')
        p++;
    }
  while (*p == ' ')
    p++;
  return strtoll (p, NULL, 10);
}

static void
test_spawn_personality_ioprio_domainname (void)
{
  /* PER_LINUX32 | ADDR_NO_RANDOMIZE */
  expect_output (ARGV ("--personality", "0x40008", "--", testbin_path,
                       "cat-file", "/proc/self/personality"),
                 NULL, "00040008\n");
  expect_output (ARGV ("--ioprio", "3:0", "--", "/bin/busybox", "ionice"),
                 NULL, "idle\n");
  expect_output (ARGV ("--ioprio=2:6", "--", "/bin/busybox", "ionice"), NULL,
                 "best-effort: prio 6\n");
  expect_output (ARGV ("--ns", "uts", "--hostname", "h", "--domainname",
                       "dom.example", "--", testbin_path, "cat-file",
                       "/proc/sys/kernel/domainname"),
                 NULL, "dom.example\n");
}

static void
test_spawn_sched (void)
{
  struct spawn_result res;
  const char *stat;
  int fd = make_output_file ();
  int status;

  if (fd < 0)
    return;
  /* SCHED_BATCH (3), nice 7: fields 19 (nice) and 41 (policy) */
  status = run_to_exit (ARGV ("--sched", "3:7:0:0:0:0:0", "--", testbin_path,
                              "cat-file", "/proc/self/stat"),
                        NULL, fd, &res);
  check_no_errors (&res);
  CHECK (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  stat = read_output (fd);
  CHECK_INT (stat_field (stat, 19), 7);
  CHECK_INT (stat_field (stat, 41), 3);
  close (fd);
  /* SCHED_IDLE (5) in a user namespace: the helper sets it on itself */
  fd = make_output_file ();
  status = run_to_exit (ARGV ("--ns", "user", "--uid-map", "0:100000:65536",
                              "--gid-map", "0:100000:65536", "--sched",
                              "5:0:0:0:0:0:0", "--", testbin_path, "cat-file",
                              "/proc/self/stat"),
                        NULL, fd, &res);
  check_no_errors (&res);
  stat = read_output (fd);
  CHECK_INT (stat_field (stat, 41), 5);
  close (fd);
}

static void
test_spawn_affinity (void)
{
  struct spawn_result res;
  struct spawn_opts opts = { .out_fd = -1, .after = SEND_GO };
  long cpus = sysconf (_SC_NPROCESSORS_ONLN);

  expect_output (ARGV ("--cpu-affinity-initial", "0", "--", testbin_path,
                       "status", "Cpus_allowed_list"),
                 NULL, "0\n");
  if (cpus >= 2)
    expect_output (ARGV ("--cpu-affinity-initial", "0",
                         "--cpu-affinity-final", "1", "--", testbin_path,
                         "status", "Cpus_allowed_list"),
                   NULL, "1\n");
  /* A CPU that does not exist: the helper fails before the clone. */
  run_spawn (ARGV ("--cpu-affinity-final", "1000", "--", testbin_path, "exit",
                   "0"),
             default_env, &opts, &res);
  CHECK (!res.got_pid);
  CHECK_INT (res.err_stage, JSHIM_STAGE_ATTRS);
  CHECK_INT (res.err_errno, EINVAL);
  CHECK_CONTAINS (res.err_msg, "sched_setaffinity --cpu-affinity-final "
                               "\"1000\"");
  CHECK (WIFEXITED (res.helper_status) && WEXITSTATUS (res.helper_status) == 1);
}

static void
test_spawn_time_ns (void)
{
  char *root = make_rootfs ();
  char *envp[] = { "PATH=/bin", NULL };
  char want[128], self[64], join[64];
  pid_t sleeper;

  if (root == NULL)
    return;
  expect_output (ARGV ("--ns", "time", "--time-offset", "monotonic:86400:5",
                       "--time-offset", "boottime:-10:0", "--",
                       testbin_path, "cat-file", "/proc/self/timens_offsets"),
                 NULL,
                 "monotonic       86400         5\n"
                 "boottime          -10         0\n");
  /* Repeating a clock: the last wins; a new namespace without offsets. */
  expect_output (ARGV ("--ns", "time", "--time-offset", "boottime:1:0",
                       "--time-offset", "boottime:2:0", "--", testbin_path,
                       "cat-file", "/proc/self/timens_offsets"),
                 NULL,
                 "monotonic           0         0\n"
                 "boottime            2         0\n");
  /* With every other namespace and a root: the helper's unshare happens in
     the host's namespaces, the workload is in the new one. */
  expect_output (ARGV ("--ns", "pid,mount,uts,ipc,time", "--root", root,
                       "--time-offset", "monotonic:100:0", "--",
                       "jshim-testbin", "cat-file",
                       "/proc/self/timens_offsets"),
                 envp,
                 "monotonic         100         0\n"
                 "boottime            0         0\n");
  /* An exec joins it by path and sees the same offsets. */
  sleeper = start_sleeper (ARGV ("--ns", "time", "--time-offset",
                                 "monotonic:3600:0", "--", testbin_path,
                                 "sleep", "30"));
  if (sleeper > 0)
    {
      snprintf (join, sizeof (join), "time=/proc/%d/ns/time", (int) sleeper);
      snprintf (want, sizeof (want), "%s\n",
                read_link ("/proc/%d/ns/time", sleeper, self, sizeof (self)));
      expect_output (ARGV ("--join", join, "--", testbin_path, "ns", "time"),
                     NULL, want);
      expect_output (ARGV ("--join", join, "--", testbin_path, "cat-file",
                           "/proc/self/timens_offsets"),
                     NULL,
                     "monotonic        3600         0\n"
                     "boottime            0         0\n");
      stop_sleeper (sleeper);
    }
  remove_tree (root);
}

static void
run_attrs_tests (void)
{
  run_test ("attrs: parse --sched, --time-offset, CPU lists",
            test_parse_attrs, NEED_NOTHING);
  run_test ("attrs: usage errors", test_attrs_usage_errors, NEED_NOTHING);
  run_test ("attrs: --personality, --ioprio, --domainname",
            test_spawn_personality_ioprio_domainname, NEED_ROOT);
  run_test ("attrs: --sched (also in a user namespace)", test_spawn_sched,
            NEED_ROOT);
  run_test ("attrs: --cpu-affinity-initial and -final", test_spawn_affinity,
            NEED_NOTHING);
  run_test ("attrs: --ns time with --time-offset; joined by path",
            test_spawn_time_ns, NEED_ROOT);
}
