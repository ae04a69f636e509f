/*
 * Tests of --seccomp (src/seccomp.c): the profile text, the filter built
 * from it (each loaded in a forked child with no_new_privs), and the load
 * points in the workload.  Included by test_native.c, which runs
 * seccomp_tests().
 */
#include <seccomp.h>

#include "seccomp.h"

/* Parse PROFILE, expecting success. */
static struct jshim_seccomp *
parse_ok (const char *profile)
{
  struct jshim_seccomp *p = NULL;
  jshim_error_t err;

  jshim_error_clear (&err);
  if (jshim_seccomp_parse (profile, &p, &err) < 0)
    {
      diag ("parse \"%s\": %s", profile, err.msg);
      current_failed = true;
      return NULL;
    }
  return p;
}

static void
expect_parse_error (const char *profile, const char *msg_part)
{
  struct jshim_seccomp *p = NULL;
  jshim_error_t err;

  jshim_error_clear (&err);
  CHECK_INT (jshim_seccomp_parse (profile, &p, &err), -1);
  CHECK (p == NULL);
  CHECK_INT (err.stage, JSHIM_STAGE_ARGS);
  CHECK_INT (err.err, EINVAL);
  CHECK_CONTAINS (err.msg, msg_part);
}

static void
test_seccomp_parse (void)
{
  struct jshim_seccomp *p
      = parse_ok ("default errno:38;arch x86;arch x32;flag log;"
                  "flag spec_allow;syscall allow read,write;"
                  "syscall errno:1 umask 0:eq:18:0 0:masked_eq:7:2;"
                  "syscall kill_process getppid;syscall trace:3 setpgid;"
                  "syscall kill_thread getpid;syscall trap getuid;"
                  "syscall log getgid");

  if (p == NULL)
    return;
  CHECK_INT (p->default_action, SCMP_ACT_ERRNO (38));
  CHECK_INT (p->n_arches, 2);
  CHECK_INT (p->arches[0], SCMP_ARCH_X86);
  CHECK_INT (p->arches[1], SCMP_ARCH_X32);
  CHECK (p->flag_log);
  CHECK (p->flag_spec_allow);
  CHECK_INT (p->n_rules, 7);
  CHECK_INT (p->rules[0].action, SCMP_ACT_ALLOW);
  CHECK_INT (p->rules[0].n_names, 2);
  CHECK_STR (p->rules[0].names[1], "write");
  CHECK_INT (p->rules[1].action, SCMP_ACT_ERRNO (1));
  CHECK_INT (p->rules[1].n_conds, 2);
  CHECK_INT (p->rules[1].conds[1].op, SCMP_CMP_MASKED_EQ);
  CHECK_INT (p->rules[1].conds[1].value, 7);
  CHECK_INT (p->rules[1].conds[1].value_two, 2);
  CHECK_INT (p->rules[2].action, SCMP_ACT_KILL_PROCESS);
  CHECK_INT (p->rules[3].action, SCMP_ACT_TRACE (3));
  CHECK_INT (p->rules[4].action, SCMP_ACT_KILL_THREAD);
  CHECK_INT (p->rules[5].action, SCMP_ACT_TRAP);
  CHECK_INT (p->rules[6].action, SCMP_ACT_LOG);
  jshim_seccomp_free (p);

  p = parse_ok ("syscall allow mkdir,no_such_syscall_at_all;default allow");
  if (p != NULL)
    CHECK_INT (jshim_seccomp_known_names (p), 1);
  jshim_seccomp_free (p);
  p = parse_ok ("default allow;syscall errno:1 umask "
                "5:ge:18446744073709551615:0");
  if (p != NULL)
    CHECK (p->rules[0].conds[0].value == UINT64_MAX);
  jshim_seccomp_free (p);
}

static void
test_seccomp_parse_errors (void)
{
  expect_parse_error ("syscall allow read", "no default record");
  expect_parse_error ("", "no default record");
  expect_parse_error ("default notify", "action \"notify\"");
  expect_parse_error ("default errno:4096", "action \"errno:4096\"");
  expect_parse_error ("default errno:-1", "action \"errno:-1\"");
  expect_parse_error ("default allow:1", "action \"allow:1\"");
  expect_parse_error ("default allow;arch vax", "architecture \"vax\"");
  expect_parse_error ("default allow;flag tsync", "flag \"tsync\"");
  expect_parse_error ("default allow;syscall allow", "syscall ACTION NAME");
  expect_parse_error ("default allow;syscall allow read 6:eq:1:0",
                      "argument comparison \"6:eq:1:0\"");
  expect_parse_error ("default allow;syscall allow read 0:like:1:0",
                      "argument comparison \"0:like:1:0\"");
  expect_parse_error ("default allow;syscall allow read 0:eq:1",
                      "argument comparison \"0:eq:1\"");
  expect_parse_error ("default allow;syscall allow read 0:eq:x:0",
                      "argument comparison");
  expect_parse_error ("default allow;bogus", "record \"bogus\"");
  expect_parse_error ("default allow;filter x", "record \"filter\"");
}

/* What a child did after loading the filter. */
struct probe
{
  int status;    /* wait status */
};

enum probe_call
{
  PROBE_UMASK,   /* exit code: errno of umask(A) or 0 */
  PROBE_SETPGID, /* exit code: errno of setpgid(A, B) or 0 */
  PROBE_GETPPID, /* exit code: errno of getppid() or 0 */
};

/* Load PROFILE (with no_new_privs) in a child, make the call, exit with its
   errno (0 on success, 100 when the load failed). */
static int
probe (const char *profile, enum probe_call call, long a, long b)
{
  struct jshim_seccomp *p = parse_ok (profile);
  int status = -1;
  pid_t pid;

  if (p == NULL)
    return -1;
  fflush (stdout);
  pid = fork ();
  if (pid == 0)
    {
      jshim_error_t err;
      long rc = 0;

      if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0
          || jshim_seccomp_load (p, &err) < 0)
        _exit (100);
      switch (call)
        {
        case PROBE_UMASK: rc = syscall (SYS_umask, a); break;
        case PROBE_SETPGID: rc = syscall (SYS_setpgid, a, b); break;
        case PROBE_GETPPID: rc = syscall (SYS_getppid); break;
        }
      _exit (rc < 0 ? errno : 0);
    }
  if (pid > 0)
    waitpid (pid, &status, 0);
  jshim_seccomp_free (p);
  return status;
}

#define EXITS(st, code) (WIFEXITED (st) && WEXITSTATUS (st) == (code))
#define KILLED(st, sig) (WIFSIGNALED (st) && WTERMSIG (st) == (sig))

static void
test_seccomp_actions (void)
{
  int st;

  CHECK (EXITS (probe ("default allow;syscall errno:7 getppid", PROBE_GETPPID,
                       0, 0), 7));
  /* errno without a number in the daemon's text is never produced; the
     default action's errno works the same */
  CHECK (EXITS (probe ("default errno:5;syscall allow exit_group,exit",
                       PROBE_GETPPID, 0, 0), 5));
  st = probe ("default allow;syscall kill_process getppid", PROBE_GETPPID, 0,
              0);
  CHECK (KILLED (st, SIGSYS));
  st = probe ("default allow;syscall kill_thread getppid", PROBE_GETPPID, 0,
              0);
  CHECK (KILLED (st, SIGSYS));
  st = probe ("default allow;syscall trap getppid", PROBE_GETPPID, 0, 0);
  CHECK (KILLED (st, SIGSYS));
  /* log and trace (no tracer: the call fails with ENOSYS) */
  CHECK (EXITS (probe ("default allow;syscall log getppid", PROBE_GETPPID, 0,
                       0), 0));
  CHECK (EXITS (probe ("default allow;syscall trace:9 getppid", PROBE_GETPPID,
                       0, 0), ENOSYS));
  /* a rule with the default action is left out (libseccomp refuses it) */
  CHECK (EXITS (probe ("default allow;syscall allow getppid", PROBE_GETPPID, 0,
                       0), 0));
  /* unknown names are skipped, the known ones applied */
  CHECK (EXITS (probe ("default allow;syscall errno:3 no_such_call,getppid",
                       PROBE_GETPPID, 0, 0), 3));
  /* other architectures and the flags load too */
  CHECK (EXITS (probe ("default allow;arch x86;arch x32;arch x86_64;"
                       "flag log;flag spec_allow;syscall errno:4 getppid",
                       PROBE_GETPPID, 0, 0), 4));
}

static void
test_seccomp_operators (void)
{
  static const struct
  {
    const char *cond;
    long arg;
    int want; /* errno: 7 matched, 0 not */
  } cases[] = {
    { "0:eq:18:0", 022, 7 },       { "0:eq:18:0", 023, 0 },
    { "0:ne:18:0", 023, 7 },       { "0:ne:18:0", 022, 0 },
    { "0:lt:18:0", 017, 7 },       { "0:lt:18:0", 022, 0 },
    { "0:le:18:0", 022, 7 },       { "0:le:18:0", 023, 0 },
    { "0:gt:18:0", 023, 7 },       { "0:gt:18:0", 022, 0 },
    { "0:ge:18:0", 022, 7 },       { "0:ge:18:0", 021, 0 },
    { "0:masked_eq:7:2", 012, 7 }, { "0:masked_eq:7:2", 013, 0 },
  };
  char profile[128];
  size_t i;

  for (i = 0; i < sizeof (cases) / sizeof (cases[0]); i++)
    {
      int st;

      snprintf (profile, sizeof (profile),
                "default allow;syscall errno:7 umask %s", cases[i].cond);
      st = probe (profile, PROBE_UMASK, cases[i].arg, 0);
      if (!EXITS (st, cases[i].want))
        {
          diag ("%s with umask(0%lo): status 0x%x, expected exit %d",
                cases[i].cond, cases[i].arg, st, cases[i].want);
          current_failed = true;
        }
    }
}

static void
test_seccomp_and_or (void)
{
  const char *or_rule = "default allow;syscall errno:7 umask 0:eq:18:0 "
                        "0:eq:63:0";
  const char *and_rule = "default allow;syscall errno:7 setpgid 0:eq:0:0 "
                         "1:eq:999999:0";

  /* the same argument twice: either comparison denies */
  CHECK (EXITS (probe (or_rule, PROBE_UMASK, 022, 0), 7));
  CHECK (EXITS (probe (or_rule, PROBE_UMASK, 077, 0), 7));
  CHECK (EXITS (probe (or_rule, PROBE_UMASK, 011, 0), 0));
  /* different arguments: all must match (ESRCH/EPERM otherwise) */
  CHECK (EXITS (probe (and_rule, PROBE_SETPGID, 0, 999999), 7));
  CHECK (!EXITS (probe (and_rule, PROBE_SETPGID, 0, 999998), 7));
  CHECK (!EXITS (probe (and_rule, PROBE_SETPGID, 1, 999999), 7));
}

#define DENY_MKDIR "default allow;syscall errno:1 mkdir,mkdirat"

/* The helper: the filter is the workload's, not the helper's, both with
   no_new_privs (loaded before execve) and without (loaded as root). */
static void
test_spawn_seccomp (void)
{
  expect_output (ARGV ("--seccomp", DENY_MKDIR, "--no-new-privs", "--",
                       testbin_path, "status", "Seccomp"),
                 NULL, "2\n");
  expect_output (ARGV ("--seccomp", DENY_MKDIR, "--", testbin_path, "status",
                       "Seccomp"),
                 NULL, "2\n");
  expect_output (ARGV ("--seccomp", DENY_MKDIR, "--", testbin_path, "status",
                       "NoNewPrivs"),
                 NULL, "0\n");
  expect_output (ARGV ("--", testbin_path, "status", "Seccomp"), NULL, "0\n");
  expect_usage_error (ARGV ("--seccomp", "default bogus", "--", "/bin/true"),
                      "--seccomp: action \"bogus\"");
}

/* Without no_new_privs and without CAP_SYS_ADMIN the kernel refuses the
   filter: stage SECCOMP. */
static void
test_spawn_seccomp_needs_privilege (void)
{
  struct spawn_result res;
  char *dir;

  run_unprivileged (ARGV ("--seccomp", DENY_MKDIR, "--", "/bin/true"), &res,
                    &dir);
  CHECK_INT (res.errors, 1);
  CHECK_INT (res.err_stage, JSHIM_STAGE_SECCOMP);
  CHECK_INT (res.err_errno, EACCES);
  CHECK_CONTAINS (res.err_msg, "load the seccomp filter");
  remove_tree (dir);
  run_unprivileged (ARGV ("--seccomp", DENY_MKDIR, "--no-new-privs", "--",
                          "/bin/true"),
                    &res, &dir);
  CHECK_INT (res.errors, 0);
  remove_tree (dir);
}

static void
seccomp_tests (void)
{
  run_test ("seccomp: profile text", test_seccomp_parse, NEED_NOTHING);
  run_test ("seccomp: malformed profiles refused",
            test_seccomp_parse_errors, NEED_NOTHING);
  run_test ("seccomp: every action", test_seccomp_actions, NEED_NOTHING);
  run_test ("seccomp: every argument operator", test_seccomp_operators,
            NEED_NOTHING);
  run_test ("seccomp: same argument twice is OR, different ones AND",
            test_seccomp_and_or, NEED_NOTHING);
  run_test ("spawn: --seccomp filters the workload", test_spawn_seccomp,
            NEED_NOTHING);
  run_test ("spawn: --seccomp without no_new_privs needs CAP_SYS_ADMIN",
            test_spawn_seccomp_needs_privilege, NEED_ROOT);
}
