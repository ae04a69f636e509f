/*
 * Unit and end-to-end tests for jshim-spawn.  Prints TAP-like lines
 * ("ok N - name" / "not ok N - name") and a final "N passed, N failed".
 *
 *   test_native [OUT_DIR]      (or JSHIM_NATIVE_OUT=OUT_DIR)
 *
 * OUT_DIR must hold jshim-spawn and jshim-testbin.  Tests that need
 * namespaces or other uids are skipped (and counted as passed) when not
 * running as root or when the kernel refuses new namespaces.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "hooks.h"
#include "inroot.h"
#include "mount_flags.h"
#include "ns.h"
#include "sync.h"
#include "workload.h"

#include "check.h"

/* ------------------------------------------------------------------ */
/* tiny harness (checks in check.h)                                   */

static int test_count, pass_count, fail_count;
static char out_dir[PATH_MAX];
static char spawn_path[PATH_MAX + 32];
static char testbin_path[PATH_MAX + 32];
static bool privileged;
static bool ptys_work;
static bool verbose; /* JSHIM_TEST_VERBOSE=1: show every ERROR record */
static const char *skip_reason;


enum need
{
  NEED_NOTHING,
  NEED_ROOT,
  NEED_PTY /* /dev/ptmx gives a pty */
};

static void
run_test (const char *name, void (*fn) (void), enum need need)
{
  test_count++;
  if ((need == NEED_ROOT && !privileged) || (need == NEED_PTY && !ptys_work))
    {
      pass_count++;
      printf ("ok %d - %s # skip %s\n", test_count, name,
              need == NEED_PTY ? "/dev/ptmx gives no pty here" : skip_reason);
      fflush (stdout);
      return;
    }
  current_failed = false;
  fn ();
  if (current_failed)
    {
      fail_count++;
      printf ("not ok %d - %s\n", test_count, name);
    }
  else
    {
      pass_count++;
      printf ("ok %d - %s\n", test_count, name);
    }
  fflush (stdout);
}

/* ------------------------------------------------------------------ */
/* file helpers                                                        */

static char *
make_temp_dir (void)
{
  char *dir = strdup ("/tmp/jshim-test-XXXXXX");

  if (dir == NULL || mkdtemp (dir) == NULL)
    {
      diag ("mkdtemp: %s", strerror (errno));
      current_failed = true;
      free (dir);
      return NULL;
    }
  /* Readable by the unprivileged uid some tests switch to. */
  chmod (dir, 0755);
  return dir;
}

static int
rm_entry (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void) st;
  (void) flag;
  (void) ftw;
  remove (path);
  return 0;
}

static void
remove_tree (char *dir)
{
  if (dir == NULL)
    return;
  nftw (dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
  free (dir);
}

static int
write_file (const char *path, const char *content, mode_t mode)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  size_t len = strlen (content);

  if (fd < 0)
    return -1;
  if (write (fd, content, len) != (ssize_t) len)
    {
      close (fd);
      return -1;
    }
  fchmod (fd, mode);
  return close (fd);
}

static int
copy_file (const char *from, const char *to, mode_t mode)
{
  char buf[65536];
  int in = open (from, O_RDONLY | O_CLOEXEC);
  int out;
  ssize_t n;

  if (in < 0)
    return -1;
  out = open (to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (out < 0)
    {
      close (in);
      return -1;
    }
  while ((n = read (in, buf, sizeof (buf))) > 0)
    if (write (out, buf, (size_t) n) != n)
      {
        n = -1;
        break;
      }
  close (in);
  fchmod (out, mode);
  if (close (out) < 0 || n < 0)
    return -1;
  return 0;
}

/* A temp file used as the workload's stdout/stderr. */
static int
make_output_file (void)
{
  char name[] = "/tmp/jshim-test-out-XXXXXX";
  int fd = mkostemp (name, O_CLOEXEC);

  if (fd < 0)
    {
      diag ("mkostemp: %s", strerror (errno));
      current_failed = true;
      return -1;
    }
  unlink (name);
  return fd;
}

static char *
read_output (int fd)
{
  static char buf[8192];
  ssize_t n = pread (fd, buf, sizeof (buf) - 1, 0);

  buf[n > 0 ? n : 0] = '\0';
  return buf;
}

/* ------------------------------------------------------------------ */
/* running jshim-spawn                                                 */

enum after_ready
{
  SEND_GO,   /* write 'G' once PID and READY arrived */
  CLOSE_SYNC /* close our end instead */
};

struct spawn_opts
{
  const char *spawn;     /* helper binary, default spawn_path */
  int out_fd;            /* stdout+stderr of the workload, -1: /dev/null */
  uid_t run_as;          /* 0: keep our ids, else run the helper as this */
  enum after_ready after;
  /* Called once PID and READY are in, before 'G': the workload is set up
     and waiting. */
  void (*on_ready) (pid_t pid, void *arg);
  void *on_ready_arg;
};

struct spawn_result
{
  pid_t helper;
  int helper_status;
  bool got_pid;
  pid_t pid;
  bool got_ready;
  bool ready_before_pid;
  int errors;
  int err_stage;
  int err_errno;
  char err_msg[JSHIM_RECORD_MSG_MAX + 1];
  bool eof;
  bool protocol_error;
  long long ready_usec; /* from starting the helper to READY */
  int consoles;         /* CONSOLE records */
  int console_fd;       /* the master of the last one, -1: none; the
                           caller closes it */
  bool console_after_ready;
};

static long long
now_usec (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static pid_t
start_helper (char *const argv[], char *const envp[],
              const struct spawn_opts *opts, int *sync_out)
{
  int sv[2];
  pid_t pid;

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    {
      diag ("socketpair: %s", strerror (errno));
      return -1;
    }
  fflush (stdout);
  pid = fork ();
  if (pid < 0)
    {
      diag ("fork: %s", strerror (errno));
      close (sv[0]);
      close (sv[1]);
      return -1;
    }
  if (pid == 0)
    {
      int devnull = open ("/dev/null", O_RDWR | O_CLOEXEC);
      int out = opts->out_fd >= 0 ? opts->out_fd : devnull;
      int hi_sync = fcntl (sv[1], F_DUPFD_CLOEXEC, 10);
      int hi_out = fcntl (out, F_DUPFD_CLOEXEC, 10);
      int hi_null = fcntl (devnull, F_DUPFD_CLOEXEC, 10);
      struct sigaction sa;
      sigset_t set;

      if (hi_sync < 0 || hi_out < 0 || hi_null < 0
          || dup2 (hi_null, 0) < 0 || dup2 (hi_out, 1) < 0
          || dup2 (hi_out, 2) < 0 || dup2 (hi_sync, 3) < 0)
        _exit (120);
      /* Garbage the helper must not leak into the workload. */
      if (dup2 (hi_null, 20) < 0)
        _exit (120);
      /* A signal state the helper must reset. */
      sigemptyset (&set);
      sigaddset (&set, SIGUSR1);
      sigaddset (&set, SIGTERM);
      sigprocmask (SIG_BLOCK, &set, NULL);
      memset (&sa, 0, sizeof (sa));
      sa.sa_handler = SIG_IGN;
      sigaction (SIGINT, &sa, NULL);
      sigaction (SIGHUP, &sa, NULL);
#if defined(__x86_64__) || defined(__aarch64__)
      /* glibc's reserved signals 32 and 33, ignored the way GNU make leaves
         them (kernel layout: handler first, SIG_IGN == 1). */
      {
        unsigned long ign[8] = { 1 };
        syscall (SYS_rt_sigaction, 32, ign, NULL, (size_t) 8);
        syscall (SYS_rt_sigaction, 33, ign, NULL, (size_t) 8);
      }
#endif

      if (opts->run_as != 0)
        {
          if (setgroups (0, NULL) < 0 || setgid (opts->run_as) < 0
              || setuid (opts->run_as) < 0)
            _exit (121);
        }
      execve (opts->spawn ? opts->spawn : spawn_path, argv, envp);
      _exit (122);
    }
  close (sv[1]);
  *sync_out = sv[0];
  return pid;
}

/* Wait up to TIMEOUT_MS for PID; kill it when it does not exit. */
static int
wait_exit (pid_t pid, int timeout_ms, int *status)
{
  int waited = 0;

  for (;;)
    {
      pid_t r = waitpid (pid, status, WNOHANG);
      if (r == pid)
        return 0;
      if (r < 0 && errno != EINTR)
        {
          diag ("waitpid %d: %s", (int) pid, strerror (errno));
          return -1;
        }
      if (waited >= timeout_ms)
        {
          diag ("pid %d did not exit in time, killing it", (int) pid);
          kill (pid, SIGKILL);
          waitpid (pid, status, 0);
          return -1;
        }
      usleep (10 * 1000);
      waited += 10;
    }
}

static int
run_spawn (char *const argv[], char *const envp[],
           const struct spawn_opts *opts, struct spawn_result *res)
{
  int sync_fd = -1;
  bool acted = false;
  long long start = now_usec ();

  memset (res, 0, sizeof (*res));
  res->console_fd = -1;
  res->helper = start_helper (argv, envp, opts, &sync_fd);
  if (res->helper < 0)
    {
      current_failed = true;
      return -1;
    }

  for (;;)
    {
      struct pollfd pfd = { .fd = sync_fd, .events = POLLIN };
      struct jshim_record hdr;
      char msg[JSHIM_RECORD_MSG_MAX + 1];
      int r, fd;

      r = poll (&pfd, 1, 20000);
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        {
          diag ("timed out waiting on the sync socket");
          res->protocol_error = true;
          break;
        }
      r = jshim_record_recv (sync_fd, &hdr, msg, sizeof (msg), &fd);
      if (r == 0)
        {
          res->eof = true;
          break;
        }
      if (r < 0)
        {
          diag ("reading a record: %s", strerror (errno));
          res->protocol_error = true;
          break;
        }
      switch (hdr.type)
        {
        case JSHIM_REC_PID:
          if (res->got_pid)
            res->protocol_error = true;
          res->got_pid = true;
          res->pid = hdr.value;
          break;
        case JSHIM_REC_READY:
          if (res->got_ready)
            res->protocol_error = true;
          res->got_ready = true;
          res->ready_before_pid = !res->got_pid;
          res->ready_usec = now_usec () - start;
          break;
        case JSHIM_REC_ERROR:
          res->errors++;
          res->err_stage = hdr.value;
          res->err_errno = hdr.err;
          memcpy (res->err_msg, msg, hdr.len + 1);
          if (verbose)
            diag ("ERROR record: stage %s errno %d: %s",
                  jshim_stage_name (hdr.value), hdr.err, msg);
          break;
        case JSHIM_REC_CONSOLE:
          res->consoles++;
          res->console_after_ready = res->got_ready;
          if (res->console_fd >= 0)
            close (res->console_fd);
          res->console_fd = fd;
          break;
        }
      if (!acted && res->got_pid && res->got_ready)
        {
          acted = true;
          if (opts->on_ready != NULL)
            opts->on_ready (res->pid, opts->on_ready_arg);
          if (opts->after == CLOSE_SYNC)
            break;
          if (write (sync_fd, "G", 1) != 1)
            {
              diag ("writing the go byte: %s", strerror (errno));
              res->protocol_error = true;
              break;
            }
        }
    }
  close (sync_fd);
  if (wait_exit (res->helper, 20000, &res->helper_status) < 0)
    current_failed = true;
  return 0;
}

/* Reap the workload (our child thanks to CLONE_PARENT). */
static int
workload_status (const struct spawn_result *res)
{
  int status = -1;

  if (!res->got_pid || res->pid <= 0)
    return -1;
  if (wait_exit (res->pid, 20000, &status) < 0)
    {
      current_failed = true;
      return -1;
    }
  return status;
}

static char *default_env[] = {
  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  "JSHIM_TEST=1", NULL
};

#define ARGV(...) ((char *[]){ "jshim-spawn", __VA_ARGS__, NULL })

/* Run a workload to completion (sending 'G') and return its wait status. */
static int
run_to_exit (char *const argv[], char *const envp[], int out_fd,
             struct spawn_result *res)
{
  struct spawn_opts opts = { .out_fd = out_fd, .after = SEND_GO };

  if (run_spawn (argv, envp ? envp : default_env, &opts, res) < 0)
    return -1;
  CHECK (!res->protocol_error);
  CHECK (res->got_pid);
  CHECK (res->eof);
  CHECK (WIFEXITED (res->helper_status));
  CHECK_INT (WEXITSTATUS (res->helper_status), 0);
  return workload_status (res);
}

static void
check_no_errors (const struct spawn_result *res)
{
  if (res->errors == 0)
    return;
  diag ("unexpected ERROR record(s), last: stage %s errno %d: %s",
        jshim_stage_name (res->err_stage), res->err_errno, res->err_msg);
  current_failed = true;
}

/* Expect a clean run with the workload printing EXPECTED and exiting 0. */
static void
expect_output (char *const argv[], char *const envp[], const char *expected)
{
  struct spawn_result res;
  int fd = make_output_file ();
  int status;

  if (fd < 0)
    return;
  status = run_to_exit (argv, envp, fd, &res);
  CHECK (res.got_ready);
  check_no_errors (&res);
  CHECK (WIFEXITED (status));
  CHECK_INT (WEXITSTATUS (status), 0);
  CHECK_STR (read_output (fd), expected);
  close (fd);
}

/* Expect a clean setup, the workload exiting with CODE and printing
   EXPECTED (stdout and stderr). */
static void
expect_exit_output (char *const argv[], char *const envp[], int code,
                    const char *expected)
{
  struct spawn_result res;
  int fd = make_output_file ();
  int status;

  if (fd < 0)
    return;
  status = run_to_exit (argv, envp, fd, &res);
  CHECK (res.got_ready);
  check_no_errors (&res);
  CHECK (WIFEXITED (status));
  CHECK_INT (WEXITSTATUS (status), code);
  CHECK_STR (read_output (fd), expected);
  close (fd);
}

/* Expect exactly one ERROR record from a workload that then exits 1. */
static void
expect_workload_error (char *const argv[], char *const envp[], int stage,
                       int errnum, const char *msg_part)
{
  struct spawn_result res;
  int status = run_to_exit (argv, envp, -1, &res);

  CHECK (!res.got_ready);
  CHECK_INT (res.errors, 1);
  CHECK_INT (res.err_stage, stage);
  CHECK_INT (res.err_errno, errnum);
  CHECK_CONTAINS (res.err_msg, msg_part);
  CHECK (WIFEXITED (status));
  CHECK_INT (WEXITSTATUS (status), JSHIM_WORKLOAD_EXIT_SETUP);
}

/* Expect the helper itself to reject the invocation. */
static void
expect_usage_error (char *const argv[], const char *msg_part)
{
  struct spawn_opts opts = { .out_fd = -1, .after = SEND_GO };
  struct spawn_result res;

  if (run_spawn (argv, default_env, &opts, &res) < 0)
    return;
  CHECK (!res.got_pid);
  CHECK (!res.got_ready);
  CHECK (res.eof);
  CHECK_INT (res.errors, 1);
  CHECK_INT (res.err_stage, JSHIM_STAGE_ARGS);
  CHECK_INT (res.err_errno, EINVAL);
  CHECK_CONTAINS (res.err_msg, msg_part);
  CHECK (WIFEXITED (res.helper_status));
  CHECK_INT (WEXITSTATUS (res.helper_status), 2);
}

/* A root filesystem holding only bin/jshim-testbin (and maybe more). */
static char *
make_rootfs (void)
{
  char *dir = make_temp_dir ();
  char path[PATH_MAX + 64];

  if (dir == NULL)
    return NULL;
  snprintf (path, sizeof (path), "%s/bin", dir);
  if (mkdir (path, 0755) < 0)
    goto fail;
  snprintf (path, sizeof (path), "%s/bin/jshim-testbin", dir);
  if (copy_file (testbin_path, path, 0755) < 0)
    goto fail;
  return dir;

fail:
  diag ("building a rootfs in %s: %s", dir, strerror (errno));
  current_failed = true;
  remove_tree (dir);
  return NULL;
}

/* ------------------------------------------------------------------ */
/* unit tests                                                          */

static void
test_ns_parse_names (void)
{
  jshim_error_t err;
  int flags = -1;

  CHECK_INT (jshim_ns_parse ("pid", &flags, &err), 0);
  CHECK_INT (flags, CLONE_NEWPID);
  CHECK_INT (jshim_ns_parse ("pid,uts,ipc,mount,network,cgroup,user,time",
                            &flags, &err),
             0);
  CHECK_INT (flags, CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNS
                        | CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_NEWUSER
                        | CLONE_NEWTIME);
  CHECK_INT (flags, jshim_ns_supported_mask ());
  CHECK_INT (jshim_ns_parse ("", &flags, &err), 0);
  CHECK_INT (flags, 0);
}

static void
test_ns_parse_aliases (void)
{
  jshim_error_t err;
  int flags = -1;

  CHECK_INT (jshim_ns_parse ("mnt", &flags, &err), 0);
  CHECK_INT (flags, CLONE_NEWNS);
  CHECK_INT (jshim_ns_parse ("net", &flags, &err), 0);
  CHECK_INT (flags, CLONE_NEWNET);
  CHECK_INT (jshim_ns_parse ("mount,mnt,net,network,uts", &flags, &err), 0);
  CHECK_INT (flags, CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWUTS);
}

static void
test_ns_parse_unknown (void)
{
  jshim_error_t err;
  int flags = 1234;

  jshim_error_clear (&err);
  CHECK_INT (jshim_ns_parse ("pid,bogus", &flags, &err), -1);
  CHECK_INT (flags, 1234);
  CHECK_INT (err.stage, JSHIM_STAGE_ARGS);
  CHECK_INT (err.err, EINVAL);
  CHECK_CONTAINS (err.msg, "unknown namespace \"bogus\"");
  CHECK_CONTAINS (err.msg, "expected");
  CHECK_INT (jshim_ns_parse ("pid,,uts", &flags, &err), -1);
  CHECK_CONTAINS (err.msg, "empty namespace name");
  CHECK_INT (jshim_ns_parse ("PID", &flags, &err), -1);
  CHECK_INT (jshim_ns_parse ("pid,", &flags, &err), -1);
  CHECK_INT (jshim_ns_parse ("times", &flags, &err), -1);
  CHECK_INT (jshim_ns_flag ("pidx", 4), 0);
  CHECK_INT (jshim_ns_flag ("pidx", 3), CLONE_NEWPID);
}

static void
test_ns_parse_user (void)
{
  jshim_error_t err;
  int flags = 0;

  jshim_error_clear (&err);
  CHECK_INT (jshim_ns_parse ("pid,user", &flags, &err), 0);
  CHECK_INT (flags, CLONE_NEWPID | CLONE_NEWUSER);
  CHECK_INT (jshim_ns_flag ("user", 4), CLONE_NEWUSER);
  CHECK_STR (jshim_ns_name (CLONE_NEWUSER), "user");
  CHECK_STR (jshim_ns_name (CLONE_NEWNS), "mount");
  CHECK_STR (jshim_ns_name (CLONE_NEWNET), "network");
  CHECK_STR (jshim_ns_name (CLONE_PARENT), "?");
}

static void
test_clone_flags_text (void)
{
  char buf[256];

  CHECK_STR (jshim_clone_flags_str (CLONE_NEWPID | CLONE_NEWUTS | CLONE_PARENT
                                        | SIGCHLD,
                                    buf, sizeof (buf)),
             "CLONE_NEWPID|CLONE_NEWUTS|CLONE_PARENT|SIGCHLD");
  CHECK_STR (jshim_clone_flags_str (0, buf, sizeof (buf)), "0");
  /* Truncation must stay inside the buffer and NUL terminate. */
  CHECK_INT (strlen (jshim_clone_flags_str (CLONE_NEWPID | SIGCHLD, buf, 5)),
             4);
}

static void
test_error_format (void)
{
  jshim_error_t err;
  char big[3000];

  CHECK_INT (jshim_fail_sys (&err, JSHIM_STAGE_HOSTNAME, EPERM,
                             "sethostname \"%s\"", "x"),
             -1);
  CHECK_INT (err.stage, JSHIM_STAGE_HOSTNAME);
  CHECK_INT (err.err, EPERM);
  CHECK_STR (err.msg, "sethostname \"x\": Operation not permitted");

  CHECK_INT (jshim_fail (&err, JSHIM_STAGE_ARGS, EINVAL, "plain %d", 7), -1);
  CHECK_STR (err.msg, "plain 7");

  memset (big, 'a', sizeof (big) - 1);
  big[sizeof (big) - 1] = '\0';
  jshim_fail_sys (&err, JSHIM_STAGE_EXEC, ENOENT, "%s", big);
  CHECK_INT (jshim_error_len (&err), JSHIM_ERROR_MSG_MAX);
  CHECK_INT (strlen (err.msg), JSHIM_ERROR_MSG_MAX);
}

static void
test_record_roundtrip (void)
{
  unsigned char buf[JSHIM_RECORD_MAX_SIZE + 64];
  struct jshim_record hdr;
  const char *msg = NULL;
  const char *text = "execve /bin/x: Exec format error";
  char big[2000];
  size_t n;
  int32_t i32;
  uint32_t u32;

  CHECK_INT (sizeof (struct jshim_record), 16);

  n = jshim_record_encode (buf, sizeof (buf), JSHIM_REC_ERROR,
                           JSHIM_STAGE_EXEC, ENOEXEC, text, strlen (text));
  CHECK_INT (n, 16 + strlen (text));
  /* Layout the Java side relies on. */
  memcpy (&i32, buf + JSHIM_RECORD_OFF_TYPE, 4);
  CHECK_INT (i32, 3);
  memcpy (&i32, buf + JSHIM_RECORD_OFF_VALUE, 4);
  CHECK_INT (i32, 8);
  memcpy (&i32, buf + JSHIM_RECORD_OFF_ERR, 4);
  CHECK_INT (i32, ENOEXEC);
  memcpy (&u32, buf + JSHIM_RECORD_OFF_LEN, 4);
  CHECK_INT (u32, strlen (text));

  CHECK_INT (jshim_record_decode (buf, n, &hdr, &msg), (ssize_t) n);
  CHECK_INT (hdr.type, JSHIM_REC_ERROR);
  CHECK_INT (hdr.value, JSHIM_STAGE_EXEC);
  CHECK_INT (hdr.err, ENOEXEC);
  CHECK_INT (hdr.len, strlen (text));
  CHECK (msg != NULL && memcmp (msg, text, hdr.len) == 0);

  /* Incomplete input asks for more; garbage is rejected. */
  CHECK_INT (jshim_record_decode (buf, 15, &hdr, &msg), 0);
  CHECK_INT (jshim_record_decode (buf, n - 1, &hdr, &msg), 0);
  i32 = 9;
  memcpy (buf, &i32, 4);
  CHECK_INT (jshim_record_decode (buf, n, &hdr, &msg), -1);

  /* PID record: no message. */
  n = jshim_record_encode (buf, sizeof (buf), JSHIM_REC_PID, 4242, 0, NULL, 0);
  CHECK_INT (n, 16);
  CHECK_INT (jshim_record_decode (buf, n, &hdr, &msg), 16);
  CHECK_INT (hdr.type, JSHIM_REC_PID);
  CHECK_INT (hdr.value, 4242);
  CHECK_INT (hdr.len, 0);

  /* Over-long messages are cut at 1024 bytes. */
  memset (big, 'm', sizeof (big));
  n = jshim_record_encode (buf, sizeof (buf), JSHIM_REC_ERROR, 1, 1, big,
                           sizeof (big));
  CHECK_INT (n, 16 + 1024);
  CHECK_INT (jshim_record_decode (buf, n, &hdr, &msg), 16 + 1024);
  CHECK_INT (hdr.len, 1024);
  u32 = 1025;
  memcpy (buf + JSHIM_RECORD_OFF_LEN, &u32, 4);
  CHECK_INT (jshim_record_decode (buf, sizeof (buf), &hdr, &msg), -1);
  CHECK_INT (jshim_record_encode (buf, 10, JSHIM_REC_READY, 0, 0, NULL, 0), 0);
}

static void
test_record_socket (void)
{
  int sv[2];
  struct jshim_record hdr;
  char msg[JSHIM_RECORD_MSG_MAX + 1];
  jshim_error_t err;

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    {
      CHECK (!"socketpair");
      return;
    }
  jshim_fail (&err, JSHIM_STAGE_CWD, ENOENT, "chdir \"/nope\"");
  CHECK_INT (jshim_send_ready (sv[1]), 0);
  CHECK_INT (jshim_send_pid (sv[1], 77), 0);
  CHECK_INT (jshim_send_error (sv[1], &err), 0);
  close (sv[1]);

  CHECK_INT (jshim_record_read (sv[0], &hdr, msg, sizeof (msg)), 1);
  CHECK_INT (hdr.type, JSHIM_REC_READY);
  CHECK_INT (hdr.value, 0);
  CHECK_INT (jshim_record_read (sv[0], &hdr, msg, sizeof (msg)), 1);
  CHECK_INT (hdr.type, JSHIM_REC_PID);
  CHECK_INT (hdr.value, 77);
  CHECK_INT (jshim_record_read (sv[0], &hdr, msg, sizeof (msg)), 1);
  CHECK_INT (hdr.type, JSHIM_REC_ERROR);
  CHECK_INT (hdr.value, JSHIM_STAGE_CWD);
  CHECK_INT (hdr.err, ENOENT);
  CHECK_STR (msg, "chdir \"/nope\"");
  CHECK_INT (jshim_record_read (sv[0], &hdr, msg, sizeof (msg)), 0);
  close (sv[0]);
}

static void
test_resolve_in_path (void)
{
  char *dir = make_temp_dir ();
  char prog[PATH_MAX], env_path[PATH_MAX + 64], out[PATH_MAX];
  jshim_error_t err;

  if (dir == NULL)
    return;
  snprintf (prog, sizeof (prog), "%s/jt-prog", dir);
  CHECK_INT (write_file (prog, "#!/bin/sh\nexit 0\n", 0755), 0);
  snprintf (env_path, sizeof (env_path), "PATH=/nonexistent-dir:%s:/bin", dir);
  {
    char *envp[] = { "A=1", env_path, NULL };

    CHECK_INT (jshim_resolve_program ("jt-prog", envp, out, sizeof (out), &err),
               0);
    CHECK_STR (out, prog);
  }
  {
    /* PATH is taken from the given environment, not from ours. */
    char *envp[] = { "PATH=/nonexistent-dir", NULL };

    CHECK_INT (jshim_resolve_program ("jt-prog", envp, out, sizeof (out), &err),
               -1);
  }
  remove_tree (dir);
}

static void
test_resolve_not_found (void)
{
  char *envp[] = { "PATH=/nonexistent-a:/nonexistent-b", NULL };
  char out[PATH_MAX];
  jshim_error_t err;

  jshim_error_clear (&err);
  CHECK_INT (jshim_resolve_program ("jt-missing", envp, out, sizeof (out),
                                    &err),
             -1);
  CHECK_INT (err.stage, JSHIM_STAGE_EXEC);
  CHECK_INT (err.err, ENOENT);
  CHECK_STR (err.msg, "executable file not found: jt-missing (searched "
                      "PATH=/nonexistent-a:/nonexistent-b)");

  CHECK_INT (jshim_resolve_program ("", envp, out, sizeof (out), &err), -1);
  CHECK_INT (err.err, ENOENT);
}

static void
test_resolve_with_slash (void)
{
  char *dir = make_temp_dir ();
  char prog[PATH_MAX], noexec[PATH_MAX], out[PATH_MAX];
  char *envp[] = { "PATH=/nonexistent", NULL };
  jshim_error_t err;

  if (dir == NULL)
    return;
  snprintf (prog, sizeof (prog), "%s/jt-prog", dir);
  snprintf (noexec, sizeof (noexec), "%s/jt-noexec", dir);
  CHECK_INT (write_file (prog, "#!/bin/sh\n", 0755), 0);
  CHECK_INT (write_file (noexec, "data\n", 0644), 0);

  CHECK_INT (jshim_resolve_program (prog, envp, out, sizeof (out), &err), 0);
  CHECK_STR (out, prog);

  CHECK_INT (jshim_resolve_program ("/nonexistent/jt", envp, out, sizeof (out),
                                    &err),
             -1);
  CHECK_INT (err.stage, JSHIM_STAGE_EXEC);
  CHECK_INT (err.err, ENOENT);
  CHECK_STR (err.msg, "/nonexistent/jt: no such file");

  CHECK_INT (jshim_resolve_program (noexec, envp, out, sizeof (out), &err), -1);
  CHECK_INT (err.err, EACCES);
  CHECK_INT (jshim_resolve_program (dir, envp, out, sizeof (out), &err), -1);
  CHECK_INT (err.err, EACCES);
  CHECK_CONTAINS (err.msg, "is a directory");
  remove_tree (dir);
}

static void
test_resolve_default_path (void)
{
  char *envp[] = { "HOME=/", NULL };
  char out[PATH_MAX];
  jshim_error_t err;
  const char *tail;

  /* No PATH in the container environment: the standard default applies. */
  CHECK_INT (jshim_resolve_program ("sh", envp, out, sizeof (out), &err), 0);
  tail = strrchr (out, '/');
  CHECK_STR (tail, "/sh");
  CHECK_INT (jshim_resolve_program ("jt-missing", envp, out, sizeof (out),
                                    &err),
             -1);
  CHECK_CONTAINS (err.msg, "PATH=" JSHIM_DEFAULT_PATH);
}

static void
test_stage_names (void)
{
  CHECK_INT (JSHIM_STAGE_RLIMIT, 10);
  CHECK_INT (JSHIM_STAGE_PROCESS, 11);
  CHECK_INT (JSHIM_STAGE_CAPS, 12);
  CHECK_STR (jshim_stage_name (JSHIM_STAGE_RLIMIT), "RLIMIT");
  CHECK_STR (jshim_stage_name (JSHIM_STAGE_PROCESS), "PROCESS");
  CHECK_STR (jshim_stage_name (JSHIM_STAGE_CAPS), "CAPS");
  CHECK_INT (JSHIM_STAGE_SYSCTL, 13);
  CHECK_STR (jshim_stage_name (JSHIM_STAGE_SYSCTL), "SYSCTL");
  CHECK_INT (JSHIM_STAGE_DEVICES, 14);
  CHECK_INT (JSHIM_STAGE_USERNS, 15);
  CHECK_INT (JSHIM_STAGE_CGROUP, 16);
  CHECK_INT (JSHIM_STAGE_JOIN, 17);
  CHECK_STR (jshim_stage_name (JSHIM_STAGE_DEVICES), "DEVICES");
  CHECK_STR (jshim_stage_name (JSHIM_STAGE_USERNS), "USERNS");
  CHECK_STR (jshim_stage_name (JSHIM_STAGE_CGROUP), "CGROUP");
  CHECK_STR (jshim_stage_name (JSHIM_STAGE_JOIN), "JOIN");
  CHECK_INT (JSHIM_STAGE_CONSOLE, 18);
  CHECK_STR (jshim_stage_name (JSHIM_STAGE_CONSOLE), "CONSOLE");
  CHECK_INT (JSHIM_STAGE_SECCOMP, 19);
  CHECK_STR (jshim_stage_name (JSHIM_STAGE_SECCOMP), "SECCOMP");
  CHECK_STR (jshim_stage_name (99), "UNKNOWN");
  CHECK_INT (JSHIM_REC_CONSOLE, 4);
}

static void
test_parse_oom_score_adj (void)
{
  jshim_error_t err;
  int v = 7;

  CHECK_INT (jshim_parse_oom_score_adj ("500", &v, &err), 0);
  CHECK_INT (v, 500);
  CHECK_INT (jshim_parse_oom_score_adj ("-1000", &v, &err), 0);
  CHECK_INT (v, -1000);
  CHECK_INT (jshim_parse_oom_score_adj ("1000", &v, &err), 0);
  CHECK_INT (v, 1000);
  CHECK_INT (jshim_parse_oom_score_adj ("0", &v, &err), 0);
  CHECK_INT (v, 0);

  jshim_error_clear (&err);
  CHECK_INT (jshim_parse_oom_score_adj ("1001", &v, &err), -1);
  CHECK_INT (v, 0);
  CHECK_INT (err.stage, JSHIM_STAGE_ARGS);
  CHECK_INT (err.err, EINVAL);
  CHECK_CONTAINS (err.msg, "invalid --oom-score-adj \"1001\"");
  CHECK_INT (jshim_parse_oom_score_adj ("-1001", &v, &err), -1);
  CHECK_INT (jshim_parse_oom_score_adj ("", &v, &err), -1);
  CHECK_INT (jshim_parse_oom_score_adj ("-", &v, &err), -1);
  CHECK_INT (jshim_parse_oom_score_adj ("+5", &v, &err), -1);
  CHECK_INT (jshim_parse_oom_score_adj ("5x", &v, &err), -1);
  CHECK_INT (jshim_parse_oom_score_adj ("99999999999999999999", &v, &err),
             -1);
}

static void
test_parse_rlimit (void)
{
  struct jshim_rlimit r;
  jshim_error_t err;

  CHECK_INT (jshim_parse_rlimit ("RLIMIT_NOFILE=1024:4096", &r, &err), 0);
  CHECK_INT (r.resource, RLIMIT_NOFILE);
  CHECK_INT (r.soft, 1024);
  CHECK_INT (r.hard, 4096);
  CHECK (jshim_parse_rlimit ("RLIMIT_CORE=0:18446744073709551615", &r, &err)
         == 0);
  CHECK_INT (r.resource, RLIMIT_CORE);
  CHECK_INT (r.soft, 0);
  CHECK (r.hard == JSHIM_RLIM_INFINITY);
  CHECK (jshim_parse_rlimit ("RLIMIT_RTTIME=18446744073709551615:"
                             "18446744073709551615",
                             &r, &err)
         == 0);
  CHECK (r.soft == JSHIM_RLIM_INFINITY);
  CHECK_INT (jshim_parse_rlimit ("RLIMIT_NPROC=5:5", &r, &err), 0);
  CHECK_INT (r.resource, RLIMIT_NPROC);

  /* Every OCI name maps back to itself. */
  {
    static const char *names[] = {
      "RLIMIT_CPU",    "RLIMIT_FSIZE",      "RLIMIT_DATA",     "RLIMIT_STACK",
      "RLIMIT_CORE",   "RLIMIT_RSS",        "RLIMIT_NPROC",    "RLIMIT_NOFILE",
      "RLIMIT_MEMLOCK", "RLIMIT_AS",        "RLIMIT_LOCKS",
      "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE",  "RLIMIT_RTPRIO",
      "RLIMIT_RTTIME"
    };
    size_t i;

    for (i = 0; i < sizeof (names) / sizeof (names[0]); i++)
      {
        int res = jshim_rlimit_resource (names[i], strlen (names[i]));

        CHECK (res >= 0);
        CHECK_STR (jshim_rlimit_name (res), names[i]);
      }
  }

  jshim_error_clear (&err);
  CHECK_INT (jshim_parse_rlimit ("RLIMIT_BOGUS=1:2", &r, &err), -1);
  CHECK_INT (err.stage, JSHIM_STAGE_ARGS);
  CHECK_INT (err.err, EINVAL);
  CHECK_CONTAINS (err.msg, "unknown resource \"RLIMIT_BOGUS\"");
  CHECK_INT (jshim_parse_rlimit ("nofile=1:2", &r, &err), -1);
  CHECK_CONTAINS (err.msg, "unknown resource \"nofile\"");
  CHECK_INT (jshim_parse_rlimit ("RLIMIT_NOFILE=2:1", &r, &err), -1);
  CHECK_CONTAINS (err.msg, "invalid --rlimit \"RLIMIT_NOFILE=2:1\"");
  CHECK_CONTAINS (err.msg, "soft limit is above the hard limit");
  CHECK_INT (jshim_parse_rlimit ("RLIMIT_NOFILE=x:1", &r, &err), -1);
  CHECK_CONTAINS (err.msg, "soft limit \"x\"");
  CHECK_INT (jshim_parse_rlimit ("RLIMIT_NOFILE=1:-1", &r, &err), -1);
  CHECK_CONTAINS (err.msg, "hard limit \"-1\"");
  CHECK_INT (jshim_parse_rlimit ("RLIMIT_NOFILE=1:18446744073709551616", &r,
                                 &err),
             -1);
  CHECK_CONTAINS (err.msg, "hard limit \"18446744073709551616\"");
  CHECK_INT (jshim_parse_rlimit ("RLIMIT_NOFILE=:1", &r, &err), -1);
  CHECK_INT (jshim_parse_rlimit ("RLIMIT_NOFILE=1:", &r, &err), -1);
  CHECK_INT (jshim_parse_rlimit ("RLIMIT_NOFILE=1:2:3", &r, &err), -1);
  CHECK_INT (jshim_parse_rlimit ("RLIMIT_NOFILE=1 :2", &r, &err), -1);
  CHECK_INT (jshim_parse_rlimit ("RLIMIT_NOFILE=1", &r, &err), -1);
  CHECK_CONTAINS (err.msg, "expected NAME=SOFT:HARD");
  CHECK_INT (jshim_parse_rlimit ("RLIMIT_NOFILE", &r, &err), -1);
  CHECK_INT (jshim_parse_rlimit ("", &r, &err), -1);
}

static void
test_parse_groups (void)
{
  jshim_error_t err;
  gid_t *g = NULL;
  size_t n = 99;

  CHECK_INT (jshim_parse_groups ("10,20", &g, &n, &err), 0);
  CHECK_INT (n, 2);
  CHECK (g != NULL && g[0] == 10 && g[1] == 20);
  free (g);
  CHECK_INT (jshim_parse_groups ("4294967294", &g, &n, &err), 0);
  CHECK_INT (n, 1);
  CHECK (g != NULL && g[0] == 4294967294U);
  free (g);
  CHECK_INT (jshim_parse_groups ("", &g, &n, &err), 0);
  CHECK_INT (n, 0);
  CHECK (g == NULL);
  {
    char many[400];
    int i, len = 0;

    for (i = 0; i < 40; i++)
      len += snprintf (many + len, sizeof (many) - (size_t) len, "%s%d",
                       i ? "," : "", i * 3);
    CHECK_INT (jshim_parse_groups (many, &g, &n, &err), 0);
    CHECK_INT (n, 40);
    CHECK (g != NULL && g[39] == 117);
    free (g);
  }

  jshim_error_clear (&err);
  CHECK_INT (jshim_parse_groups ("10,x", &g, &n, &err), -1);
  CHECK_INT (err.stage, JSHIM_STAGE_ARGS);
  CHECK_INT (err.err, EINVAL);
  CHECK_CONTAINS (err.msg, "invalid --groups \"10,x\": \"x\"");
  CHECK_INT (jshim_parse_groups ("10,,20", &g, &n, &err), -1);
  CHECK_INT (jshim_parse_groups ("10,", &g, &n, &err), -1);
  CHECK_INT (jshim_parse_groups (",", &g, &n, &err), -1);
  CHECK_INT (jshim_parse_groups ("-1", &g, &n, &err), -1);
  CHECK_INT (jshim_parse_groups ("4294967295", &g, &n, &err), -1);
  CHECK_INT (jshim_parse_groups ("1 2", &g, &n, &err), -1);
}

static void
test_parse_umask (void)
{
  jshim_error_t err;
  mode_t m = 01;

  CHECK_INT (jshim_parse_umask ("022", &m, &err), 0);
  CHECK_INT (m, 022);
  CHECK_INT (jshim_parse_umask ("0027", &m, &err), 0);
  CHECK_INT (m, 027);
  CHECK_INT (jshim_parse_umask ("0777", &m, &err), 0);
  CHECK_INT (m, 0777);
  CHECK_INT (jshim_parse_umask ("0", &m, &err), 0);
  CHECK_INT (m, 0);
  CHECK_INT (jshim_parse_umask ("18", &m, &err), 0); /* decimal 18 = 022 */
  CHECK_INT (m, 022);
  CHECK_INT (jshim_parse_umask ("0x1ff", &m, &err), 0);
  CHECK_INT (m, 0777);

  jshim_error_clear (&err);
  CHECK_INT (jshim_parse_umask ("01000", &m, &err), -1);
  CHECK_INT (m, 0777);
  CHECK_INT (err.stage, JSHIM_STAGE_ARGS);
  CHECK_INT (err.err, EINVAL);
  CHECK_CONTAINS (err.msg, "invalid --umask \"01000\"");
  CHECK_INT (jshim_parse_umask ("512", &m, &err), -1);
  CHECK_INT (jshim_parse_umask ("089", &m, &err), -1);
  CHECK_INT (jshim_parse_umask ("-1", &m, &err), -1);
  CHECK_INT (jshim_parse_umask ("", &m, &err), -1);
  CHECK_INT (jshim_parse_umask (" 22", &m, &err), -1);
  CHECK_INT (jshim_parse_umask ("22k", &m, &err), -1);
}

static void
test_parse_cap_mask (void)
{
  jshim_error_t err;
  uint64_t m = 7;
  int last = jshim_cap_last_cap ();

  CHECK_INT (jshim_parse_cap_mask ("--cap-effective", "0x5", 40, &m, &err),
             0);
  CHECK_INT (m, 5);
  CHECK_INT (jshim_parse_cap_mask ("--cap-effective", "0X1fffeffffff", 40,
                                   &m, &err),
             0);
  CHECK (m == 0x1fffeffffffULL);
  CHECK_INT (jshim_parse_cap_mask ("--cap-effective", "21", 40, &m, &err), 0);
  CHECK_INT (m, 21);
  CHECK_INT (jshim_parse_cap_mask ("--cap-effective", "010", 40, &m, &err),
             0);
  CHECK_INT (m, 8); /* base 0: a leading 0 is octal */
  CHECK_INT (jshim_parse_cap_mask ("--cap-effective", "0", 40, &m, &err), 0);
  CHECK_INT (m, 0);
  /* Bit 40 is the last one allowed with cap_last_cap 40. */
  CHECK_INT (jshim_parse_cap_mask ("--cap-effective", "0x10000000000", 40, &m,
                                   &err),
             0);
  CHECK (m == 1ULL << 40);
  CHECK_INT (jshim_parse_cap_mask ("--cap-bounding", "0xffffffffffffffff", 63,
                                   &m, &err),
             0);
  CHECK (m == UINT64_MAX);

  jshim_error_clear (&err);
  m = 3;
  CHECK_INT (jshim_parse_cap_mask ("--cap-ambient", "0x20000000000", 40, &m,
                                   &err),
             -1);
  CHECK_INT (m, 3);
  CHECK_INT (err.stage, JSHIM_STAGE_ARGS);
  CHECK_INT (err.err, EINVAL);
  CHECK_STR (err.msg, "invalid --cap-ambient \"0x20000000000\": capability "
                      "41 is above the kernel's last capability 40");
  CHECK_INT (jshim_parse_cap_mask ("--cap-bounding", "0xffffffffffffffff", 40,
                                   &m, &err),
             -1);
  CHECK_CONTAINS (err.msg, "capability 63 is above");
  CHECK_INT (jshim_parse_cap_mask ("--cap-permitted", "zz", 40, &m, &err),
             -1);
  CHECK_STR (err.msg, "invalid --cap-permitted \"zz\": expected a 64-bit "
                      "capability mask such as 0x3 (bit N = capability N)");
  CHECK_INT (jshim_parse_cap_mask ("--cap-permitted", "0x10000000000000000",
                                   63, &m, &err),
             -1);
  CHECK_INT (jshim_parse_cap_mask ("--cap-permitted", "-1", 63, &m, &err),
             -1);
  CHECK_INT (jshim_parse_cap_mask ("--cap-permitted", "", 63, &m, &err), -1);
  CHECK_INT (jshim_parse_cap_mask ("--cap-permitted", " 1", 63, &m, &err),
             -1);
  CHECK_INT (jshim_parse_cap_mask ("--cap-permitted", "0x", 63, &m, &err),
             -1);
  CHECK_INT (jshim_parse_cap_mask ("--cap-permitted", "5k", 63, &m, &err),
             -1);
  CHECK_INT (jshim_parse_cap_mask ("--cap-permitted", "09", 63, &m, &err),
             -1);
  CHECK_INT (m, 3);

  /* The kernel's last capability, and the names used in messages. */
  CHECK (last >= 36 && last <= 63);
  {
    FILE *f = fopen ("/proc/sys/kernel/cap_last_cap", "re");
    int want = -1;

    if (f != NULL)
      {
        if (fscanf (f, "%d", &want) != 1)
          want = -1;
        fclose (f);
        CHECK_INT (last, want);
      }
  }
  CHECK_STR (jshim_cap_name (0), "CAP_CHOWN");
  CHECK_STR (jshim_cap_name (21), "CAP_SYS_ADMIN");
  CHECK_STR (jshim_cap_name (40), "CAP_CHECKPOINT_RESTORE");
  CHECK (jshim_cap_name (41) == NULL);
  CHECK (jshim_cap_name (-1) == NULL);
}

static void
test_parse_sysctl (void)
{
  static const char *const bad[] = {
    "noequals", "=1", "net..ipv4=1", ".net=1", "net.=1", "net/ipv4=1",
    "Net.ipv4=1", "net.ipv4-x=1", "../etc=1", "net.ip v4=1",
  };
  struct jshim_sysctl sc;
  jshim_error_t err;
  size_t i;

  jshim_error_clear (&err);
  CHECK_INT (jshim_parse_sysctl ("net.ipv4.ip_forward=1", &sc, &err), 0);
  CHECK_STR (sc.path, "/proc/sys/net/ipv4/ip_forward");
  CHECK_STR (sc.value, "1");
  free (sc.path);
  CHECK_INT (jshim_parse_sysctl ("kernel.shm_rmid_forced=a=b c", &sc, &err),
             0);
  CHECK_STR (sc.path, "/proc/sys/kernel/shm_rmid_forced");
  CHECK_STR (sc.value, "a=b c");
  free (sc.path);
  CHECK_INT (jshim_parse_sysctl ("kernel=", &sc, &err), 0);
  CHECK_STR (sc.path, "/proc/sys/kernel");
  CHECK_STR (sc.value, "");
  free (sc.path);
  for (i = 0; i < sizeof (bad) / sizeof (bad[0]); i++)
    {
      CHECK_INT (jshim_parse_sysctl (bad[i], &sc, &err), -1);
      CHECK_INT (err.stage, JSHIM_STAGE_ARGS);
      CHECK_INT (err.err, EINVAL);
      CHECK_CONTAINS (err.msg, "invalid --sysctl");
    }
  CHECK_INT (jshim_check_container_path ("--masked", "/proc/kcore", &err), 0);
  CHECK_INT (jshim_check_container_path ("--masked", "proc/kcore", &err), -1);
  CHECK_STR (err.msg, "invalid --masked \"proc/kcore\": expected an absolute "
                      "path inside the container");
  CHECK_INT (jshim_check_container_path ("--readonly", "", &err), -1);
}

/* ------------------------------------------------------------------ */
/* end-to-end tests                                                    */

static void
test_helper_usage_errors (void)
{
  expect_usage_error (ARGV ("--ns", "pid,user", "--", testbin_path, "exit",
                            "0"),
                      "--ns user needs both --uid-map and --gid-map");
  expect_usage_error (ARGV ("--ns", "pid,floppy", "--", testbin_path),
                      "unknown namespace \"floppy\"");
  expect_usage_error (ARGV ("--bogus", "--", testbin_path),
                      "unknown option \"--bogus\"");
  expect_usage_error (ARGV ("--ns", "pid", "--"), "missing program");
  expect_usage_error (ARGV ("--uid", "abc", "--", testbin_path),
                      "invalid --uid \"abc\"");
  expect_usage_error (ARGV ("--cwd"), "needs a value");
}

static void
test_spawn_plain_exit_status (void)
{
  struct spawn_result res;
  int status = run_to_exit (ARGV ("--", testbin_path, "exit", "3"), NULL, -1,
                            &res);

  CHECK (res.got_ready);
  check_no_errors (&res);
  CHECK (res.pid > 0);
  CHECK (WIFEXITED (status));
  CHECK_INT (WEXITSTATUS (status), 3);
}

static void
test_spawn_ns_exit_status (void)
{
  struct spawn_result res;
  int status = run_to_exit (ARGV ("--ns", "uts,pid,mount", "--hostname", "t1",
                                  "--", testbin_path, "exit", "3"),
                            NULL, -1, &res);

  CHECK (res.got_ready);
  check_no_errors (&res);
  CHECK (res.pid > 1);
  CHECK (WIFEXITED (status));
  CHECK_INT (WEXITSTATUS (status), 3);
}

static void
test_spawn_hostname_and_pid (void)
{
  expect_output (ARGV ("--ns", "uts,pid,mount", "--hostname", "t1", "--",
                       testbin_path, "hostname"),
                 NULL, "t1\n");
  expect_output (ARGV ("--ns", "uts,pid,mount", "--hostname", "t1", "--",
                       testbin_path, "pid"),
                 NULL, "1\n");
  /* A fresh /proc shows the new pid namespace: /proc/self is pid 1 too. */
  expect_output (ARGV ("--ns", "pid,mount", "--", testbin_path, "fds"), NULL,
                 "0\n1\n2\n");
}

static void
test_spawn_missing_binary (void)
{
  expect_workload_error (ARGV ("--", "/nonexistent/jshim-prog"), NULL,
                         JSHIM_STAGE_EXEC, ENOENT,
                         "/nonexistent/jshim-prog: no such file");
  {
    char *envp[] = { "PATH=/nonexistent-a:/nonexistent-b", NULL };

    expect_workload_error (ARGV ("--", "jshim-no-such-prog", "x"), envp,
                           JSHIM_STAGE_EXEC, ENOENT,
                           "executable file not found: jshim-no-such-prog "
                           "(searched PATH=/nonexistent-a:/nonexistent-b)");
  }
}

static void
test_spawn_missing_binary_ns (void)
{
  expect_workload_error (ARGV ("--ns", "uts,pid,mount", "--hostname", "t1",
                               "--", "/nonexistent/jshim-prog"),
                         NULL, JSHIM_STAGE_EXEC, ENOENT, "no such file");
}

static void
test_spawn_env_and_path_lookup (void)
{
  char env_path[PATH_MAX + 32];
  char *envp[] = { env_path, "GREETING=hello there", NULL };

  snprintf (env_path, sizeof (env_path), "PATH=/nonexistent:%s", out_dir);
  expect_output (ARGV ("--", "jshim-testbin", "env", "GREETING"), envp,
                 "hello there\n");
  expect_output (ARGV ("--", "jshim-testbin", "echo", "a", "b c"), envp,
                 "a b c\n");
}

static void
test_spawn_fds_closed (void)
{
  /* The helper got garbage on fd 20; only stdio may reach the program. */
  expect_output (ARGV ("--", testbin_path, "fds"), NULL, "0\n1\n2\n");
}

/* Run jshim-testbin directly (no helper) with stdout and stderr on OUT_FD;
   it inherits every fd of ours that is not close-on-exec. */
static int
run_testbin (char *const argv[], int out_fd)
{
  int status = -1;
  pid_t pid;

  fflush (stdout);
  pid = fork ();
  if (pid < 0)
    {
      diag ("fork: %s", strerror (errno));
      current_failed = true;
      return -1;
    }
  if (pid == 0)
    {
      if (dup2 (out_fd, 1) < 0 || dup2 (out_fd, 2) < 0)
        _exit (120);
      execv (testbin_path, argv);
      _exit (122);
    }
  if (wait_exit (pid, 20000, &status) < 0)
    current_failed = true;
  return status;
}

static int
count_lines (const char *text)
{
  int n = 0;

  for (; *text != '\0'; text++)
    n += *text == '\n';
  return n;
}

static void
test_testbin_fdlinks (void)
{
  char *argv[] = { "jshim-testbin", "fdlinks", NULL };
  char want[96];
  struct stat st;
  int out, status, p[2];

  /* An inheritable pipe end on fd 40 must be listed with its inode. */
  out = make_output_file ();
  if (out < 0)
    return;
  if (pipe2 (p, O_CLOEXEC) < 0 || fstat (p[0], &st) < 0 || dup2 (p[0], 40) < 0)
    {
      diag ("pipe on fd 40: %s", strerror (errno));
      current_failed = true;
      close (out);
      return;
    }
  status = run_testbin (argv, out);
  close (40);
  close (p[0]);
  close (p[1]);
  CHECK (WIFEXITED (status));
  CHECK_INT (WEXITSTATUS (status), 0);
  snprintf (want, sizeof (want), "\n40 -> pipe:[%lu]\n",
            (unsigned long) st.st_ino);
  CHECK_CONTAINS (read_output (out), want);
  CHECK_CONTAINS (read_output (out), "\n1 -> /tmp/jshim-test-out-");
  /* The directory fd used for the listing is not reported. */
  CHECK (strstr (read_output (out), "/fd\n") == NULL);
  close (out);

  /* Through the helper only stdio is left, each named. */
  out = make_output_file ();
  if (out < 0)
    return;
  status = run_to_exit (ARGV ("--", testbin_path, "fdlinks"), NULL, out,
                        &(struct spawn_result){ 0 });
  CHECK (WIFEXITED (status));
  CHECK_INT (WEXITSTATUS (status), 0);
  CHECK_CONTAINS (read_output (out), "0 -> /dev/null\n1 -> /tmp/jshim-test-out-");
  CHECK_INT (count_lines (read_output (out)), 3);
  close (out);
}

static unsigned long long
status_mask (pid_t pid, const char *field)
{
  char path[64], line[256];
  unsigned long long v = ~0ULL;
  size_t flen = strlen (field);
  FILE *f;

  snprintf (path, sizeof (path), "/proc/%d/status", (int) pid);
  f = fopen (path, "re");
  if (f == NULL)
    return v;
  while (fgets (line, sizeof (line), f) != NULL)
    if (strncmp (line, field, flen) == 0 && line[flen] == ':')
      v = strtoull (line + flen + 1, NULL, 16);
  fclose (f);
  return v;
}

static void
test_spawn_signals_reset (void)
{
  struct spawn_opts opts = { .out_fd = -1, .after = SEND_GO };
  struct spawn_result res;
  int status;

  if (run_spawn (ARGV ("--", testbin_path, "sleep", "30"), default_env, &opts,
                 &res)
      < 0)
    return;
  CHECK (res.eof);
  CHECK (res.got_pid);
  if (!res.got_pid)
    return;
  /* The program is running (exec closed fd 3); look at its signal state. */
  CHECK_INT (status_mask (res.pid, "SigBlk"), 0);
  CHECK_INT (status_mask (res.pid, "SigIgn"), 0);
  kill (res.pid, SIGTERM);
  status = workload_status (&res);
  CHECK (WIFSIGNALED (status));
  CHECK_INT (WTERMSIG (status), SIGTERM);
}

static void
test_spawn_abort (void)
{
  struct spawn_opts opts = { .out_fd = -1, .after = CLOSE_SYNC };
  struct spawn_result res;
  int status;

  if (run_spawn (ARGV ("--", testbin_path, "exit", "0"), default_env, &opts,
                 &res)
      < 0)
    return;
  CHECK (res.got_pid);
  CHECK (res.got_ready);
  check_no_errors (&res);
  status = workload_status (&res);
  CHECK (WIFEXITED (status));
  CHECK_INT (WEXITSTATUS (status), JSHIM_WORKLOAD_EXIT_ABORTED);
}

static void
test_spawn_exec_failure (void)
{
  char *dir = make_temp_dir ();
  char prog[PATH_MAX];
  struct spawn_result res;
  int status;

  if (dir == NULL)
    return;
  /* Executable bits but no valid format: execve says ENOEXEC. */
  snprintf (prog, sizeof (prog), "%s/jt-garbage", dir);
  CHECK_INT (write_file (prog, "this is not a program\n", 0755), 0);
  status = run_to_exit (ARGV ("--", prog), NULL, -1, &res);
  CHECK (res.got_ready);
  CHECK_INT (res.errors, 1);
  CHECK_INT (res.err_stage, JSHIM_STAGE_EXEC);
  CHECK_INT (res.err_errno, ENOEXEC);
  CHECK_CONTAINS (res.err_msg, "execve ");
  CHECK_CONTAINS (res.err_msg, "Exec format error");
  CHECK (WIFEXITED (status));
  CHECK_INT (WEXITSTATUS (status), JSHIM_WORKLOAD_EXIT_EXEC);
  remove_tree (dir);
}

static void
test_spawn_bad_cwd (void)
{
  expect_workload_error (ARGV ("--cwd", "/nonexistent-cwd", "--", testbin_path,
                               "cwd"),
                         NULL, JSHIM_STAGE_CWD, ENOENT,
                         "chdir \"/nonexistent-cwd\": No such file or "
                         "directory");
  expect_output (ARGV ("--cwd", "/tmp", "--", testbin_path, "cwd"), NULL,
                 "/tmp\n");
}

static void
test_spawn_rootfs_pivot (void)
{
  char *root = make_rootfs ();
  char *envp[] = { "PATH=/bin", NULL };
  char proc[PATH_MAX + 16];
  struct stat st;

  if (root == NULL)
    return;
  expect_output (ARGV ("--ns", "pid,mount,uts", "--root", root, "--cwd",
                       "/bin", "--", "/bin/jshim-testbin", "cwd"),
                 NULL, "/bin\n");
  /* PATH lookup happens inside the new root. */
  expect_output (ARGV ("--ns", "pid,mount", "--root", root, "--",
                       "jshim-testbin", "pid"),
                 envp, "1\n");
  /* fds reads /proc/self/fd: works only with the fresh proc mount. */
  expect_output (ARGV ("--ns", "pid,mount", "--root", root, "--",
                       "/bin/jshim-testbin", "fds"),
                 NULL, "0\n1\n2\n");
  snprintf (proc, sizeof (proc), "%s/proc", root);
  CHECK (stat (proc, &st) == 0 && S_ISDIR (st.st_mode));
  /* The host never saw that mount. */
  snprintf (proc, sizeof (proc), "%s/proc/self", root);
  CHECK (access (proc, F_OK) < 0);
  /* The host's files are gone after pivot_root. */
  expect_workload_error (ARGV ("--ns", "mount", "--root", root, "--",
                               testbin_path, "pid"),
                         NULL, JSHIM_STAGE_EXEC, ENOENT, "no such file");
  expect_workload_error (ARGV ("--ns", "mount", "--root", "/nonexistent-root",
                               "--", "/bin/jshim-testbin", "pid"),
                         NULL, JSHIM_STAGE_ROOTFS, ENOENT,
                         "bind mount \"/nonexistent-root\" onto itself");
  remove_tree (root);
}

static void
test_spawn_rootfs_chroot (void)
{
  char *root = make_rootfs ();

  if (root == NULL)
    return;
  expect_output (ARGV ("--ns", "pid", "--root", root, "--",
                       "/bin/jshim-testbin", "cwd"),
                 NULL, "/\n");
  remove_tree (root);
}

static void
test_spawn_user (void)
{
  char *root = make_rootfs ();

  if (root == NULL)
    return;
  expect_output (ARGV ("--ns", "pid,mount", "--root", root, "--uid", "65534",
                       "--gid", "65533", "--", "/bin/jshim-testbin", "id"),
                 NULL, "uid=65534 gid=65533\n");
  expect_output (ARGV ("--uid", "0", "--gid", "0", "--", testbin_path, "id"),
                 NULL, "uid=0 gid=0\n");
  remove_tree (root);
}

static void
test_spawn_bad_hostname (void)
{
  char name[200];

  memset (name, 'h', sizeof (name) - 1);
  name[sizeof (name) - 1] = '\0';
  expect_workload_error (ARGV ("--ns", "uts", "--hostname", name, "--",
                               testbin_path, "hostname"),
                         NULL, JSHIM_STAGE_HOSTNAME, EINVAL, "sethostname \"");
}

/* Run the helper as an unprivileged uid (copied where that uid can read it). */
static void
run_unprivileged (char *const argv[], struct spawn_result *res, char **dir_out)
{
  struct spawn_opts opts = { .out_fd = -1, .after = SEND_GO };
  char *dir = make_temp_dir ();
  static char copy[PATH_MAX + 32];

  *dir_out = dir;
  memset (res, 0, sizeof (*res));
  if (dir == NULL)
    return;
  snprintf (copy, sizeof (copy), "%s/jshim-spawn", dir);
  if (copy_file (spawn_path, copy, 0755) < 0)
    {
      diag ("copy jshim-spawn: %s", strerror (errno));
      current_failed = true;
      return;
    }
  opts.spawn = copy;
  opts.run_as = 65534;
  run_spawn (argv, default_env, &opts, res);
}

static void
test_spawn_clone_failure (void)
{
  struct spawn_result res;
  char *dir;

  /* An unprivileged helper may not create a uts namespace. */
  run_unprivileged (ARGV ("--ns", "uts", "--", "/bin/true"), &res, &dir);
  CHECK (!res.got_pid);
  CHECK_INT (res.errors, 1);
  CHECK_INT (res.err_stage, JSHIM_STAGE_CLONE);
  CHECK_INT (res.err_errno, EPERM);
  CHECK_STR (res.err_msg, "clone with flags CLONE_NEWUTS|CLONE_PARENT|SIGCHLD: "
                          "Operation not permitted");
  CHECK (WIFEXITED (res.helper_status));
  CHECK_INT (WEXITSTATUS (res.helper_status), 1);
  remove_tree (dir);
}

static void
test_spawn_user_not_root (void)
{
  struct spawn_result res;
  char *dir;
  int status;

  run_unprivileged (ARGV ("--uid", "0", "--", "/bin/true"), &res, &dir);
  CHECK (res.got_pid);
  CHECK (!res.got_ready);
  CHECK_INT (res.errors, 1);
  CHECK_INT (res.err_stage, JSHIM_STAGE_USER);
  CHECK_INT (res.err_errno, EPERM);
  CHECK_CONTAINS (res.err_msg, "cannot switch to uid 0");
  status = workload_status (&res);
  CHECK (WIFEXITED (status));
  CHECK_INT (WEXITSTATUS (status), JSHIM_WORKLOAD_EXIT_SETUP);
  remove_tree (dir);
}

static void
test_helper_process_usage_errors (void)
{
  expect_usage_error (ARGV ("--rlimit", "RLIMIT_NOFILE=x:10", "--",
                            testbin_path, "exit", "0"),
                      "invalid --rlimit \"RLIMIT_NOFILE=x:10\"");
  expect_usage_error (ARGV ("--rlimit=RLIMIT_FOO=1:2", "--", testbin_path),
                      "unknown resource \"RLIMIT_FOO\"");
  expect_usage_error (ARGV ("--rlimit", "RLIMIT_NOFILE=20:10", "--",
                            testbin_path),
                      "soft limit is above the hard limit");
  expect_usage_error (ARGV ("--rlimit"), "needs a value");
  expect_usage_error (ARGV ("--oom-score-adj", "1001", "--", testbin_path),
                      "invalid --oom-score-adj \"1001\"");
  expect_usage_error (ARGV ("--oom-score-adj=abc", "--", testbin_path),
                      "invalid --oom-score-adj \"abc\"");
  expect_usage_error (ARGV ("--umask", "0800", "--", testbin_path),
                      "invalid --umask \"0800\"");
  expect_usage_error (ARGV ("--umask=01000", "--", testbin_path),
                      "invalid --umask \"01000\"");
  expect_usage_error (ARGV ("--groups", "1,,2", "--", testbin_path),
                      "invalid --groups \"1,,2\"");
  expect_usage_error (ARGV ("--no-new-privs=1", "--", testbin_path),
                      "unknown option \"--no-new-privs=1\"");
  expect_usage_error (ARGV ("--cap-bounding", "zz", "--", testbin_path),
                      "invalid --cap-bounding \"zz\"");
  expect_usage_error (ARGV ("--cap-effective=-1", "--", testbin_path),
                      "invalid --cap-effective \"-1\"");
  expect_usage_error (ARGV ("--cap-ambient"), "needs a value");
  {
    int last = jshim_cap_last_cap ();
    char mask[32], want[192];

    if (last < 63)
      {
        snprintf (mask, sizeof (mask), "0x%llx", 1ULL << (last + 1));
        snprintf (want, sizeof (want), "invalid --cap-inheritable \"%s\": "
                  "capability %d is above the kernel's last capability %d",
                  mask, last + 1, last);
        expect_usage_error (ARGV ("--cap-inheritable", mask, "--",
                                  testbin_path),
                            want);
      }
  }
}

static void
test_spawn_umask_and_nnp_unprivileged_ok (void)
{
  /* Neither needs privilege; the --opt=VALUE form works too. */
  expect_output (ARGV ("--umask=0077", "--no-new-privs", "--", testbin_path,
                       "umask"),
                 NULL, "0077\n");
  expect_output (ARGV ("--umask", "022", "--no-new-privs", "--", testbin_path,
                       "status", "NoNewPrivs"),
                 NULL, "1\n");
  expect_output (ARGV ("--", testbin_path, "status", "NoNewPrivs"), NULL,
                 "0\n");
}

/* The full set of process options as root, switching to uid/gid 1000. */
#define PROCESS_ARGV(...)                                                   \
  ARGV ("--ns", "pid,mount", "--root", root, "--rlimit",                    \
        "RLIMIT_NOFILE=1000:2000", "--umask", "027", "--groups", "10,20",   \
        "--uid", "1000", "--gid", "1000", "--no-new-privs",                 \
        "--oom-score-adj", "500", "--", "jshim-testbin", __VA_ARGS__)

static void
test_spawn_process_options (void)
{
  char *root = make_rootfs ();
  char *envp[] = { "PATH=/bin", NULL };

  if (root == NULL)
    return;
  expect_output (PROCESS_ARGV ("rlimit", "RLIMIT_NOFILE"), envp,
                 "1000 2000\n");
  expect_output (PROCESS_ARGV ("umask"), envp, "0027\n");
  expect_output (PROCESS_ARGV ("groups"), envp, "10,20\n");
  expect_output (PROCESS_ARGV ("status", "NoNewPrivs"), envp, "1\n");
  expect_output (PROCESS_ARGV ("oom-score-adj"), envp, "500\n");
  expect_output (PROCESS_ARGV ("id"), envp, "uid=1000 gid=1000\n");
  /* --opt=VALUE, a repeated resource (last wins), infinity, empty groups. */
  expect_output (ARGV ("--rlimit=RLIMIT_CORE=1:2",
                       "--rlimit=RLIMIT_CORE=0:18446744073709551615",
                       "--groups=", "--uid=1000", "--gid=1000",
                       "--oom-score-adj=700", "--", testbin_path, "rlimit",
                       "RLIMIT_CORE"),
                 NULL, "0 unlimited\n");
  expect_output (ARGV ("--groups=", "--uid=1000", "--gid=1000", "--",
                       testbin_path, "groups"),
                 NULL, "\n");
  expect_output (ARGV ("--oom-score-adj=700", "--", testbin_path,
                       "oom-score-adj"),
                 NULL, "700\n");
  remove_tree (root);
}

static void
test_spawn_rlimit_failure (void)
{
  struct rlimit cur;
  struct spawn_result res;
  char arg[96], want[160];
  char *dir;
  int status;

  /* An unprivileged helper cannot raise its hard limit. */
  if (getrlimit (RLIMIT_NOFILE, &cur) < 0 || cur.rlim_max == RLIM_INFINITY)
    {
      diag ("no finite RLIMIT_NOFILE hard limit to raise");
      return;
    }
  snprintf (arg, sizeof (arg), "RLIMIT_NOFILE=%llu:%llu",
            (unsigned long long) cur.rlim_max,
            (unsigned long long) cur.rlim_max + 1);
  snprintf (want, sizeof (want), "setrlimit RLIMIT_NOFILE %llu:%llu: "
            "Operation not permitted",
            (unsigned long long) cur.rlim_max,
            (unsigned long long) cur.rlim_max + 1);
  run_unprivileged (ARGV ("--rlimit", arg, "--", "/bin/true"), &res, &dir);
  CHECK (res.got_pid);
  CHECK (!res.got_ready);
  CHECK_INT (res.errors, 1);
  CHECK_INT (res.err_stage, JSHIM_STAGE_RLIMIT);
  CHECK_INT (res.err_errno, EPERM);
  CHECK_STR (res.err_msg, want);
  status = workload_status (&res);
  CHECK (WIFEXITED (status));
  CHECK_INT (WEXITSTATUS (status), JSHIM_WORKLOAD_EXIT_SETUP);
  remove_tree (dir);
}

static void
test_spawn_oom_failure (void)
{
  struct spawn_result res;
  char *dir;
  int status;

  /* Lowering oom_score_adj needs CAP_SYS_RESOURCE. */
  run_unprivileged (ARGV ("--oom-score-adj", "-5", "--", "/bin/true"), &res,
                    &dir);
  CHECK (res.got_pid);
  CHECK (!res.got_ready);
  CHECK_INT (res.errors, 1);
  CHECK_INT (res.err_stage, JSHIM_STAGE_PROCESS);
  CHECK_INT (res.err_errno, EACCES);
  CHECK_STR (res.err_msg, "write -5 to /proc/self/oom_score_adj: Permission "
                          "denied");
  status = workload_status (&res);
  CHECK (WIFEXITED (status));
  CHECK_INT (WEXITSTATUS (status), JSHIM_WORKLOAD_EXIT_SETUP);
  remove_tree (dir);
}

static void
test_spawn_groups_not_root (void)
{
  struct spawn_result res;
  char *dir;
  int status;

  /* run_unprivileged drops all supplementary groups first. */
  run_unprivileged (ARGV ("--groups", "5", "--", "/bin/true"), &res, &dir);
  CHECK (res.got_pid);
  CHECK (!res.got_ready);
  CHECK_INT (res.errors, 1);
  CHECK_INT (res.err_stage, JSHIM_STAGE_USER);
  CHECK_INT (res.err_errno, EPERM);
  CHECK_CONTAINS (res.err_msg, "cannot set supplementary groups \"5\"");
  status = workload_status (&res);
  CHECK (WIFEXITED (status));
  CHECK_INT (WEXITSTATUS (status), JSHIM_WORKLOAD_EXIT_SETUP);
  remove_tree (dir);

  /* The groups it already has are fine. */
  run_unprivileged (ARGV ("--groups", "", "--", "/bin/true"), &res, &dir);
  CHECK (res.got_ready);
  check_no_errors (&res);
  status = workload_status (&res);
  CHECK (WIFEXITED (status));
  CHECK_INT (WEXITSTATUS (status), 0);
  remove_tree (dir);
}

/* Our own value of a /proc/self/status mask, as testbin prints it. */
static const char *
own_status_line (const char *field, char *buf, size_t cap)
{
  snprintf (buf, cap, "%016llx\n", status_mask (getpid (), field));
  return buf;
}

static void
test_spawn_caps_default (void)
{
  char want[32];

  /* No --cap-* option: the capability sets are left alone. */
  expect_output (ARGV ("--", testbin_path, "status", "CapBnd"), NULL,
                 own_status_line ("CapBnd", want, sizeof (want)));
  expect_output (ARGV ("--", testbin_path, "status", "CapEff"), NULL,
                 own_status_line ("CapEff", want, sizeof (want)));
}

/* All five sets, switching to uid/gid 1000 inside a copied root. */
#define CAPS_USER_ARGV(field)                                               \
  ARGV ("--ns", "pid,mount", "--root", root, "--uid", "1000", "--gid",      \
        "1000", "--cap-bounding", "0x5", "--cap-effective", "0x1",          \
        "--cap-permitted", "0x5", "--cap-inheritable", "0x4",               \
        "--cap-ambient=0x4", "--", "jshim-testbin", "status", field)

/* Similar masks (no ambient), staying root. */
#define CAPS_ROOT_ARGV(field)                                               \
  ARGV ("--ns", "pid,mount", "--root", root, "--cap-bounding", "0x5",       \
        "--cap-effective", "0x1", "--cap-permitted", "0x1",                 \
        "--cap-inheritable", "0x4", "--", "jshim-testbin", "status", field)

static void
test_spawn_caps_user (void)
{
  char *root = make_rootfs ();
  char *envp[] = { "PATH=/bin", NULL };

  if (root == NULL)
    return;
  /*
   * Before exec the workload has bounding 0x5, effective 0x1, permitted
   * 0x5, inheritable 0x4, ambient 0x4.  execve of a plain (no file caps,
   * not setuid) program as non-root computes
   *   pP' = (pI & fI) | (fP & bset) | pA' = pA = 0x4
   *   pE' = fE ? pP' : pA' = 0x4
   * so permitted and effective after exec are the ambient set.
   */
  expect_output (CAPS_USER_ARGV ("CapBnd"), envp, "0000000000000005\n");
  expect_output (CAPS_USER_ARGV ("CapPrm"), envp, "0000000000000004\n");
  expect_output (CAPS_USER_ARGV ("CapEff"), envp, "0000000000000004\n");
  expect_output (CAPS_USER_ARGV ("CapInh"), envp, "0000000000000004\n");
  expect_output (CAPS_USER_ARGV ("CapAmb"), envp, "0000000000000004\n");
  expect_output (CAPS_USER_ARGV ("Uid"), envp,
                 "1000\t1000\t1000\t1000\n");
  remove_tree (root);
}

static void
test_spawn_caps_root (void)
{
  char *root = make_rootfs ();
  char *envp[] = { "PATH=/bin", NULL };

  if (root == NULL)
    return;
  /*
   * For uid 0 execve treats the program as having all file capabilities:
   *   pP' = bset | pI | pA = 0x5 | 0x4 | 0 = 0x5,  pE' = pP'
   * so the permitted and effective masks (0x1) do not survive exec; the
   * bounding set (plus inheritable) decides.
   */
  expect_output (CAPS_ROOT_ARGV ("CapBnd"), envp, "0000000000000005\n");
  expect_output (CAPS_ROOT_ARGV ("CapPrm"), envp, "0000000000000005\n");
  expect_output (CAPS_ROOT_ARGV ("CapEff"), envp, "0000000000000005\n");
  expect_output (CAPS_ROOT_ARGV ("CapInh"), envp, "0000000000000004\n");
  expect_output (CAPS_ROOT_ARGV ("CapAmb"), envp, "0000000000000000\n");
  /* Root keeps an ambient set too (no file caps, not setuid). */
  expect_output (ARGV ("--ns", "pid,mount", "--root", root, "--cap-bounding",
                       "0x5", "--cap-permitted", "0x5", "--cap-inheritable",
                       "0x4", "--cap-ambient", "0x4", "--", "jshim-testbin",
                       "status", "CapAmb"),
                 envp, "0000000000000004\n");

  /* One option alone: the other four sets are empty, bounding too. */
  expect_output (ARGV ("--ns", "pid,mount", "--root", root,
                       "--cap-permitted", "0x1", "--", "jshim-testbin",
                       "status", "CapBnd"),
                 envp, "0000000000000000\n");
  expect_output (ARGV ("--ns", "pid,mount", "--root", root,
                       "--cap-permitted", "0x1", "--", "jshim-testbin",
                       "status", "CapEff"),
                 envp, "0000000000000000\n");
  remove_tree (root);
}

static void
test_spawn_caps_failures (void)
{
  struct spawn_result res;
  char bnd[32];
  char *dir;
  int status;

  /* Effective must be a subset of permitted (here empty). */
  expect_workload_error (ARGV ("--cap-effective", "0x1", "--", testbin_path,
                               "exit", "0"),
                         NULL, JSHIM_STAGE_CAPS, EPERM,
                         "capset effective=0x1 permitted=0x0 "
                         "inheritable=0x0: Operation not permitted");
  /* Ambient needs the capability in permitted and inheritable. */
  expect_workload_error (ARGV ("--cap-bounding", "0x4", "--cap-permitted",
                               "0x4", "--cap-ambient", "0x4", "--",
                               testbin_path, "exit", "0"),
                         NULL, JSHIM_STAGE_CAPS, EPERM,
                         "prctl PR_CAP_AMBIENT_RAISE CAP_DAC_READ_SEARCH (2): "
                         "Operation not permitted");

  /* An unprivileged helper cannot shrink the bounding set... */
  run_unprivileged (ARGV ("--cap-bounding", "0", "--", "/bin/true"), &res,
                    &dir);
  CHECK (res.got_pid);
  CHECK (!res.got_ready);
  CHECK_INT (res.errors, 1);
  CHECK_INT (res.err_stage, JSHIM_STAGE_CAPS);
  CHECK_INT (res.err_errno, EPERM);
  CHECK_STR (res.err_msg, "prctl PR_CAPBSET_DROP CAP_CHOWN (0): Operation "
                          "not permitted");
  status = workload_status (&res);
  CHECK (WIFEXITED (status));
  CHECK_INT (WEXITSTATUS (status), JSHIM_WORKLOAD_EXIT_SETUP);
  remove_tree (dir);

  /* ...but asking for the sets it already has is fine. */
  snprintf (bnd, sizeof (bnd), "0x%llx", status_mask (getpid (), "CapBnd"));
  run_unprivileged (ARGV ("--cap-bounding", bnd, "--", "/bin/true"), &res,
                    &dir);
  CHECK (res.got_ready);
  check_no_errors (&res);
  status = workload_status (&res);
  CHECK (WIFEXITED (status));
  CHECK_INT (WEXITSTATUS (status), 0);
  remove_tree (dir);
}

/* ------------------------------------------------------------------ */
/* --sysctl, --masked, --readonly                                      */

static void
test_helper_mount_usage_errors (void)
{
  expect_usage_error (ARGV ("--sysctl", "net..ipv4=1", "--", testbin_path),
                      "invalid --sysctl \"net..ipv4=1\"");
  expect_usage_error (ARGV ("--sysctl=net/ipv4/ip_forward=1", "--",
                            testbin_path),
                      "invalid --sysctl \"net/ipv4/ip_forward=1\"");
  expect_usage_error (ARGV ("--sysctl", "ip_forward", "--", testbin_path),
                      "expected KEY=VALUE");
  expect_usage_error (ARGV ("--sysctl"), "needs a value");
  expect_usage_error (ARGV ("--ns", "mount", "--masked", "proc/kcore", "--",
                            testbin_path),
                      "invalid --masked \"proc/kcore\"");
  expect_usage_error (ARGV ("--ns", "mount", "--readonly=", "--",
                            testbin_path),
                      "invalid --readonly \"\"");
  expect_usage_error (ARGV ("--ns", "pid,net", "--masked", "/proc/kcore",
                            "--", testbin_path),
                      "need a new mount namespace");
  expect_usage_error (ARGV ("--readonly=/proc/sys", "--", testbin_path),
                      "need a new mount namespace");
  expect_usage_error (ARGV ("--ns", "pid,mount", "--root-readonly", "--",
                            testbin_path),
                      "--root-readonly needs --root DIR");
  expect_usage_error (ARGV ("--ns", "pid,net", "--root", "/tmp",
                            "--root-readonly", "--", testbin_path),
                      "--root-readonly needs a new mount namespace");
  expect_usage_error (ARGV ("--root", "/tmp", "--root-readonly", "--",
                            testbin_path),
                      "--root-readonly needs a new mount namespace");
}

/*
 * A root for the mount tests: bin/jshim-testbin, dev/null (the real null
 * device, needed to mask files), data/secret, data/sub/x, target/f and two
 * symlinks to target: link (relative) and abslink (absolute).
 */
static char *
make_mount_rootfs (void)
{
  static const char *const dirs[] = { "dev", "data", "data/sub", "target" };
  char *root = make_rootfs ();
  char path[PATH_MAX + 64];
  size_t i;

  if (root == NULL)
    return NULL;
  for (i = 0; i < sizeof (dirs) / sizeof (dirs[0]); i++)
    {
      snprintf (path, sizeof (path), "%s/%s", root, dirs[i]);
      if (mkdir (path, 0755) < 0)
        goto fail;
    }
  snprintf (path, sizeof (path), "%s/dev/null", root);
  if (mknod (path, S_IFCHR | 0666, makedev (1, 3)) < 0)
    goto fail;
  snprintf (path, sizeof (path), "%s/data/secret", root);
  if (write_file (path, "secret\n", 0644) < 0)
    goto fail;
  snprintf (path, sizeof (path), "%s/data/sub/x", root);
  if (write_file (path, "x\n", 0644) < 0)
    goto fail;
  snprintf (path, sizeof (path), "%s/target/f", root);
  if (write_file (path, "f\n", 0644) < 0)
    goto fail;
  snprintf (path, sizeof (path), "%s/link", root);
  if (symlink ("target", path) < 0)
    goto fail;
  snprintf (path, sizeof (path), "%s/abslink", root);
  if (symlink ("/target", path) < 0)
    goto fail;
  return root;

fail:
  diag ("building a rootfs in %s: %s", root, strerror (errno));
  current_failed = true;
  remove_tree (root);
  return NULL;
}

/* The first line of a host file, "" when it cannot be read. */
static const char *
host_line (const char *path, char *buf, size_t cap)
{
  FILE *f = fopen (path, "re");

  buf[0] = '\0';
  if (f != NULL)
    {
      if (fgets (buf, (int) cap, f) == NULL)
        buf[0] = '\0';
      fclose (f);
    }
  return buf;
}

#define MOUNT_NS "pid,mount,net,ipc"

static void
test_spawn_sysctl (void)
{
  char *root = make_mount_rootfs ();
  char before[64], after[64];

  if (root == NULL)
    return;
  host_line ("/proc/sys/net/ipv4/ip_forward", before, sizeof (before));
  expect_output (ARGV ("--ns", MOUNT_NS, "--root", root, "--sysctl",
                       "net.ipv4.ip_forward=1", "--", "/bin/jshim-testbin",
                       "cat-file", "/proc/sys/net/ipv4/ip_forward"),
                 NULL, "1\n");
  /* The --opt=VALUE form, repeated: written in order, the last one wins. */
  expect_output (ARGV ("--ns", MOUNT_NS, "--root", root,
                       "--sysctl=kernel.shmmax=4096",
                       "--sysctl=kernel.shmmax=8192", "--",
                       "/bin/jshim-testbin", "cat-file",
                       "/proc/sys/kernel/shmmax"),
                 NULL, "8192\n");
  host_line ("/proc/sys/net/ipv4/ip_forward", after, sizeof (after));
  CHECK (before[0] != '\0');
  CHECK_STR (after, before);
  expect_workload_error (ARGV ("--ns", MOUNT_NS, "--root", root, "--sysctl",
                               "kernel.jshim_no_such_key=1", "--",
                               "/bin/jshim-testbin", "pid"),
                         NULL, JSHIM_STAGE_SYSCTL, ENOENT,
                         "write \"1\" to /proc/sys/kernel/jshim_no_such_key");
  /* No /proc in the root (no pid namespace, so nothing mounts one). */
  expect_workload_error (ARGV ("--ns", "mount,net", "--root", root,
                               "--sysctl", "net.ipv4.ip_forward=1", "--",
                               "/bin/jshim-testbin", "pid"),
                         NULL, JSHIM_STAGE_SYSCTL, ENOENT,
                         "--sysctl needs /proc in the container");
  remove_tree (root);
}

static void
test_spawn_masked (void)
{
  char *root = make_mount_rootfs ();
  char path[PATH_MAX + 64];
  /* Not every kernel has /proc/kcore and /proc/acpi. */
  char *proc_file = access ("/proc/kcore", F_OK) == 0 ? "/proc/kcore"
                                                      : "/proc/version";
  char *proc_dir = access ("/proc/acpi", F_OK) == 0 ? "/proc/acpi"
                                                    : "/proc/bus";

  if (root == NULL)
    return;
  /* A file reads as /dev/null. */
  expect_output (ARGV ("--ns", MOUNT_NS, "--root", root, "--masked",
                       proc_file, "--", "/bin/jshim-testbin", "cat-file",
                       proc_file),
                 NULL, "");
  expect_output (ARGV ("--ns", MOUNT_NS, "--root", root,
                       "--masked=/data/secret", "--", "/bin/jshim-testbin",
                       "cat-file", "/data/secret"),
                 NULL, "");
  /* A directory becomes an empty read-only tmpfs; paths that do not exist
     are skipped. */
  expect_exit_output (ARGV ("--ns", MOUNT_NS, "--root", root, "--masked",
                            "/data", "--masked", proc_dir, "--masked",
                            "/no/such/path", "--masked", "/proc/no-such",
                            "--", "/bin/jshim-testbin", "cat-file",
                            "/data/sub/x"),
                      NULL, 1,
                      "jshim-testbin: open /data/sub/x: No such file or "
                      "directory\n");
  expect_exit_output (ARGV ("--ns", MOUNT_NS, "--root", root, "--masked",
                            "/data", "--", "/bin/jshim-testbin",
                            "write-file", "/data/secret", "x"),
                      NULL, 1, "ENOENT: No such file or directory\n");
  /* The root's files are untouched. */
  snprintf (path, sizeof (path), "%s/data/secret", root);
  CHECK_STR (host_line (path, path, sizeof (path)), "secret\n");
  /* Masking a file needs the real null device in the root. */
  snprintf (path, sizeof (path), "%s/dev/null", root);
  CHECK (unlink (path) == 0 && write_file (path, "", 0666) == 0);
  expect_workload_error (ARGV ("--ns", MOUNT_NS, "--root", root, "--masked",
                               "/data/secret", "--", "/bin/jshim-testbin",
                               "pid"),
                         NULL, JSHIM_STAGE_MOUNT, ENODEV,
                         "cannot mask /data/secret: /dev/null in the "
                         "container is not the null device");
  /* /proc/self/fd is needed: no pid namespace, no /proc in the root. */
  expect_workload_error (ARGV ("--ns", "mount", "--root", root, "--masked",
                               "/data", "--", "/bin/jshim-testbin", "pid"),
                         NULL, JSHIM_STAGE_MOUNT, ENOENT,
                         "--masked and --readonly need /proc in the "
                         "container");
  remove_tree (root);
}

static void
test_spawn_readonly (void)
{
  char *root = make_mount_rootfs ();
  char path[PATH_MAX + 64];
  struct stat st;

  if (root == NULL)
    return;
  /* Writable in its own ipc namespace, unless /proc/sys is read-only. */
  expect_output (ARGV ("--ns", MOUNT_NS, "--root", root, "--",
                       "/bin/jshim-testbin", "write-file",
                       "/proc/sys/kernel/shmmax", "1"),
                 NULL, "ok\n");
  expect_exit_output (ARGV ("--ns", MOUNT_NS, "--root", root, "--readonly",
                            "/proc/sys", "--", "/bin/jshim-testbin",
                            "write-file", "/proc/sys/kernel/shmmax", "1"),
                      NULL, 1, "EROFS: Read-only file system\n");
  /* Sysctls are written before /proc/sys becomes read-only. */
  expect_output (ARGV ("--ns", MOUNT_NS, "--root", root, "--readonly",
                       "/proc/sys", "--sysctl", "net.ipv4.ip_forward=1",
                       "--", "/bin/jshim-testbin", "cat-file",
                       "/proc/sys/net/ipv4/ip_forward"),
                 NULL, "1\n");
  /* A directory of the root; a missing path is skipped. */
  expect_exit_output (ARGV ("--ns", MOUNT_NS, "--root", root,
                            "--readonly=/data", "--readonly", "/no/such",
                            "--", "/bin/jshim-testbin", "write-file",
                            "/data/secret", "changed"),
                      NULL, 1, "EROFS: Read-only file system\n");
  snprintf (path, sizeof (path), "%s/data/secret", root);
  CHECK_STR (host_line (path, path, sizeof (path)), "secret\n");
  /*
   * A symlink as the last component is not followed: the read-only bind
   * covers the link itself, so its target stays writable (through the
   * link too), and the link is still a link in the root.
   */
  expect_output (ARGV ("--ns", MOUNT_NS, "--root", root, "--readonly",
                       "/link", "--readonly", "/abslink", "--",
                       "/bin/jshim-testbin", "write-file", "/link/f",
                       "via-link"),
                 NULL, "ok\n");
  expect_output (ARGV ("--ns", MOUNT_NS, "--root", root, "--readonly",
                       "/abslink", "--", "/bin/jshim-testbin", "cat-file",
                       "/abslink/f"),
                 NULL, "via-link");
  snprintf (path, sizeof (path), "%s/link", root);
  CHECK (lstat (path, &st) == 0 && S_ISLNK (st.st_mode));
  snprintf (path, sizeof (path), "%s/target/f", root);
  CHECK_STR (host_line (path, path, sizeof (path)), "via-link");
  remove_tree (root);
}

static void
test_spawn_root_readonly (void)
{
  char *root = make_mount_rootfs ();
  char path[PATH_MAX + 64];

  if (root == NULL)
    return;
  snprintf (path, sizeof (path), "%s/etc", root);
  CHECK (mkdir (path, 0755) == 0);
  snprintf (path, sizeof (path), "%s/etc/hostname", root);
  CHECK (write_file (path, "before\n", 0644) == 0);
  /* Without the flag the root is writable... */
  expect_output (ARGV ("--ns", "pid,mount", "--root", root, "--",
                       "/bin/jshim-testbin", "write-file", "/etc/hostname",
                       "hello"),
                 NULL, "ok\n");
  CHECK_STR (host_line (path, path, sizeof (path)), "hello");
  /* ...with it, it is not. */
  expect_exit_output (ARGV ("--ns", "pid,mount", "--root", root,
                            "--root-readonly", "--", "/bin/jshim-testbin",
                            "write-file", "/etc/hostname", "changed"),
                      NULL, 1, "EROFS: Read-only file system\n");
  snprintf (path, sizeof (path), "%s/etc/hostname", root);
  CHECK_STR (host_line (path, path, sizeof (path)), "hello");
  /* /proc is its own mount: still writable, and sysctls still work. */
  expect_output (ARGV ("--ns", "pid,mount,ipc", "--root", root,
                       "--root-readonly", "--", "/bin/jshim-testbin",
                       "write-file", "/proc/sys/kernel/shmmax", "4096"),
                 NULL, "ok\n");
  expect_output (ARGV ("--ns", "pid,mount,ipc", "--root", root,
                       "--root-readonly", "--sysctl", "kernel.shmmax=8192",
                       "--", "/bin/jshim-testbin", "cat-file",
                       "/proc/sys/kernel/shmmax"),
                 NULL, "8192\n");
  /* --masked and --readonly still work on a read-only root. */
  expect_output (ARGV ("--ns", "pid,mount", "--root", root,
                       "--root-readonly", "--masked", "/data/secret", "--",
                       "/bin/jshim-testbin", "cat-file", "/data/secret"),
                 NULL, "");
  remove_tree (root);
}

/* ------------------------------------------------------------------ */
/* paths inside the container root                                     */

/* Number of entries in DIR (without . and ..), -1 if it cannot be read. */
static int
count_entries (const char *dir)
{
  DIR *d = opendir (dir);
  struct dirent *de;
  int n = 0;

  if (d == NULL)
    return -1;
  while ((de = readdir (d)) != NULL)
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
      n++;
  closedir (d);
  return n;
}

static bool
path_exists (const char *fmt, ...)
{
  char path[PATH_MAX * 2];
  struct stat st;
  va_list ap;

  va_start (ap, fmt);
  vsnprintf (path, sizeof (path), fmt, ap);
  va_end (ap);
  return lstat (path, &st) == 0;
}

static int
make_symlink (const char *target, const char *root, const char *name)
{
  char path[PATH_MAX + 64];

  snprintf (path, sizeof (path), "%s/%s", root, name);
  return symlink (target, path);
}

/* The resolver alone: needs no privilege (openat2 and mkdirat only). */
static void
test_inroot_resolution (void)
{
  char *root = make_temp_dir ();
  char *host = make_temp_dir ();
  char up[PATH_MAX], name[NAME_MAX + 1];
  struct stat st;
  int rootfd = -1, fd;

  if (root == NULL || host == NULL)
    goto out;
  /* mnt leads to the host directory, rel climbs out to it, dangling points
     into it, loop loops. */
  snprintf (up, sizeof (up), "../../../../../../..%s", host);
  CHECK (make_symlink (host, root, "mnt") == 0);
  CHECK (make_symlink (up, root, "rel") == 0);
  CHECK (make_symlink ("/loop", root, "loop") == 0);
  snprintf (up, sizeof (up), "%s/newfile", host);
  CHECK (make_symlink (up, root, "dangling") == 0);
  rootfd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  CHECK (rootfd >= 0);

  fd = jshim_inroot_mkpath (rootfd, "/mnt/a/b", JSHIM_INROOT_DIR);
  CHECK (fd >= 0 && fstat (fd, &st) == 0 && S_ISDIR (st.st_mode));
  close (fd);
  CHECK (path_exists ("%s%s/a/b", root, host));
  fd = jshim_inroot_mkpath (rootfd, "rel/c", JSHIM_INROOT_DIR);
  CHECK (fd >= 0);
  close (fd);
  CHECK (path_exists ("%s%s/c", root, host));
  /* A dangling last component: the file is made where it points, inside
     the root. */
  fd = jshim_inroot_mkpath (rootfd, "/dangling", JSHIM_INROOT_FILE);
  CHECK (fd >= 0 && fstat (fd, &st) == 0 && S_ISREG (st.st_mode));
  close (fd);
  CHECK (path_exists ("%s%s/newfile", root, host));
  /* Several missing components, doubled and trailing slashes: each is
     made below the deepest one that exists. */
  fd = jshim_inroot_mkpath (rootfd, "/deep//er/still/", JSHIM_INROOT_DIR);
  CHECK (fd >= 0 && fstat (fd, &st) == 0 && S_ISDIR (st.st_mode));
  close (fd);
  CHECK (path_exists ("%s/deep/er/still", root));
  fd = jshim_inroot_mkpath (rootfd, "/deep/er/file", JSHIM_INROOT_FILE);
  CHECK (fd >= 0 && fstat (fd, &st) == 0 && S_ISREG (st.st_mode));
  close (fd);
  /* ".." stops at the root. */
  fd = jshim_inroot_mkpath (rootfd, "/../../../top", JSHIM_INROOT_DIR);
  CHECK (fd >= 0);
  close (fd);
  CHECK (path_exists ("%s/top", root));
  /* Loops and files in the way are errors. */
  errno = 0;
  CHECK_INT (jshim_inroot_mkpath (rootfd, "/loop/x", JSHIM_INROOT_DIR), -1);
  CHECK_INT (errno, ELOOP);
  errno = 0;
  CHECK_INT (jshim_inroot_mkpath (rootfd, "/dangling/x", JSHIM_INROOT_DIR),
             -1);
  CHECK_INT (errno, ENOTDIR);
  errno = 0;
  CHECK_INT (jshim_inroot_open (rootfd, "/mnt/nothing"), -1);
  CHECK_INT (errno, ENOENT);

  fd = jshim_inroot_parent (rootfd, "/mnt/d/e/", 1, name, sizeof (name));
  CHECK (fd >= 0);
  close (fd);
  CHECK_STR (name, "e");
  CHECK (path_exists ("%s%s/d", root, host));
  CHECK (!path_exists ("%s%s/d/e", root, host));
  errno = 0;
  CHECK_INT (jshim_inroot_parent (rootfd, "/", 1, name, sizeof (name)), -1);
  CHECK_INT (errno, EINVAL);
  CHECK_INT (jshim_inroot_parent (rootfd, "/a/..", 1, name, sizeof (name)),
             -1);

  /* Nothing was made on the host. */
  CHECK_INT (count_entries (host), 0);

out:
  if (rootfd >= 0)
    close (rootfd);
  remove_tree (root);
  remove_tree (host);
}

/* ------------------------------------------------------------------ */
/* --mount, --device, --dev-links, --rootfs-propagation, user          */
/* namespaces, --join, --cgroup                                        */

static void
test_parse_mount (void)
{
  jshim_error_t err;
  struct jshim_mount m;
  char text[64];

  jshim_error_clear (&err);
  CHECK_INT (jshim_parse_mount ((char *[]){ "", "/host/dir", "/data",
                                            "0x5000", "0", "" },
                                &m, &err),
             0);
  CHECK_INT (m.kind, JSHIM_MOUNT_BIND);
  CHECK_INT (m.flags, MS_BIND | MS_REC);
  CHECK (m.data == NULL);
  CHECK_INT (jshim_parse_mount ((char *[]){ "tmpfs", "tmpfs", "/dev",
                                            "16777218", "0x84000",
                                            "mode=755" },
                                &m, &err),
             0);
  CHECK_INT (m.kind, JSHIM_MOUNT_NEW);
  CHECK_INT (m.flags, MS_NOSUID | MS_STRICTATIME);
  CHECK_INT (m.propagation, MS_REC | MS_SLAVE);
  CHECK_STR (m.data, "mode=755");
  /* TYPE does not matter for a bind mount or a remount. */
  CHECK_INT (jshim_parse_mount ((char *[]){ "bind", "/x", "/y", "4096", "0",
                                            "" },
                                &m, &err),
             0);
  CHECK_INT (m.kind, JSHIM_MOUNT_BIND);
  CHECK_INT (jshim_parse_mount ((char *[]){ "", "", "/sys", "0x1021", "0",
                                            "" },
                                &m, &err),
             0);
  CHECK_INT (m.kind, JSHIM_MOUNT_REMOUNT);

#define BAD_MOUNT(want, ...)                                                \
  do                                                                        \
    {                                                                       \
      jshim_error_clear (&err);                                             \
      CHECK_INT (jshim_parse_mount ((char *[]){ __VA_ARGS__ }, &m, &err),   \
                 -1);                                                       \
      CHECK_INT (err.stage, JSHIM_STAGE_ARGS);                              \
      CHECK_INT (err.err, EINVAL);                                          \
      CHECK_CONTAINS (err.msg, want);                                       \
    }                                                                       \
  while (0)

  BAD_MOUNT ("invalid --mount TARGET \"dev\": expected an absolute path",
             "tmpfs", "tmpfs", "dev", "0", "0", "");
  BAD_MOUNT ("invalid --mount FLAGS \"nosuid\" (target \"/dev\")", "tmpfs",
             "tmpfs", "/dev", "nosuid", "0", "");
  BAD_MOUNT ("invalid --mount FLAGS \"-1\"", "tmpfs", "tmpfs", "/dev", "-1",
             "0", "");
  BAD_MOUNT ("invalid --mount FLAGS \"\"", "tmpfs", "tmpfs", "/dev", "", "0",
             "");
  BAD_MOUNT ("belong in PROPAGATION, not in FLAGS", "tmpfs", "tmpfs", "/dev",
             "0x40000", "0", "");
  BAD_MOUNT ("invalid --mount PROPAGATION \"0xc0000\" (target \"/dev\"): "
             "expected 0 or one of MS_PRIVATE",
             "tmpfs", "tmpfs", "/dev", "0", "0xc0000", "");
  BAD_MOUNT ("invalid --mount PROPAGATION \"0x4000\"", "tmpfs", "tmpfs",
             "/dev", "0", "0x4000", "");
  BAD_MOUNT ("invalid --mount PROPAGATION \"1\"", "tmpfs", "tmpfs", "/dev",
             "0", "1", "");
  BAD_MOUNT ("invalid --mount SOURCE \"host/dir\" of a bind mount (target "
             "\"/data\"): expected an absolute host path",
             "", "host/dir", "/data", "0x1000", "0", "");
  BAD_MOUNT ("invalid --mount TYPE \"\" (target \"/data\"): a filesystem type "
             "is needed unless FLAGS has MS_BIND (0x1000) or MS_REMOUNT",
             "", "tmpfs", "/data", "0", "0", "");
#undef BAD_MOUNT

  {
    unsigned long prop = 1;

    CHECK_INT (jshim_parse_rootfs_propagation ("0x84000", &prop, &err), 0);
    CHECK_INT (prop, MS_REC | MS_SLAVE);
    CHECK_INT (jshim_parse_rootfs_propagation ("0", &prop, &err), 0);
    CHECK_INT (prop, 0);
    CHECK_INT (jshim_parse_rootfs_propagation ("0x180000", &prop, &err), -1);
    CHECK_CONTAINS (err.msg, "invalid --rootfs-propagation \"0x180000\"");
    CHECK_INT (jshim_parse_rootfs_propagation ("rslave", &prop, &err), -1);
  }
  CHECK_STR (jshim_propagation_str (MS_REC | MS_SLAVE, text, sizeof (text)),
             "MS_REC|MS_SLAVE");
  CHECK_STR (jshim_propagation_str (MS_PRIVATE | 1, text, sizeof (text)),
             "MS_PRIVATE|0x1");
  CHECK_STR (jshim_propagation_str (0, text, sizeof (text)), "0x0");
}

static void
test_parse_device (void)
{
  jshim_error_t err;
  struct jshim_device d;

  jshim_error_clear (&err);
  CHECK_INT (jshim_parse_device ((char *[]){ "/dev/null", "c", "1", "3",
                                             "0666", "0", "0" },
                                 &d, &err),
             0);
  CHECK_STR (d.path, "/dev/null");
  CHECK_INT (d.type, 'c');
  CHECK_INT (d.major, 1);
  CHECK_INT (d.minor, 3);
  CHECK_INT (d.perm, 0666);
  /* u is c; MODE is strtoul base 0 (438 = 0666); ids are container ids. */
  CHECK_INT (jshim_parse_device ((char *[]){ "/dev/fuse", "u", "10", "229",
                                             "438", "1000", "5" },
                                 &d, &err),
             0);
  CHECK_INT (d.type, 'c');
  CHECK_INT (d.perm, 0666);
  CHECK_INT (d.uid, 1000);
  CHECK_INT (d.gid, 5);
  CHECK_INT (jshim_parse_device ((char *[]){ "/run/fifo", "p", "0", "0",
                                             "0x1b6", "0", "0" },
                                 &d, &err),
             0);
  CHECK_INT (d.type, 'p');
  CHECK_INT (d.perm, 0666);

#define BAD_DEVICE(want, ...)                                               \
  do                                                                        \
    {                                                                       \
      jshim_error_clear (&err);                                             \
      CHECK_INT (jshim_parse_device ((char *[]){ __VA_ARGS__ }, &d, &err),  \
                 -1);                                                       \
      CHECK_INT (err.stage, JSHIM_STAGE_ARGS);                              \
      CHECK_INT (err.err, EINVAL);                                          \
      CHECK_CONTAINS (err.msg, want);                                       \
    }                                                                       \
  while (0)

  BAD_DEVICE ("invalid --device PATH \"dev/null\": expected an absolute path",
              "dev/null", "c", "1", "3", "0666", "0", "0");
  BAD_DEVICE ("invalid --device TYPE \"x\" for \"/dev/null\": expected c "
              "(character), b (block), u (= c) or p (fifo)",
              "/dev/null", "x", "1", "3", "0666", "0", "0");
  BAD_DEVICE ("invalid --device TYPE \"cc\"", "/dev/null", "cc", "1", "3",
              "0666", "0", "0");
  BAD_DEVICE ("invalid --device MAJOR \"4096\" for \"/dev/null\": expected a "
              "decimal number from 0 to 4095",
              "/dev/null", "c", "4096", "3", "0666", "0", "0");
  BAD_DEVICE ("invalid --device MINOR \"-1\"", "/dev/null", "c", "1", "-1",
              "0666", "0", "0");
  BAD_DEVICE ("invalid --device MODE \"010000\" for \"/dev/null\": expected "
              "permission bits from 0 to 07777",
              "/dev/null", "c", "1", "3", "010000", "0", "0");
  BAD_DEVICE ("invalid --device MODE \"rw\"", "/dev/null", "c", "1", "3",
              "rw", "0", "0");
  BAD_DEVICE ("invalid --device UID \"abc\" for \"/dev/null\": expected a "
              "decimal number from 0 to 4294967294",
              "/dev/null", "c", "1", "3", "0666", "abc", "0");
  BAD_DEVICE ("invalid --device GID \"4294967295\"", "/dev/null", "c", "1",
              "3", "0666", "0", "4294967295");
#undef BAD_DEVICE
}

static void
test_parse_idmap (void)
{
  jshim_error_t err;
  struct jshim_idmap map;

  jshim_error_clear (&err);
  CHECK_INT (jshim_parse_idmap ("--uid-map", "0:100000:65536", &map, &err), 0);
  CHECK_INT (map.n, 1);
  CHECK_INT (map.e[0].inner, 0);
  CHECK_INT (map.e[0].outer, 100000);
  CHECK_INT (map.e[0].count, 65536);
  CHECK_INT (jshim_parse_idmap ("--gid-map",
                                "0:1000:1,1:100000:65535,4294967295:5:1", &map,
                                &err),
             0);
  CHECK_INT (map.n, 3);
  CHECK_INT (map.e[2].inner, 4294967295U);
  CHECK_INT (jshim_parse_idmap ("--uid-map", "0:1:1,1:2:1,2:3:1,3:4:1,4:5:1",
                                &map, &err),
             0);
  CHECK_INT (map.n, 5);

#define BAD_MAP(text, want)                                                 \
  do                                                                        \
    {                                                                       \
      jshim_error_clear (&err);                                             \
      CHECK_INT (jshim_parse_idmap ("--uid-map", text, &map, &err), -1);    \
      CHECK_INT (err.stage, JSHIM_STAGE_ARGS);                              \
      CHECK_INT (err.err, EINVAL);                                          \
      CHECK_CONTAINS (err.msg, want);                                       \
    }                                                                       \
  while (0)

  BAD_MAP ("0:1:1,1:2:1,2:3:1,3:4:1,4:5:1,5:6:1",
           "invalid --uid-map \"0:1:1,1:2:1,2:3:1,3:4:1,4:5:1,5:6:1\": at "
           "most 5 entries are allowed");
  BAD_MAP ("", "invalid --uid-map \"\": entry \"\" is not C:H:N");
  BAD_MAP ("0:100000", "entry \"0:100000\" is not C:H:N (expected "
                       "CONTAINER:HOST:COUNT");
  BAD_MAP ("0:1:2:3", "entry \"0:1:2:3\" is not C:H:N");
  BAD_MAP ("0:100000:65536,", "entry \"\" is not C:H:N");
  BAD_MAP ("0:-1:1", "entry \"0:-1:1\" is not C:H:N");
  BAD_MAP ("0:100000:0", "entry \"0:100000:0\" has COUNT 0");
  BAD_MAP ("4294967295:0:2", "entry \"4294967295:0:2\" reaches past id "
                             "4294967295");
  BAD_MAP ("0:4294967296:1", "is not C:H:N");
#undef BAD_MAP
}

static void
test_parse_join (void)
{
  jshim_error_t err;
  struct jshim_join j;

  jshim_error_clear (&err);
  CHECK_INT (jshim_parse_join ("net=/proc/1/ns/net", &j, &err), 0);
  CHECK_INT (j.flag, CLONE_NEWNET);
  CHECK_STR (j.path, "/proc/1/ns/net");
  CHECK_INT (jshim_parse_join ("mnt=/run/ns/mnt", &j, &err), 0);
  CHECK_INT (j.flag, CLONE_NEWNS);
  CHECK_INT (jshim_parse_join ("user=/proc/1/ns/user", &j, &err), 0);
  CHECK_INT (j.flag, CLONE_NEWUSER);
  CHECK_INT (jshim_parse_join ("net", &j, &err), -1);
  CHECK_CONTAINS (err.msg, "invalid --join \"net\": expected TYPE=PATH");
  CHECK_INT (jshim_parse_join ("time=/proc/1/ns/time", &j, &err), 0);
  CHECK_INT (j.flag, CLONE_NEWTIME);
  CHECK_INT (jshim_parse_join ("clock=/proc/1/ns/time", &j, &err), -1);
  CHECK_CONTAINS (err.msg, "unknown namespace type \"clock\"");
  CHECK_INT (jshim_parse_join ("net=proc/1/ns/net", &j, &err), -1);
  CHECK_CONTAINS (err.msg, "PATH must be an absolute path");
  CHECK_INT (jshim_parse_join ("net=", &j, &err), -1);
  CHECK_INT (err.stage, JSHIM_STAGE_ARGS);
  CHECK_INT (err.err, EINVAL);
}

static void
test_helper_new_option_usage_errors (void)
{
  /* --mount and --device take their values positionally. */
  expect_usage_error (ARGV ("--mount", "tmpfs", "tmpfs", "/dev", "0", "0"),
                      "--mount needs 6 values (TYPE SOURCE TARGET FLAGS "
                      "PROPAGATION DATA), got 5");
  expect_usage_error (ARGV ("--mount=tmpfs", "--", testbin_path),
                      "unknown option \"--mount=tmpfs\"");
  expect_usage_error (ARGV ("--ns", "mount", "--root", "/tmp", "--mount",
                            "tmpfs", "tmpfs", "dev", "0", "0", "", "--",
                            testbin_path),
                      "invalid --mount TARGET \"dev\"");
  expect_usage_error (ARGV ("--ns", "mount", "--root", "/tmp", "--mount",
                            "tmpfs", "tmpfs", "/dev", "0x100000", "0", "",
                            "--", testbin_path),
                      "belong in PROPAGATION");
  expect_usage_error (ARGV ("--ns", "mount", "--mount", "tmpfs", "tmpfs",
                            "/dev", "0", "0", "", "--", testbin_path),
                      "--mount needs --root DIR");
  expect_usage_error (ARGV ("--ns", "pid", "--root", "/tmp", "--mount",
                            "tmpfs", "tmpfs", "/dev", "0", "0", "", "--",
                            testbin_path),
                      "--mount needs a new mount namespace (--ns mount)");
  expect_usage_error (ARGV ("--device", "/dev/null", "c", "1", "3", "0666",
                            "0"),
                      "--device needs 7 values (PATH TYPE MAJOR MINOR MODE "
                      "UID GID), got 6");
  expect_usage_error (ARGV ("--ns", "mount", "--root", "/tmp", "--device",
                            "/dev/null", "q", "1", "3", "0666", "0", "0",
                            "--", testbin_path),
                      "invalid --device TYPE \"q\"");
  expect_usage_error (ARGV ("--ns", "mount", "--device", "/dev/null", "c",
                            "1", "3", "0666", "0", "0", "--", testbin_path),
                      "--device needs --root DIR");
  expect_usage_error (ARGV ("--root", "/tmp", "--dev-links", "--",
                            testbin_path),
                      "--dev-links needs a new mount namespace");
  expect_usage_error (ARGV ("--dev-links=1", "--", testbin_path),
                      "unknown option \"--dev-links=1\"");
  expect_usage_error (ARGV ("--ns", "mount", "--rootfs-propagation",
                            "0x4000", "--", testbin_path),
                      "invalid --rootfs-propagation \"0x4000\"");
  expect_usage_error (ARGV ("--rootfs-propagation=0x84000", "--",
                            testbin_path),
                      "--rootfs-propagation needs a new mount namespace");
  /* User namespaces. */
  expect_usage_error (ARGV ("--ns", "user", "--uid-map", "0:100000:65536",
                            "--", testbin_path),
                      "--ns user needs both --uid-map and --gid-map");
  expect_usage_error (ARGV ("--uid-map", "0:100000:65536", "--gid-map",
                            "0:100000:65536", "--", testbin_path),
                      "--uid-map and --gid-map need --ns user");
  expect_usage_error (ARGV ("--ns", "user", "--uid-map=0:1:1,1:2:1,2:3:1,"
                                            "3:4:1,4:5:1,5:6:1",
                            "--gid-map", "0:1:1", "--", testbin_path),
                      "at most 5 entries are allowed");
  expect_usage_error (ARGV ("--ns", "user", "--uid-map", "0:1:1",
                            "--gid-map", "0-1-1", "--", testbin_path),
                      "invalid --gid-map \"0-1-1\"");
  /* --join and --cgroup. */
  expect_usage_error (ARGV ("--join", "net", "--", testbin_path),
                      "invalid --join \"net\": expected TYPE=PATH");
  expect_usage_error (ARGV ("--join=floppy=/x", "--", testbin_path),
                      "unknown namespace type \"floppy\"");
  expect_usage_error (ARGV ("--join", "net=x", "--", testbin_path),
                      "PATH must be an absolute path");
  expect_usage_error (ARGV ("--join", "net=/a", "--join", "network=/b", "--",
                            testbin_path),
                      "invalid --join \"network=/b\": the network namespace "
                      "is already joined (--join network=/a)");
  expect_usage_error (ARGV ("--ns", "pid,net", "--join", "net=/a", "--",
                            testbin_path),
                      "--join network=/a and --ns network both given");
  expect_usage_error (ARGV ("--cgroup", "sys/fs/cgroup/pids/x", "--",
                            testbin_path),
                      "invalid --cgroup \"sys/fs/cgroup/pids/x\": expected "
                      "the absolute path of a cgroup directory");
  expect_usage_error (ARGV ("--cgroup"), "needs a value");
  expect_usage_error (ARGV ("--console=yes", "--", testbin_path, "tty"),
                      "unknown option \"--console=yes\"");
}

/* An argv built piece by piece, for the long mount lists. */
struct argv_buf
{
  char *v[160];
  int n;
  char store[8192];
  size_t used;
};

__attribute__ ((format (printf, 2, 3))) static void
av_add (struct argv_buf *a, const char *fmt, ...)
{
  va_list ap;
  int len;

  if (a->n == 0)
    a->v[a->n++] = "jshim-spawn";
  va_start (ap, fmt);
  len = vsnprintf (a->store + a->used, sizeof (a->store) - a->used, fmt, ap);
  va_end (ap);
  if (len < 0 || (size_t) len >= sizeof (a->store) - a->used
      || a->n + 2 >= (int) (sizeof (a->v) / sizeof (a->v[0])))
    {
      diag ("argv_buf too small");
      current_failed = true;
      return;
    }
  a->v[a->n++] = a->store + a->used;
  a->v[a->n] = NULL;
  a->used += (size_t) len + 1;
}

static void
av_mount (struct argv_buf *a, const char *type, const char *source,
          const char *target, unsigned long flags, unsigned long prop,
          const char *data)
{
  av_add (a, "--mount");
  av_add (a, "%s", type);
  av_add (a, "%s", source);
  av_add (a, "%s", target);
  av_add (a, "0x%lx", flags);
  av_add (a, "0x%lx", prop);
  av_add (a, "%s", data);
}

static void
av_device (struct argv_buf *a, const char *path, const char *type,
           unsigned major, unsigned minor)
{
  av_add (a, "--device");
  av_add (a, "%s", path);
  av_add (a, "%s", type);
  av_add (a, "%u", major);
  av_add (a, "%u", minor);
  av_add (a, "0666");
  av_add (a, "0");
  av_add (a, "0");
}

#define USERNS_MAPS                                                         \
  "--uid-map", "0:100000:65536", "--gid-map", "0:100000:65536"

/*
 * The mounts and devices runc gives a container by default, plus a
 * read-only bind of HOST at /data.  With USERNS the namespaces include a
 * user namespace mapping 0 to 100000.
 */
static void
av_runc_setup (struct argv_buf *a, const char *root, const char *host,
               bool userns)
{
  static const struct
  {
    const char *path;
    unsigned major, minor;
  } devices[] = {
    { "/dev/null", 1, 3 },   { "/dev/zero", 1, 5 },
    { "/dev/full", 1, 7 },   { "/dev/random", 1, 8 },
    { "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },
  };
  size_t i;

  a->n = 0;
  a->used = 0;
  av_add (a, "--ns");
  av_add (a, "%spid,mount,ipc,uts,net", userns ? "user," : "");
  if (userns)
    {
      av_add (a, "--uid-map");
      av_add (a, "0:100000:65536");
      av_add (a, "--gid-map");
      av_add (a, "0:100000:65536");
    }
  av_add (a, "--root");
  av_add (a, "%s", root);
  av_mount (a, "proc", "proc", "/proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0,
            "");
  av_mount (a, "tmpfs", "tmpfs", "/dev", MS_NOSUID | MS_STRICTATIME, 0,
            "mode=755,size=65536k");
  av_mount (a, "devpts", "devpts", "/dev/pts", MS_NOSUID | MS_NOEXEC, 0,
            "newinstance,ptmxmode=0666,mode=0620");
  av_mount (a, "tmpfs", "shm", "/dev/shm", MS_NOSUID | MS_NODEV | MS_NOEXEC,
            0, "mode=1777,size=65536k");
  av_mount (a, "mqueue", "mqueue", "/dev/mqueue",
            MS_NOSUID | MS_NODEV | MS_NOEXEC, 0, "");
  av_mount (a, "sysfs", "sysfs", "/sys",
            MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, 0, "");
  av_mount (a, "", host, "/data", MS_BIND | MS_REC | MS_RDONLY, 0, "");
  for (i = 0; i < sizeof (devices) / sizeof (devices[0]); i++)
    av_device (a, devices[i].path, "c", devices[i].major, devices[i].minor);
  av_add (a, "--dev-links");
}

/* A copy of BASE's argv with "--" and the testbin command appended. */
#define WITH_CMD(base, ...)                                                 \
  with_cmd (&(base), (char *[]){ "--", "/bin/jshim-testbin", __VA_ARGS__,   \
                                 NULL })

static char **
with_cmd (const struct argv_buf *base, char *const cmd[])
{
  static char *v[200];
  int n = 0, i;

  for (i = 0; i < base->n; i++)
    v[n++] = base->v[i];
  for (i = 0; cmd[i] != NULL && n < 199; i++)
    v[n++] = cmd[i];
  v[n] = NULL;
  return v;
}

/* Run to a clean exit 0 and return the output (static buffer). */
static const char *
capture_output (char *const argv[], char *const envp[])
{
  struct spawn_result res;
  int fd = make_output_file ();
  const char *out;
  int status;

  if (fd < 0)
    return "";
  status = run_to_exit (argv, envp, fd, &res);
  CHECK (res.got_ready);
  check_no_errors (&res);
  CHECK (WIFEXITED (status));
  CHECK_INT (WEXITSTATUS (status), 0);
  out = read_output (fd);
  close (fd);
  return out;
}

/*
 * The line of mount point MP in mountinfo TEXT, as
 * "MOUNT-OPTIONS OPTIONAL-FIELDS - FSTYPE SOURCE SUPER-OPTIONS" (static
 * buffer), NULL when MP is not mounted.  The last mount on MP wins.
 */
static const char *
mountinfo_line (const char *text, const char *mp)
{
  static char found[1024];
  const char *line = text;
  bool any = false;

  while (*line != '\0')
    {
      const char *end = strchr (line, '\n');
      size_t len = end ? (size_t) (end - line) : strlen (line);
      char buf[1024], point[512];
      int skip = 0;

      if (len < sizeof (buf))
        {
          memcpy (buf, line, len);
          buf[len] = '\0';
          if (sscanf (buf, "%*s %*s %*s %*s %511s %n", point, &skip) == 1
              && skip > 0 && strcmp (point, mp) == 0)
            {
              snprintf (found, sizeof (found), "%s", buf + skip);
              any = true;
            }
        }
      if (end == NULL)
        break;
      line = end + 1;
    }
  return any ? found : NULL;
}

/* Make every file under ROOT belong to UID:GID (for user namespaces). */
static int chown_uid, chown_gid;

static int
chown_entry (const char *path, const struct stat *st, int flag,
             struct FTW *ftw)
{
  (void) st;
  (void) flag;
  (void) ftw;
  return lchown (path, chown_uid, chown_gid);
}

static void
chown_tree (const char *root, int uid, int gid)
{
  chown_uid = uid;
  chown_gid = gid;
  CHECK (nftw (root, chown_entry, 16, FTW_PHYS) == 0);
}

static void
check_runc_setup (const char *root, const char *host, bool userns)
{
  struct argv_buf a;
  char path[PATH_MAX + 64];
  const char *out, *line;
  const char *owner = userns ? "65534:65534" : "0:0";
  char want[128];

  av_runc_setup (&a, root, host, userns);
  /* The devices: the real ones (bound from the host in a user namespace,
     where they belong to the host's root, which is not mapped). */
  snprintf (want, sizeof (want), "char 1:3 0666 %s\n", owner);
  expect_output (WITH_CMD (a, "stat", "/dev/null"), NULL, want);
  snprintf (want, sizeof (want), "char 1:5 0666 %s\n", owner);
  expect_output (WITH_CMD (a, "stat", "/dev/zero"), NULL, want);
  snprintf (want, sizeof (want), "char 1:9 0666 %s\n", owner);
  expect_output (WITH_CMD (a, "stat", "/dev/urandom"), NULL, want);
  snprintf (want, sizeof (want), "char 5:0 0666 %s\n", owner);
  expect_output (WITH_CMD (a, "stat", "/dev/tty"), NULL, want);
  expect_output (WITH_CMD (a, "write-file", "/dev/null", "x"), NULL, "ok\n");
  expect_exit_output (WITH_CMD (a, "write-file", "/dev/full", "x"), NULL, 1,
                      "ENOSPC: No space left on device\n");
  /* The links, and the devpts instance of our own. */
  expect_output (WITH_CMD (a, "stat", "/dev/fd"), NULL,
                 "link 0:0 0777 0:0 -> /proc/self/fd\n");
  expect_output (WITH_CMD (a, "stat", "/dev/stderr"), NULL,
                 "link 0:0 0777 0:0 -> /proc/self/fd/2\n");
  expect_output (WITH_CMD (a, "stat", "/dev/ptmx"), NULL,
                 "link 0:0 0777 0:0 -> pts/ptmx\n");
  expect_output (WITH_CMD (a, "stat", "/dev/pts/ptmx"), NULL,
                 "char 5:2 0666 0:0\n");
  /* /proc works; the bind is read-only. */
  expect_output (WITH_CMD (a, "fds"), NULL, "0\n1\n2\n");
  expect_output (WITH_CMD (a, "cat-file", "/data/hello"), NULL, "hello\n");
  expect_exit_output (WITH_CMD (a, "write-file", "/data/hello", "x"), NULL, 1,
                      "EROFS: Read-only file system\n");

  out = capture_output (WITH_CMD (a, "cat-file", "/proc/self/mountinfo"),
                        NULL);
  line = mountinfo_line (out, "/proc");
  CHECK_CONTAINS (line, "rw,nosuid,nodev,noexec");
  CHECK_CONTAINS (line, " - proc proc ");
  line = mountinfo_line (out, "/dev");
  CHECK_CONTAINS (line, " - tmpfs tmpfs ");
  CHECK_CONTAINS (line, "size=65536k");
  CHECK_CONTAINS (line, "mode=755");
  line = mountinfo_line (out, "/dev/pts");
  CHECK_CONTAINS (line, " - devpts devpts ");
  CHECK_CONTAINS (line, "mode=620,ptmxmode=666");
  line = mountinfo_line (out, "/dev/shm");
  CHECK_CONTAINS (line, "nosuid,nodev,noexec");
  CHECK_CONTAINS (line, " - tmpfs shm ");
  CHECK_CONTAINS (mountinfo_line (out, "/dev/mqueue"), " - mqueue mqueue ");
  line = mountinfo_line (out, "/sys");
  CHECK (line != NULL && strncmp (line, "ro,", 3) == 0);
  CHECK_CONTAINS (line, " - sysfs sysfs ");
  line = mountinfo_line (out, "/data");
  CHECK (line != NULL && strncmp (line, "ro,", 3) == 0);
  if (userns)
    CHECK_CONTAINS (mountinfo_line (out, "/dev/null"), " - devtmpfs ");

  /* The host side: the bound directory is untouched, the mount points
     were made in the root, and nothing of the mounts shows there. */
  snprintf (path, sizeof (path), "%s/hello", host);
  CHECK_STR (host_line (path, path, sizeof (path)), "hello\n");
  CHECK_INT (count_entries (host), 1);
  CHECK (path_exists ("%s/dev", root));
  CHECK (!path_exists ("%s/dev/null", root));
  CHECK (!path_exists ("%s/dev/pts", root));
}

static char *
make_host_dir (void)
{
  char *host = make_temp_dir ();
  char path[PATH_MAX + 64];

  if (host == NULL)
    return NULL;
  snprintf (path, sizeof (path), "%s/hello", host);
  CHECK (write_file (path, "hello\n", 0644) == 0);
  return host;
}

static void
test_spawn_runc_mounts (void)
{
  char *root = make_rootfs ();
  char *host = make_host_dir ();

  if (root != NULL && host != NULL)
    check_runc_setup (root, host, false);
  remove_tree (root);
  remove_tree (host);
}

static void
test_spawn_mount_list_authoritative (void)
{
  char *root = make_rootfs ();

  if (root == NULL)
    return;
  /* A new pid namespace but a --mount list without proc: no /proc. */
  expect_exit_output (ARGV ("--ns", "pid,mount", "--root", root, "--mount",
                            "tmpfs", "tmpfs", "/tmp", "0", "0", "", "--",
                            "/bin/jshim-testbin", "fds"),
                      NULL, 1,
                      "jshim-testbin: opendir /proc/self/fd: No such file or "
                      "directory\n");
  CHECK (!path_exists ("%s/proc", root));
  CHECK (path_exists ("%s/tmp", root));
  remove_tree (root);
}

static void
test_spawn_mount_kinds (void)
{
  char *root = make_rootfs ();
  char *host = make_host_dir ();
  char src[PATH_MAX + 64];
  struct stat st;
  const char *out;

  if (root == NULL || host == NULL)
    goto out;
  snprintf (src, sizeof (src), "%s/hello", host);
  /* A file: the target is made as an empty file in the root. */
  expect_output (ARGV ("--ns", "mount", "--root", root, "--mount", "", src,
                       "/etc/conf", "0x1000", "0", "", "--",
                       "/bin/jshim-testbin", "cat-file", "/etc/conf"),
                 NULL, "hello\n");
  CHECK (path_exists ("%s/etc/conf", root));
  snprintf (src, sizeof (src), "%s/etc/conf", root);
  CHECK (stat (src, &st) == 0 && S_ISREG (st.st_mode) && st.st_size == 0
         && (st.st_mode & 07777) == 0644);
  snprintf (src, sizeof (src), "%s/etc", root);
  CHECK (stat (src, &st) == 0 && (st.st_mode & 07777) == 0755);
  /* A remount entry makes an earlier bind read-only. */
  expect_exit_output (ARGV ("--ns", "mount", "--root", root, "--mount", "",
                            host, "/data", "0x1000", "0", "", "--mount", "",
                            "", "/data", "0x1021", "0", "", "--",
                            "/bin/jshim-testbin", "write-file", "/data/hello",
                            "x"),
                      NULL, 1, "EROFS: Read-only file system\n");
  /* PROPAGATION applies to that mount. */
  out = capture_output (ARGV ("--ns", "pid,mount", "--root", root, "--mount",
                              "proc", "proc", "/proc", "0xe", "0", "",
                              "--mount", "tmpfs", "tmpfs", "/shared", "0",
                              "0x100000", "size=4k", "--",
                              "/bin/jshim-testbin", "cat-file",
                              "/proc/self/mountinfo"),
                        NULL);
  CHECK_CONTAINS (mountinfo_line (out, "/shared"), " shared:");
  CHECK_CONTAINS (mountinfo_line (out, "/shared"), "size=4k");
  CHECK (mountinfo_line (out, "/proc") != NULL
         && strstr (mountinfo_line (out, "/proc"), "shared:") == NULL);

  /* Errors name the mount. */
  expect_workload_error (ARGV ("--ns", "mount", "--root", root, "--mount",
                               "jshimfs", "src", "/x", "0", "0", "", "--",
                               "/bin/jshim-testbin", "pid"),
                         NULL, JSHIM_STAGE_MOUNT, ENODEV,
                         "mount jshimfs \"src\" on \"/x\": No such device");
  expect_workload_error (ARGV ("--ns", "mount", "--root", root, "--mount", "",
                               "/nonexistent-src", "/x", "0x1000", "0", "",
                               "--", "/bin/jshim-testbin", "pid"),
                         NULL, JSHIM_STAGE_MOUNT, ENOENT,
                         "mount bind \"/nonexistent-src\" on \"/x\": open the "
                         "source: No such file or directory");
  expect_workload_error (ARGV ("--ns", "mount", "--root", root, "--mount", "",
                               "", "/not-there", "0x21", "0", "", "--",
                               "/bin/jshim-testbin", "pid"),
                         NULL, JSHIM_STAGE_MOUNT, ENOENT,
                         "remount \"/not-there\" with flags 0x21: resolve the "
                         "target inside the root: No such file or directory");
  expect_workload_error (ARGV ("--ns", "mount", "--root", root, "--mount",
                               "tmpfs", "tmpfs", "/bin/jshim-testbin/x", "0",
                               "0", "", "--", "/bin/jshim-testbin", "pid"),
                         NULL, JSHIM_STAGE_MOUNT, ENOTDIR,
                         "mount tmpfs \"tmpfs\" on \"/bin/jshim-testbin/x\": "
                         "resolve the target inside the root: Not a "
                         "directory");
  expect_workload_error (ARGV ("--ns", "mount", "--root", root, "--mount",
                               "tmpfs", "tmpfs", "/t", "0", "0",
                               "size=nonsense", "--", "/bin/jshim-testbin",
                               "pid"),
                         NULL, JSHIM_STAGE_MOUNT, EINVAL,
                         "mount tmpfs \"tmpfs\" on \"/t\": Invalid argument");
  expect_workload_error (ARGV ("--ns", "mount", "--root", root, "--device",
                               "/dev/x", "c", "1", "3", "0666", "0", "0",
                               "--device", "/dev/x/y", "c", "1", "3", "0666",
                               "0", "0", "--", "/bin/jshim-testbin", "pid"),
                         NULL, JSHIM_STAGE_DEVICES, ENOTDIR,
                         "create device /dev/x/y: resolve its directory "
                         "inside the root: Not a directory");

out:
  remove_tree (root);
  remove_tree (host);
}

/*
 * A hostile root: symlinks to a host directory as a mount target and as a
 * device parent, a relative one climbing out, a dangling one, one to /etc
 * (a loop inside the root), one through a /proc magic link.  Nothing may
 * appear in the host directory (or /etc); everything lands inside the root
 * or fails with a clear error.
 */
static void
test_spawn_hostile_rootfs (void)
{
  char *root = make_rootfs ();
  char *host = make_temp_dir ();
  char *data = make_host_dir ();
  char link[PATH_MAX + 64], src[PATH_MAX + 64], evil[64], magic[64];
  struct argv_buf a;

  if (root == NULL || host == NULL || data == NULL)
    goto out;
  snprintf (link, sizeof (link), "../../../../../../..%s", host);
  CHECK (make_symlink (host, root, "mnt") == 0);
  CHECK (make_symlink (host, root, "devdir") == 0);
  CHECK (make_symlink (link, root, "rel") == 0);
  snprintf (link, sizeof (link), "%s/newfile", host);
  CHECK (make_symlink (link, root, "dangling") == 0);
  CHECK (make_symlink ("/etc", root, "etc") == 0);
  CHECK (make_symlink ("/proc/self/root/tmp", root, "magic") == 0);
  snprintf (src, sizeof (src), "%s/hello", data);

  a.n = 0;
  a.used = 0;
  av_add (&a, "--ns");
  av_add (&a, "pid,mount");
  av_add (&a, "--root");
  av_add (&a, "%s", root);
  av_mount (&a, "tmpfs", "tmpfs", "/mnt/sub", 0, 0, "");
  av_mount (&a, "tmpfs", "tmpfs", "/rel/relsub", 0, 0, "");
  av_mount (&a, "", src, "/dangling", MS_BIND, 0, "");
  av_device (&a, "/devdir/null", "c", 1, 3);
  av_device (&a, "/devdir/deeper/zero", "c", 1, 5);
  expect_output (WITH_CMD (a, "stat", "/mnt/sub"), NULL,
                 "dir 0:0 1777 0:0\n");
  expect_output (WITH_CMD (a, "cat-file", "/dangling"), NULL, "hello\n");
  expect_output (WITH_CMD (a, "stat", "/devdir/null"), NULL,
                 "char 1:3 0666 0:0\n");
  expect_output (WITH_CMD (a, "stat", "/devdir/deeper/zero"), NULL,
                 "char 1:5 0666 0:0\n");
  /* ".." in a target stops at the root too. */
  snprintf (link, sizeof (link), "/../../../..%s/dots", host);
  expect_output (ARGV ("--ns", "mount", "--root", root, "--mount", "tmpfs",
                       "tmpfs", link, "0", "0", "", "--",
                       "/bin/jshim-testbin", "stat", link),
                 NULL, "dir 0:0 1777 0:0\n");

  /* All of it went into the root. */
  CHECK_INT (count_entries (host), 0);
  CHECK (path_exists ("%s%s/sub", root, host));
  CHECK (path_exists ("%s%s/relsub", root, host));
  CHECK (path_exists ("%s%s/newfile", root, host));
  CHECK (path_exists ("%s%s/null", root, host));
  CHECK (path_exists ("%s%s/deeper/zero", root, host));
  CHECK (path_exists ("%s%s/dots", root, host));

  /* etc -> /etc is etc itself inside the root: a loop, never the host's
     /etc. */
  snprintf (evil, sizeof (evil), "/etc/jshim-test-evil-%d", (int) getpid ());
  expect_workload_error (ARGV ("--ns", "mount", "--root", root, "--mount",
                               "tmpfs", "tmpfs", evil, "0", "0", "", "--",
                               "/bin/jshim-testbin", "pid"),
                         NULL, JSHIM_STAGE_MOUNT, ELOOP,
                         "resolve the target inside the root: Too many "
                         "levels of symbolic links");
  expect_workload_error (ARGV ("--ns", "mount", "--root", root, "--device",
                               evil, "c", "1", "3", "0666", "0", "0", "--",
                               "/bin/jshim-testbin", "pid"),
                         NULL, JSHIM_STAGE_DEVICES, ELOOP,
                         "resolve its directory inside the root: Too many "
                         "levels of symbolic links");
  CHECK (!path_exists ("%s", evil));
  /* A /proc magic link is refused once the root has a proc. */
  snprintf (magic, sizeof (magic), "/magic/jshim-test-magic-%d",
            (int) getpid ());
  expect_workload_error (ARGV ("--ns", "pid,mount", "--root", root,
                               "--mount", "proc", "proc", "/proc", "0xe", "0",
                               "", "--mount", "tmpfs", "tmpfs", magic, "0",
                               "0", "", "--", "/bin/jshim-testbin", "pid"),
                         NULL, JSHIM_STAGE_MOUNT, ELOOP,
                         "resolve the target inside the root: Too many "
                         "levels of symbolic links");
  CHECK (!path_exists ("/tmp%s", magic + strlen ("/magic")));
  CHECK_INT (count_entries (host), 0);

out:
  remove_tree (root);
  remove_tree (host);
  remove_tree (data);
}

static void
test_spawn_masked_with_device (void)
{
  char *root = make_rootfs ();
  char path[PATH_MAX + 64];

  if (root == NULL)
    return;
  snprintf (path, sizeof (path), "%s/secret", root);
  CHECK (write_file (path, "secret\n", 0644) == 0);
  /* No dev/null in the root: --device makes the one --masked needs. */
  expect_output (ARGV ("--ns", "pid,mount", "--root", root, "--mount",
                       "proc", "proc", "/proc", "0xe", "0", "", "--mount",
                       "tmpfs", "tmpfs", "/dev", "0x1000002", "0",
                       "mode=755", "--device", "/dev/null", "c", "1", "3",
                       "0666", "0", "0", "--masked", "/secret", "--",
                       "/bin/jshim-testbin", "cat-file", "/secret"),
                 NULL, "");
  CHECK_STR (host_line (path, path, sizeof (path)), "secret\n");
  remove_tree (root);
}

/* Start a workload that sleeps; returns its pid (our child), or -1. */
static pid_t
start_sleeper (char *const argv[])
{
  struct spawn_result res;
  struct spawn_opts opts = { .out_fd = -1, .after = SEND_GO };

  if (run_spawn (argv, default_env, &opts, &res) < 0)
    return -1;
  CHECK (res.got_pid);
  CHECK (res.got_ready);
  check_no_errors (&res);
  return res.got_pid && res.got_ready ? res.pid : -1;
}

static void
stop_sleeper (pid_t pid)
{
  int status;

  if (pid <= 0)
    return;
  kill (pid, SIGKILL);
  waitpid (pid, &status, 0);
}

static const char *
read_link (const char *fmt, pid_t pid, char *buf, size_t cap)
{
  char path[64];
  ssize_t n;

  snprintf (path, sizeof (path), fmt, (int) pid);
  n = readlink (path, buf, cap - 1);
  buf[n > 0 ? n : 0] = '\0';
  return buf;
}

/* Whole text of a /proc file of PID (static buffer). */
static const char *
proc_text (pid_t pid, const char *name)
{
  static char buf[16384];
  char path[64];
  ssize_t n = 0, r;
  int fd;

  snprintf (path, sizeof (path), "/proc/%d/%s", (int) pid, name);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd >= 0)
    {
      while (n < (ssize_t) sizeof (buf) - 1
             && (r = read (fd, buf + n, sizeof (buf) - 1 - (size_t) n)) > 0)
        n += r;
      close (fd);
    }
  buf[n] = '\0';
  return buf;
}

/*
 * --rootfs-propagation on a root that is a shared mount on the host: every
 * propagation still pivots; slave receives the host's later mounts,
 * private does not; nothing the container mounts shows on the host.
 */
static void
test_spawn_rootfs_propagation (void)
{
  static char *const props[] = {
    "0x84000", "0x80000", "0x104000", "0x100000", "0x44000", "0x40000",
    "0x24000", "0x20000", "0",
  };
  char *root = make_temp_dir ();
  char path[PATH_MAX + 64], late[PATH_MAX + 64];
  const char *out;
  size_t i;
  pid_t slave = -1, private = -1;
  bool mounted = false, late_mounted = false;

  if (root == NULL)
    return;
  if (mount ("tmpfs", root, "tmpfs", 0, "mode=755") < 0
      || mount (NULL, root, NULL, MS_SHARED, NULL) < 0)
    {
      diag ("shared tmpfs at %s: %s", root, strerror (errno));
      current_failed = true;
      goto out;
    }
  mounted = true;
  snprintf (path, sizeof (path), "%s/bin", root);
  CHECK (mkdir (path, 0755) == 0);
  snprintf (path, sizeof (path), "%s/bin/jshim-testbin", root);
  CHECK (copy_file (testbin_path, path, 0755) == 0);
  snprintf (late, sizeof (late), "%s/late", root);
  CHECK (mkdir (late, 0755) == 0);

  for (i = 0; i < sizeof (props) / sizeof (props[0]); i++)
    {
      out = capture_output (ARGV ("--ns", "pid,mount", "--root", root,
                                  "--rootfs-propagation", props[i],
                                  "--mount", "proc", "proc", "/proc", "0xe",
                                  "0", "", "--mount", "tmpfs", "tmpfs",
                                  "/mnt", "0", "0", "", "--",
                                  "/bin/jshim-testbin", "cat-file",
                                  "/proc/self/mountinfo"),
                            NULL);
      if (strcmp (props[i], "0x84000") == 0
          || strcmp (props[i], "0x80000") == 0)
        CHECK_CONTAINS (mountinfo_line (out, "/"), " master:");
      else if (strcmp (props[i], "0x104000") == 0)
        {
          CHECK_CONTAINS (mountinfo_line (out, "/"), " shared:");
          CHECK_CONTAINS (mountinfo_line (out, "/mnt"), " shared:");
        }
      else if (strcmp (props[i], "0x24000") == 0)
        CHECK_CONTAINS (mountinfo_line (out, "/mnt"), " unbindable ");
      else if (strcmp (props[i], "0x44000") == 0
               || strcmp (props[i], "0") == 0)
        CHECK (mountinfo_line (out, "/") != NULL
               && strstr (mountinfo_line (out, "/"), ":") == NULL);
      CHECK (mountinfo_line (out, "/mnt") != NULL);
      snprintf (path, sizeof (path), "%s/mnt", root);
      CHECK (mountinfo_line (proc_text (getpid (), "mountinfo"), path)
             == NULL);
    }

  /* A mount the host makes later reaches a slave root only. */
  slave = start_sleeper (ARGV ("--ns", "pid,mount", "--root", root,
                               "--rootfs-propagation", "0x84000", "--",
                               "/bin/jshim-testbin", "sleep", "30"));
  private = start_sleeper (ARGV ("--ns", "pid,mount", "--root", root, "--",
                                 "/bin/jshim-testbin", "sleep", "30"));
  if (mount ("tmpfs", late, "tmpfs", 0, "size=4k") < 0)
    {
      diag ("mount %s: %s", late, strerror (errno));
      current_failed = true;
      goto out;
    }
  late_mounted = true;
  if (slave > 0)
    CHECK (mountinfo_line (proc_text (slave, "mountinfo"), "/late") != NULL);
  if (private > 0)
    CHECK (mountinfo_line (proc_text (private, "mountinfo"), "/late")
           == NULL);

out:
  stop_sleeper (slave);
  stop_sleeper (private);
  if (late_mounted)
    umount2 (late, MNT_DETACH);
  if (mounted)
    umount2 (root, MNT_DETACH);
  remove_tree (root);
}

struct userns_check
{
  uid_t host_uid;
  const char *uid_map;
  bool called;
};

/* At READY: the workload's host ids and its uid map, seen from outside. */
static void
check_userns_from_host (pid_t pid, void *arg)
{
  struct userns_check *c = arg;
  unsigned inner = 1, outer = 0, count = 0;
  char path[64];
  struct stat st;

  c->called = true;
  snprintf (path, sizeof (path), "/proc/%d", (int) pid);
  CHECK (stat (path, &st) == 0);
  CHECK_INT (st.st_uid, c->host_uid);
  CHECK_INT (st.st_gid, c->host_uid);
  CHECK_INT (sscanf (proc_text (pid, "uid_map"), "%u %u %u", &inner, &outer,
                     &count),
             3);
  CHECK_INT (inner, 0);
  CHECK_INT (outer, 100000);
  CHECK_INT (count, 65536);
  CHECK_INT (sscanf (proc_text (pid, "gid_map"), "%u %u %u", &inner, &outer,
                     &count),
             3);
  CHECK_INT (outer, 100000);
}

static void
expect_output_checked (char *const argv[], const char *expected,
                       struct userns_check *c)
{
  struct spawn_opts opts = { .out_fd = make_output_file (),
                             .after = SEND_GO,
                             .on_ready = check_userns_from_host,
                             .on_ready_arg = c };
  struct spawn_result res;
  int status;

  if (opts.out_fd < 0)
    return;
  c->called = false;
  run_spawn (argv, default_env, &opts, &res);
  CHECK (res.got_ready);
  check_no_errors (&res);
  status = workload_status (&res);
  CHECK (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  CHECK_STR (read_output (opts.out_fd), expected);
  CHECK (c->called);
  close (opts.out_fd);
}

static void
test_spawn_userns (void)
{
  char *root = make_rootfs ();
  struct userns_check c = { .host_uid = 100000 };
  unsigned inner = 1, outer = 0, count = 0;

  if (root == NULL)
    return;
  chown_tree (root, 100000, 100000);
  expect_output_checked (ARGV ("--ns", "user,pid,mount", USERNS_MAPS,
                               "--uid", "0", "--gid", "0", "--root", root,
                               "--", "/bin/jshim-testbin", "id"),
                         "uid=0 gid=0\n", &c);
  c.host_uid = 101000;
  expect_output_checked (ARGV ("--ns", "user,pid,mount", USERNS_MAPS,
                               "--uid", "1000", "--gid", "1000", "--groups",
                               "1000,2000", "--root", root, "--",
                               "/bin/jshim-testbin", "groups"),
                         "1000,2000\n", &c);
  /* Without --uid/--gid the workload is the container's root. */
  expect_output (ARGV ("--ns", "user", USERNS_MAPS, "--", testbin_path,
                       "id"),
                 NULL, "uid=0 gid=0\n");
  CHECK_INT (sscanf (capture_output (ARGV ("--ns", "user", USERNS_MAPS,
                                           "--", testbin_path, "cat-file",
                                           "/proc/self/uid_map"),
                                     NULL),
                     "%u %u %u", &inner, &outer, &count),
             3);
  CHECK_INT (inner, 0);
  CHECK_INT (outer, 100000);
  CHECK_INT (count, 65536);
  /* Root there has every capability of the namespace (a new user namespace
     starts with a full bounding set, whatever ours is), and the usual
     process options work. */
  {
    char want[32];

    snprintf (want, sizeof (want), "%016llx\n",
              (2ULL << jshim_cap_last_cap ()) - 1);
    expect_output (ARGV ("--ns", "user,pid,mount", USERNS_MAPS, "--root",
                         root, "--", "/bin/jshim-testbin", "status",
                         "CapEff"),
                   NULL, want);
  }
  expect_output (ARGV ("--ns", "user,pid,mount", USERNS_MAPS, "--root", root,
                       "--rlimit", "RLIMIT_NOFILE=1000:2000",
                       "--oom-score-adj", "500", "--", "/bin/jshim-testbin",
                       "rlimit", "RLIMIT_NOFILE"),
                 NULL, "1000 2000\n");
  expect_output (ARGV ("--ns", "user,pid,mount", USERNS_MAPS, "--root", root,
                       "--oom-score-adj", "500", "--", "/bin/jshim-testbin",
                       "oom-score-adj"),
                 NULL, "500\n");
  remove_tree (root);
}

static void
test_spawn_userns_mounts (void)
{
  char *root = make_rootfs ();
  char *host = make_host_dir ();
  char path[PATH_MAX + 64];
  const char *line;
  struct argv_buf a;

  if (root == NULL || host == NULL)
    goto out;
  chown_tree (root, 100000, 100000);
  check_runc_setup (root, host, true);
  /* The host's node must be the device asked for. */
  a.n = 0;
  a.used = 0;
  av_add (&a, "--ns");
  av_add (&a, "user,mount");
  av_add (&a, "--uid-map");
  av_add (&a, "0:100000:65536");
  av_add (&a, "--gid-map");
  av_add (&a, "0:100000:65536");
  av_add (&a, "--root");
  av_add (&a, "%s", root);
  av_mount (&a, "tmpfs", "tmpfs", "/dev", 0, 0, "");
  av_device (&a, "/dev/null", "c", 1, 5);
  expect_workload_error (WITH_CMD (a, "pid"), NULL, JSHIM_STAGE_DEVICES,
                         ENODEV,
                         "the host's /dev/null is not a character device "
                         "1:5");

  /* A read-only bind of a mount whose nosuid, nodev and noatime the user
     namespace cannot drop: the remount keeps them. */
  if (mount ("tmpfs", host, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOATIME,
             "size=4k")
      < 0)
    {
      diag ("mount tmpfs on %s: %s", host, strerror (errno));
      current_failed = true;
      goto out;
    }
  snprintf (path, sizeof (path), "%s/f", host);
  CHECK (write_file (path, "", 0666) == 0);
  expect_exit_output (ARGV ("--ns", "user,mount", USERNS_MAPS, "--root", root,
                            "--mount", "", host, "/locked", "0x1001", "0",
                            "", "--", "/bin/jshim-testbin", "write-file",
                            "/locked/f", "x"),
                      NULL, 1, "EROFS: Read-only file system\n");
  expect_output (ARGV ("--ns", "user,mount", USERNS_MAPS, "--root", root,
                       "--mount", "", host, "/locked", "0x1000", "0", "",
                       "--", "/bin/jshim-testbin", "write-file", "/locked/f",
                       "x"),
                 NULL, "ok\n");
  line = mountinfo_line (capture_output (ARGV ("--ns", "user,pid,mount",
                                               USERNS_MAPS, "--root", root,
                                               "--mount", "proc", "proc",
                                               "/proc", "0xe", "0", "",
                                               "--mount", "", host, "/locked",
                                               "0x1001", "0", "", "--",
                                               "/bin/jshim-testbin",
                                               "cat-file",
                                               "/proc/self/mountinfo"),
                                         NULL),
                         "/locked");
  CHECK_CONTAINS (line, "ro,nosuid,nodev,noatime ");
  umount2 (host, MNT_DETACH);
out:
  remove_tree (root);
  remove_tree (host);
}

/* The workload of a helper that failed before sending its PID: our child
   all the same (CLONE_PARENT).  Returns its wait status. */
static int
reap_unannounced_workload (void)
{
  int status = -1, waited;

  for (waited = 0; waited < 20000; waited += 10)
    {
      pid_t r = waitpid (-1, &status, WNOHANG);

      if (r > 0)
        return status;
      if (r < 0)
        break;
      usleep (10 * 1000);
    }
  diag ("no workload to reap");
  current_failed = true;
  return -1;
}

static void
test_spawn_userns_failures (void)
{
  struct spawn_opts opts = { .out_fd = -1, .after = SEND_GO };
  struct spawn_result res;
  int status;

  /* Overlapping ranges: the kernel refuses the map. */
  run_spawn (ARGV ("--ns", "user", "--uid-map", "0:100000:10,5:200000:10",
                   "--gid-map", "0:100000:65536", "--", testbin_path, "id"),
             default_env, &opts, &res);
  CHECK (!res.got_pid);
  CHECK (!res.got_ready);
  CHECK_INT (res.errors, 1);
  CHECK_INT (res.err_stage, JSHIM_STAGE_USERNS);
  CHECK_INT (res.err_errno, EINVAL);
  CHECK_CONTAINS (res.err_msg, "write uid map \"0:100000:10,5:200000:10\" to "
                               "/proc/");
  CHECK_CONTAINS (res.err_msg, "/uid_map: Invalid argument");
  CHECK (WIFEXITED (res.helper_status));
  CHECK_INT (WEXITSTATUS (res.helper_status), 1);
  /* The workload saw EOF and gave up without doing anything. */
  status = reap_unannounced_workload ();
  CHECK (WIFEXITED (status));
  CHECK_INT (WEXITSTATUS (status), JSHIM_WORKLOAD_EXIT_ABORTED);

  run_spawn (ARGV ("--ns", "user", "--uid-map", "0:100000:65536",
                   "--gid-map", "0:100000:100,100:200000:1,101:200001:1,"
                                "102:200002:1,103:200003:1",
                   "--", testbin_path, "id"),
             default_env, &opts, &res);
  CHECK_INT (res.errors, 0);
  CHECK (res.got_ready);
  workload_status (&res);

  /* Container root must be mapped. */
  expect_workload_error (ARGV ("--ns", "user", "--uid-map", "0:100000:65536",
                               "--gid-map", "1:100000:65536", "--",
                               testbin_path, "id"),
                         NULL, JSHIM_STAGE_USERNS, EINVAL,
                         "become root in the user namespace: setresgid 0 "
                         "(container gid 0 must be mapped): Invalid "
                         "argument");
}

struct unshare_check
{
  bool called;
};

/* Every namespace asked for is the workload's own, none is ours. */
static void
check_own_namespaces (pid_t pid, void *arg)
{
  static const char *const names[] = { "user", "pid", "ipc", "uts", "mnt",
                                       "net", "cgroup" };
  struct unshare_check *c = arg;
  char mine[64], theirs[64];
  size_t i;

  c->called = true;
  for (i = 0; i < sizeof (names) / sizeof (names[0]); i++)
    {
      char fmt[32];

      snprintf (fmt, sizeof (fmt), "/proc/%%d/ns/%s", names[i]);
      read_link (fmt, pid, theirs, sizeof (theirs));
      read_link (fmt, getpid (), mine, sizeof (mine));
      CHECK (theirs[0] != '\0');
      if (strcmp (mine, theirs) == 0)
        {
          diag ("the workload's %s namespace is ours: %s", names[i], mine);
          current_failed = true;
        }
    }
}

/*
 * With --ns user the clone makes the user and pid namespaces only; the
 * workload unshares the others as uid 0 of the namespace, before its gid
 * is 0, so what the kernel makes with them belongs to 0:65534 as under
 * runc.
 */
static void
test_spawn_userns_unshare (void)
{
  char *root = make_rootfs ();
  struct unshare_check c = { 0 };
  struct spawn_opts opts = { .out_fd = -1,
                             .after = SEND_GO,
                             .on_ready = check_own_namespaces,
                             .on_ready_arg = &c };
  struct spawn_result res;
  char host_name[256], after[256];

  if (root == NULL)
    return;
  chown_tree (root, 100000, 100000);
  expect_output (ARGV ("--ns", "user,mount,ipc,pid", USERNS_MAPS, "--root",
                       root, "--mount", "mqueue", "mqueue", "/dev/mqueue",
                       "0xe", "0", "", "--", "/bin/jshim-testbin", "stat",
                       "/dev/mqueue"),
                 NULL, "dir 0:0 1777 0:65534\n");
  /* Without a user namespace it is plain root's. */
  expect_output (ARGV ("--ns", "mount,ipc,pid", "--root", root, "--mount",
                       "mqueue", "mqueue", "/dev/mqueue", "0xe", "0", "",
                       "--", "/bin/jshim-testbin", "stat", "/dev/mqueue"),
                 NULL, "dir 0:0 1777 0:0\n");

  CHECK (gethostname (host_name, sizeof (host_name)) == 0);
  expect_output (ARGV ("--ns", "user,uts", USERNS_MAPS, "--hostname",
                       "userns-uts", "--", testbin_path, "hostname"),
                 NULL, "userns-uts\n");
  CHECK (gethostname (after, sizeof (after)) == 0);
  CHECK_STR (after, host_name);
  /* The workload is the root of its namespace all the same. */
  expect_output (ARGV ("--ns", "user,uts,ipc,net", USERNS_MAPS, "--",
                       testbin_path, "id"),
                 NULL, "uid=0 gid=0\n");

  run_spawn (ARGV ("--ns", "user,pid,ipc,uts,mount,net,cgroup", USERNS_MAPS,
                   "--", testbin_path, "exit", "0"),
             default_env, &opts, &res);
  CHECK (res.got_ready);
  check_no_errors (&res);
  CHECK (c.called);
  workload_status (&res);
  remove_tree (root);
}

struct unshare_failure
{
  struct spawn_result res;
  int status;
  bool failed;
};

/* Write TEXT to the existing file PATH in one write. */
static int
write_existing (const char *path, const char *text)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  ssize_t n;

  if (fd < 0)
    return -1;
  n = write (fd, text, strlen (text));
  if (close (fd) < 0 || n != (ssize_t) strlen (text))
    return -1;
  return 0;
}

/* In a user namespace of our own, once the parent has mapped it (a byte on
   WAIT_FD): allow no ipc namespace below it, run the helper, send the
   result to REPORT_FD. */
__attribute__ ((noreturn)) static void
unshare_failure_child (int wait_fd, int report_fd)
{
  struct unshare_failure out;
  struct spawn_opts opts = { .out_fd = -1, .after = SEND_GO };
  char byte;

  memset (&out, 0, sizeof (out));
  current_failed = false;
  if (read (wait_fd, &byte, 1) != 1)
    _exit (1);
  if (write_existing ("/proc/sys/user/max_ipc_namespaces", "0") < 0)
    {
      diag ("limit ipc namespaces in our user namespace: %s",
            strerror (errno));
      _exit (1);
    }
  run_spawn (ARGV ("--ns", "user,ipc,uts", USERNS_MAPS, "--", testbin_path,
                   "id"),
             default_env, &opts, &out.res);
  out.status = workload_status (&out.res);
  out.failed = current_failed;
  _exit (write (report_fd, &out, sizeof (out)) == (ssize_t) sizeof (out)
             ? 0
             : 1);
}

/*
 * A failed unshare in the workload is stage CLONE, as a failed clone.  To
 * make one fail, the helper runs in a user namespace whose limit of ipc
 * namespaces is 0: the limit holds for every user namespace below it.
 */
static void
test_spawn_userns_unshare_failure (void)
{
  static struct unshare_failure got;
  int unshared[2], go[2], report[2], status;
  char path[64], byte;
  ssize_t n;
  pid_t child;

  if (pipe2 (unshared, O_CLOEXEC) < 0 || pipe2 (go, O_CLOEXEC) < 0
      || pipe2 (report, O_CLOEXEC) < 0)
    {
      diag ("pipe2: %s", strerror (errno));
      current_failed = true;
      return;
    }
  fflush (stdout);
  child = fork ();
  if (child == 0)
    {
      close (unshared[0]);
      close (go[1]);
      close (report[0]);
      if (unshare (CLONE_NEWUSER) < 0 || write (unshared[1], "u", 1) != 1)
        _exit (1);
      close (unshared[1]);
      unshare_failure_child (go[0], report[1]);
    }
  close (unshared[1]);
  close (go[0]);
  close (report[1]);
  if (child < 0)
    {
      diag ("fork: %s", strerror (errno));
      current_failed = true;
      goto out;
    }
  /* Every id mapped to itself: the child stays root, now of its own
     namespace, and can write its limits there. */
  CHECK (read (unshared[0], &byte, 1) == 1);
  snprintf (path, sizeof (path), "/proc/%d/uid_map", (int) child);
  CHECK (write_existing (path, "0 0 4294967295\n") == 0);
  snprintf (path, sizeof (path), "/proc/%d/gid_map", (int) child);
  CHECK (write_existing (path, "0 0 4294967295\n") == 0);
  CHECK (write (go[1], "1", 1) == 1);
  close (go[1]);
  go[1] = -1;
  n = read (report[0], &got, sizeof (got));
  CHECK (waitpid (child, &status, 0) == child);
  CHECK (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  CHECK_INT (n, sizeof (got));
  if (n != (ssize_t) sizeof (got))
    goto out;
  CHECK (!got.failed);
  CHECK (got.res.got_pid);
  CHECK (!got.res.got_ready);
  CHECK_INT (got.res.errors, 1);
  CHECK_INT (got.res.err_stage, JSHIM_STAGE_CLONE);
  CHECK_INT (got.res.err_errno, ENOSPC);
  CHECK_STR (got.res.err_msg, "unshare CLONE_NEWUTS|CLONE_NEWIPC in the new "
                              "user namespace: No space left on device");
  CHECK (WIFEXITED (got.res.helper_status));
  CHECK_INT (WEXITSTATUS (got.res.helper_status), 0);
  CHECK (WIFEXITED (got.status));
  CHECK_INT (WEXITSTATUS (got.status), JSHIM_WORKLOAD_EXIT_SETUP);
out:
  close (unshared[0]);
  if (go[1] >= 0)
    close (go[1]);
  close (report[0]);
}

struct join_check
{
  pid_t sleeper;
  bool called;
};

static void
check_joined_pid_ns (pid_t pid, void *arg)
{
  struct join_check *c = arg;
  char mine[64], theirs[64];

  c->called = true;
  CHECK_STR (read_link ("/proc/%d/ns/pid", pid, mine, sizeof (mine)),
             read_link ("/proc/%d/ns/pid", c->sleeper, theirs,
                        sizeof (theirs)));
  CHECK_STR (read_link ("/proc/%d/ns/user", pid, mine, sizeof (mine)),
             read_link ("/proc/%d/ns/user", c->sleeper, theirs,
                        sizeof (theirs)));
}

static void
test_spawn_join (void)
{
  struct join_check c = { 0 };
  struct spawn_opts opts = { .out_fd = -1,
                             .after = SEND_GO,
                             .on_ready = check_joined_pid_ns,
                             .on_ready_arg = &c };
  struct spawn_result res;
  char net[64], uts[64], usr[64], pid_ns[64], mnt[64], want[80], self[64];
  pid_t sleeper;

  sleeper = start_sleeper (ARGV ("--ns", "user,pid,net,uts,ipc,mount",
                                 USERNS_MAPS, "--hostname", "joined-uts",
                                 "--", testbin_path, "sleep", "30"));
  if (sleeper <= 0)
    return;
  c.sleeper = sleeper;
  snprintf (net, sizeof (net), "net=/proc/%d/ns/net", (int) sleeper);
  snprintf (uts, sizeof (uts), "uts=/proc/%d/ns/uts", (int) sleeper);
  snprintf (usr, sizeof (usr), "user=/proc/%d/ns/user", (int) sleeper);
  snprintf (pid_ns, sizeof (pid_ns), "pid=/proc/%d/ns/pid", (int) sleeper);
  snprintf (mnt, sizeof (mnt), "mnt=/proc/%d/ns/mnt", (int) sleeper);

  expect_output (ARGV ("--join", net, "--join", uts, "--", testbin_path,
                       "hostname"),
                 NULL, "joined-uts\n");
  snprintf (want, sizeof (want), "%s\n",
            read_link ("/proc/%d/ns/net", sleeper, self, sizeof (self)));
  expect_output (ARGV ("--join", net, "--", testbin_path, "ns", "net"), NULL,
                 want);
  CHECK (strcmp (want, capture_output (ARGV ("--", testbin_path, "ns", "net"),
                                       NULL))
         != 0);
  /* Joined namespaces next to a new user namespace: the workload makes
     only the ones asked for. */
  expect_output (ARGV ("--ns", "user,ipc,mount", USERNS_MAPS, "--join", net,
                       "--join", uts, "--", testbin_path, "hostname"),
                 NULL, "joined-uts\n");
  snprintf (want, sizeof (want), "%s\n",
            read_link ("/proc/%d/ns/net", sleeper, self, sizeof (self)));
  expect_output (ARGV ("--ns", "user,ipc,uts", USERNS_MAPS, "--hostname",
                       "own-uts", "--join", net, "--", testbin_path, "ns",
                       "net"),
                 NULL, want);
  snprintf (want, sizeof (want), "%s\n",
            read_link ("/proc/%d/ns/mnt", sleeper, self, sizeof (self)));
  expect_output (ARGV ("--ns", "user,ipc", USERNS_MAPS, "--join", mnt,
                       "--join", pid_ns, "--", testbin_path, "ns", "mnt"),
                 NULL, want);
  /* The user namespace is joined last, whatever the order given (its /proc
     is a proc of its pid namespace: join that too). */
  snprintf (want, sizeof (want), "%s\n",
            read_link ("/proc/%d/ns/mnt", sleeper, self, sizeof (self)));
  expect_output (ARGV ("--join", usr, "--join", mnt, "--join", uts,
                       "--join", pid_ns, "--", testbin_path, "ns", "mnt"),
                 NULL, want);
  /* A joined pid namespace holds the workload, not the helper; in a joined
     user namespace the workload is its root. */
  opts.out_fd = make_output_file ();
  run_spawn (ARGV ("--join", pid_ns, "--join", usr, "--", testbin_path,
                   "id"),
             default_env, &opts, &res);
  CHECK (res.got_ready);
  check_no_errors (&res);
  CHECK (c.called);
  workload_status (&res);
  CHECK_STR (read_output (opts.out_fd), "uid=0 gid=0\n");
  close (opts.out_fd);

  /* Errors. */
  snprintf (want, sizeof (want), "net=/proc/%d/ns/uts", (int) sleeper);
  opts.out_fd = -1;
  opts.on_ready = NULL;
  run_spawn (ARGV ("--join", want, "--", testbin_path, "id"), default_env,
             &opts, &res);
  CHECK (!res.got_pid);
  CHECK_INT (res.errors, 1);
  CHECK_INT (res.err_stage, JSHIM_STAGE_JOIN);
  CHECK_INT (res.err_errno, EINVAL);
  snprintf (want, sizeof (want), "join network namespace \"/proc/%d/ns/uts\": "
            "setns: Invalid argument", (int) sleeper);
  CHECK_STR (res.err_msg, want);
  CHECK_INT (WEXITSTATUS (res.helper_status), 1);
  run_spawn (ARGV ("--join", "ipc=/nonexistent-ns", "--", testbin_path,
                   "id"),
             default_env, &opts, &res);
  CHECK (!res.got_pid);
  CHECK_INT (res.err_stage, JSHIM_STAGE_JOIN);
  CHECK_INT (res.err_errno, ENOENT);
  CHECK_STR (res.err_msg, "join ipc namespace \"/nonexistent-ns\": open: No "
                          "such file or directory");
  stop_sleeper (sleeper);
}

struct cgroup_check
{
  const char *want;
  bool called;
};

static void
check_cgroup_from_host (pid_t pid, void *arg)
{
  struct cgroup_check *c = arg;

  c->called = true;
  CHECK_CONTAINS (proc_text (pid, "cgroup"), c->want);
}

static void
check_cgroup (char *dir, const char *want, const char *want_ns)
{
  struct cgroup_check c = { .want = want };
  struct spawn_opts opts = { .out_fd = make_output_file (),
                             .after = SEND_GO,
                             .on_ready = check_cgroup_from_host,
                             .on_ready_arg = &c };
  struct spawn_result res;

  if (opts.out_fd < 0)
    return;
  run_spawn (ARGV ("--cgroup", dir, "--", testbin_path, "cat-file",
                   "/proc/self/cgroup"),
             default_env, &opts, &res);
  CHECK (res.got_ready);
  check_no_errors (&res);
  CHECK (c.called);
  workload_status (&res);
  CHECK_CONTAINS (read_output (opts.out_fd), want);
  close (opts.out_fd);
  /* A new cgroup namespace is rooted there. */
  CHECK_CONTAINS (capture_output (ARGV ("--ns", "cgroup", "--cgroup", dir,
                                        "--", testbin_path, "cat-file",
                                        "/proc/self/cgroup"),
                                  NULL),
                  want_ns);
  /* With --ns user the workload makes it itself, in those cgroups still. */
  CHECK_CONTAINS (capture_output (ARGV ("--ns", "user,cgroup", USERNS_MAPS,
                                        "--cgroup", dir, "--", testbin_path,
                                        "cat-file", "/proc/self/cgroup"),
                                  NULL),
                  want_ns);
}

/*
 * A cwd that is a magic link out of the container (a host process's root
 * or cwd seen through a proc mounted in the container) passes chdir but is
 * refused: the program must never start outside the root.
 */
static void
test_spawn_cwd_outside_root (void)
{
  char *root = make_rootfs ();
  char links[3][64];
  size_t i;

  if (root == NULL)
    return;
  /* this test's own process: on the host, outside the root */
  snprintf (links[0], sizeof (links[0]), "/proc/%d/root", (int) getpid ());
  snprintf (links[1], sizeof (links[1]), "/proc/%d/cwd", (int) getpid ());
  snprintf (links[2], sizeof (links[2]), "/proc/%d/root/tmp", (int) getpid ());
  for (i = 0; i < sizeof (links) / sizeof (links[0]); i++)
    {
      char want[256];

      snprintf (want, sizeof (want), "chdir \"%s\" left the container's root",
                links[i]);
      expect_workload_error (ARGV ("--ns", "mount", "--root", root, "--mount",
                                   "proc", "proc", "/proc", "0xe", "0", "",
                                   "--cwd", links[i], "--",
                                   "/bin/jshim-testbin", "cwd"),
                             NULL, JSHIM_STAGE_CWD, EPERM, want);
    }
  /* the same proc, a link that stays inside: allowed */
  expect_output (ARGV ("--ns", "mount", "--root", root, "--mount", "proc",
                       "proc", "/proc", "0xe", "0", "", "--cwd",
                       "/proc/self/root/bin", "--", "/bin/jshim-testbin",
                       "cwd"),
                 NULL, "/bin\n");
  remove_tree (root);
}

struct exe_probe
{
  int open_errno;     /* errno of open(/proc/PID/exe), 0: it opened */
  int readlink_errno; /* errno of readlink, 0: it worked */
  bool probed;
};

/* As root without CAP_SYS_PTRACE (a container's root by default), open and
   readlink the held workload's /proc/PID/exe. */
static void
probe_exe (pid_t pid, void *arg)
{
  struct exe_probe *probe = arg;
  int pipefd[2];
  pid_t child;
  int codes[2] = { -1, -1 };

  if (pipe (pipefd) < 0)
    return;
  child = fork ();
  if (child == 0)
    {
      struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
      struct __user_cap_data_struct data[2];
      char path[64], target[PATH_MAX];
      int out[2], fd;

      close (pipefd[0]);
      if (syscall (SYS_capget, &hdr, data) < 0)
        _exit (1);
      data[0].effective &= ~(1u << CAP_SYS_PTRACE);
      data[0].permitted &= ~(1u << CAP_SYS_PTRACE);
      if (syscall (SYS_capset, &hdr, data) < 0)
        _exit (1);
      snprintf (path, sizeof (path), "/proc/%d/exe", (int) pid);
      fd = open (path, O_RDONLY | O_CLOEXEC);
      out[0] = fd < 0 ? errno : 0;
      out[1] = readlink (path, target, sizeof (target)) < 0 ? errno : 0;
      if (write (pipefd[1], out, sizeof (out)) != sizeof (out))
        _exit (1);
      _exit (0);
    }
  close (pipefd[1]);
  if (child > 0
      && read (pipefd[0], codes, sizeof (codes)) == sizeof (codes))
    {
      probe->open_errno = codes[0];
      probe->readlink_errno = codes[1];
      probe->probed = true;
    }
  close (pipefd[0]);
  if (child > 0)
    waitpid (child, NULL, 0);
}

/* The held workload runs the helper's binary: nobody without
   CAP_SYS_PTRACE may open it through /proc/PID/exe (CVE-2019-5736). */
static void
test_spawn_held_workload_not_dumpable (void)
{
  struct exe_probe probe = { 0 };
  struct spawn_opts opts = { .out_fd = -1,
                             .after = SEND_GO,
                             .on_ready = probe_exe,
                             .on_ready_arg = &probe };
  struct spawn_result res;
  char mask[32];

  /* the capabilities the probe keeps, as an exec of a container holds
     them: the kernel's capability subset rule alone lets it in */
  {
    struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct data[2];
    unsigned long long permitted;

    if (syscall (SYS_capget, &hdr, data) < 0)
      {
        diag ("capget: %s", strerror (errno));
        current_failed = true;
        return;
      }
    permitted = ((unsigned long long) data[1].permitted << 32)
                | data[0].permitted;
    snprintf (mask, sizeof (mask), "0x%llx",
              permitted & ~(1ULL << CAP_SYS_PTRACE));
  }
  run_spawn (ARGV ("--ns", "pid,mount", "--cap-bounding", mask,
                   "--cap-effective", mask, "--cap-permitted", mask, "--",
                   testbin_path, "exit", "0"),
             default_env, &opts, &res);
  CHECK (probe.probed);
  CHECK_INT (probe.open_errno, EACCES);
  CHECK_INT (probe.readlink_errno, EACCES);
  CHECK_INT (workload_status (&res), 0);
}

static void
test_spawn_cgroup (void)
{
  char v1[128], v2[128], want[160];
  struct spawn_opts opts = { .out_fd = -1, .after = SEND_GO };
  struct spawn_result res;

  snprintf (v1, sizeof (v1), "/sys/fs/cgroup/pids/jshim-test-%d",
            (int) getpid ());
  snprintf (v2, sizeof (v2), "/sys/fs/cgroup/unified/jshim-test-%d",
            (int) getpid ());
  if (mkdir (v1, 0755) < 0)
    diag ("no cgroup v1 pids hierarchy here (%s), skipped", strerror (errno));
  else
    {
      snprintf (want, sizeof (want), ":pids:/jshim-test-%d\n",
                (int) getpid ());
      check_cgroup (v1, want, ":pids:/\n");
      CHECK (rmdir (v1) == 0);
    }
  if (mkdir (v2, 0755) < 0)
    diag ("no cgroup2 at /sys/fs/cgroup/unified (%s), skipped",
          strerror (errno));
  else
    {
      snprintf (want, sizeof (want), "0::/jshim-test-%d\n", (int) getpid ());
      check_cgroup (v2, want, "0::/\n");
      CHECK (rmdir (v2) == 0);
    }

  run_spawn (ARGV ("--cgroup", "/sys/fs/cgroup/pids/jshim-no-such-cgroup",
                   "--", testbin_path, "id"),
             default_env, &opts, &res);
  CHECK (!res.got_pid);
  CHECK_INT (res.errors, 1);
  CHECK_INT (res.err_stage, JSHIM_STAGE_CGROUP);
  CHECK_INT (res.err_errno, ENOENT);
  CHECK_CONTAINS (res.err_msg, "write pid ");
  CHECK_CONTAINS (res.err_msg, " to /sys/fs/cgroup/pids/jshim-no-such-cgroup/"
                               "cgroup.procs (open): No such file or "
                               "directory");
  CHECK_INT (WEXITSTATUS (res.helper_status), 1);
}

static int
cmp_ll (const void *a, const void *b)
{
  long long x = *(const long long *) a, y = *(const long long *) b;
  return (x > y) - (x < y);
}

/* Median spawn-to-READY time in microseconds over RUNS runs. */
static long long
median_ready_usec (char *const argv[], int runs)
{
  long long t[64];
  int i, n = 0;

  for (i = 0; i < runs && i < 64; i++)
    {
      struct spawn_result res;
      int status = run_to_exit (argv, NULL, -1, &res);

      CHECK (res.got_ready && WIFEXITED (status));
      if (res.got_ready)
        t[n++] = res.ready_usec;
    }
  if (n == 0)
    return -1;
  qsort (t, (size_t) n, sizeof (t[0]), cmp_ll);
  return t[n / 2];
}

/* Not a pass/fail check: what a user namespace adds to a start. */
static void
test_spawn_userns_cost (void)
{
  char *root = make_rootfs ();
  long long plain, user, plain_root, user_root;

  if (root == NULL)
    return;
  chown_tree (root, 100000, 100000);
  plain = median_ready_usec (ARGV ("--ns", "pid,mount,ipc,uts", "--",
                                   testbin_path, "exit", "0"),
                             31);
  user = median_ready_usec (ARGV ("--ns", "user,pid,mount,ipc,uts",
                                  USERNS_MAPS, "--", testbin_path, "exit",
                                  "0"),
                            31);
  plain_root = median_ready_usec (ARGV ("--ns", "pid,mount,ipc,uts",
                                        "--root", root, "--",
                                        "/bin/jshim-testbin", "exit", "0"),
                                  31);
  user_root = median_ready_usec (ARGV ("--ns", "user,pid,mount,ipc,uts",
                                       USERNS_MAPS, "--root", root, "--",
                                       "/bin/jshim-testbin", "exit", "0"),
                                 31);
  diag ("spawn to READY, median of 31: pid,mount,ipc,uts %lld us, "
        "+user %lld us; with --root: %lld us, +user %lld us",
        plain, user, plain_root, user_root);
  remove_tree (root);
}

/* ------------------------------------------------------------------ */
/* --console, setsid, exec (join every namespace)                      */

static void
test_record_console (void)
{
  struct jshim_record hdr;
  char msg[JSHIM_RECORD_MSG_MAX + 1];
  unsigned char buf[JSHIM_RECORD_MAX_SIZE];
  const char *text = NULL;
  struct stat want, got;
  int sv[2], p[2], fd = -2;
  size_t n;

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0
      || pipe2 (p, O_CLOEXEC) < 0)
    {
      CHECK (!"socketpair or pipe");
      return;
    }
  CHECK (fstat (p[0], &want) == 0);
  CHECK_INT (jshim_send_pid (sv[1], 77), 0);
  CHECK_INT (jshim_send_console (sv[1], p[0]), 0);
  CHECK_INT (jshim_send_ready (sv[1]), 0);
  /* The descriptor in flight is the sender's no longer. */
  close (p[0]);
  close (p[1]);
  close (sv[1]);

  CHECK_INT (jshim_record_recv (sv[0], &hdr, msg, sizeof (msg), &fd), 1);
  CHECK_INT (hdr.type, JSHIM_REC_PID);
  CHECK_INT (hdr.value, 77);
  CHECK_INT (fd, -1);
  CHECK_INT (jshim_record_recv (sv[0], &hdr, msg, sizeof (msg), &fd), 1);
  CHECK_INT (hdr.type, JSHIM_REC_CONSOLE);
  CHECK_INT (hdr.value, 0);
  CHECK_INT (hdr.err, 0);
  CHECK_INT (hdr.len, 0);
  CHECK (fd >= 0);
  if (fd >= 0)
    {
      CHECK (fstat (fd, &got) == 0 && got.st_ino == want.st_ino
             && got.st_dev == want.st_dev);
      CHECK (fcntl (fd, F_GETFD) & FD_CLOEXEC);
      close (fd);
    }
  CHECK_INT (jshim_record_recv (sv[0], &hdr, msg, sizeof (msg), &fd), 1);
  CHECK_INT (hdr.type, JSHIM_REC_READY);
  CHECK_INT (fd, -1);
  CHECK_INT (jshim_record_recv (sv[0], &hdr, msg, sizeof (msg), &fd), 0);
  close (sv[0]);

  /* A CONSOLE header that comes without a descriptor is a protocol
     error. */
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    {
      CHECK (!"socketpair");
      return;
    }
  CHECK_INT (jshim_record_send (sv[1], JSHIM_REC_CONSOLE, 0, 0, NULL, 0), 0);
  errno = 0;
  CHECK_INT (jshim_record_recv (sv[0], &hdr, msg, sizeof (msg), &fd), -1);
  CHECK_INT (errno, EPROTO);
  CHECK_INT (fd, -1);
  close (sv[0]);
  close (sv[1]);

  /* Types 4 and 5 are record types, 6 is not. */
  n = jshim_record_encode (buf, sizeof (buf), JSHIM_REC_CONSOLE, 0, 0, NULL,
                           0);
  CHECK_INT (n, 16);
  CHECK_INT (jshim_record_decode (buf, n, &hdr, &text), 16);
  CHECK_INT (hdr.type, 4);
  n = jshim_record_encode (buf, sizeof (buf), JSHIM_REC_HOOKS, 0, 0, NULL, 0);
  CHECK_INT (jshim_record_decode (buf, n, &hdr, &text), 16);
  CHECK_INT (hdr.type, 5);
  n = jshim_record_encode (buf, sizeof (buf), 6, 0, 0, NULL, 0);
  CHECK_INT (jshim_record_decode (buf, n, &hdr, &text), -1);
}

/* --hook parsing: counts, argv[0] defaulting to the path, kinds, paths. */
static void
test_hook_parse (void)
{
  char *ok[] = { "x", "--hook", "poststop", "5", "/bin/sh", "2", "sh", "-c",
                 "1", "A=1", "--next" };
  char *noargs[] = { "x", "--hook", "prestart", "0", "/bin/true", "0", "0" };
  char *relative[] = { "x", "--hook", "prestart", "0", "bin/true", "0", "0" };
  char *kind[] = { "x", "--hook", "preStart", "0", "/bin/true", "0", "0" };
  char *short_env[] = { "x", "--hook", "poststop", "0", "/bin/true", "0", "2",
                        "A=1" };
  struct jshim_hook h;
  jshim_error_t err;
  int i = 1;

  CHECK_INT (jshim_parse_hook (11, ok, &i, &h, &err), 0);
  CHECK_INT (i, 9);
  CHECK_INT (h.kind, JSHIM_HOOK_POSTSTOP);
  CHECK_INT ((int) h.timeout, 5);
  CHECK_STR (h.argv[0], "sh");
  CHECK_STR (h.argv[1], "-c");
  CHECK (h.argv[2] == NULL);
  CHECK_STR (h.envp[0], "A=1");
  CHECK (h.envp[1] == NULL);
  i = 1;
  CHECK_INT (jshim_parse_hook (7, noargs, &i, &h, &err), 0);
  CHECK_STR (h.argv[0], "/bin/true");
  CHECK (h.envp[0] == NULL);
  i = 1;
  CHECK_INT (jshim_parse_hook (7, relative, &i, &h, &err), -1);
  CHECK_CONTAINS (err.msg, "absolute");
  i = 1;
  CHECK_INT (jshim_parse_hook (7, kind, &i, &h, &err), -1);
  CHECK_CONTAINS (err.msg, "preStart");
  i = 1;
  CHECK_INT (jshim_parse_hook (8, short_env, &i, &h, &err), -1);
  CHECK_CONTAINS (err.msg, "NENV");
}

/* The state JSON gets status and pid in front. */
static void
test_hook_state (void)
{
  char *s = jshim_hook_state ("{\"id\":\"c\"}", "creating", 1);

  CHECK_STR (s, "{\"status\":\"creating\",\"pid\":1,\"id\":\"c\"}");
  free (s);
  s = jshim_hook_state ("{}", "created", 42);
  CHECK_STR (s, "{\"status\":\"created\",\"pid\":42}");
  free (s);
  CHECK (jshim_hook_state ("[]", "x", 1) == NULL);
}

/* Running a hook: stdin, exact env, exit status, timeout, exec failure,
   and a large stderr that must not stall it. */
static void
test_hook_run (void)
{
  char *cat_argv[] = { "sh", "-c",
                       "read l; [ \"$l\" = '{}' ] "
                       "&& [ \"$(env | grep -v ^PWD=)\" = 'K=V' ] "
                       "|| exit 9", NULL };
  char *env[] = { "K=V", NULL };
  char *fail_argv[] = { "sh", "-c", "echo out; echo err >&2; exit 3", NULL };
  char *slow_argv[] = { "sh", "-c", "exec sleep 10", NULL };
  char *flood_argv[] = { "sh", "-c", "head -c 300000 /dev/zero >&2; exit 0",
                         NULL };
  char *none[] = { NULL };
  struct jshim_hook h = { JSHIM_HOOK_POSTSTOP, 0, "/bin/sh", cat_argv, env };
  jshim_error_t err;
  time_t start;

  jshim_error_clear (&err);
  CHECK_INT (jshim_hook_run (&h, 0, "{}", "/", &err), 0);
  h.argv = fail_argv;
  h.envp = none;
  CHECK_INT (jshim_hook_run (&h, 2, "{}", NULL, &err), -1);
  CHECK_INT (err.stage, JSHIM_STAGE_HOOK);
  CHECK_CONTAINS (err.msg, "poststop hook #2 (/bin/sh) exited with status 3");
  CHECK_CONTAINS (err.msg, "stdout: \"out\", stderr: \"err\"");
  h.argv = slow_argv;
  h.timeout = 1;
  start = time (NULL);
  CHECK_INT (jshim_hook_run (&h, 0, "{}", NULL, &err), -1);
  CHECK (time (NULL) - start < 5);
  CHECK_CONTAINS (err.msg, "timeout of 1 s");
  h.timeout = 0;
  h.argv = flood_argv;
  CHECK_INT (jshim_hook_run (&h, 0, "{}", NULL, &err), 0);
  h.path = "/nonexistent/hook";
  CHECK_INT (jshim_hook_run (&h, 0, "{}", NULL, &err), -1);
  CHECK_INT (err.err, ENOENT);
  CHECK_CONTAINS (err.msg, "execve /nonexistent/hook");
}

/* Run jshim-testbin directly with stdin /dev/null; expect exit CODE and
   EXPECTED on stdout and stderr (NULL: any output). */
static void
expect_testbin_output (char *const argv[], int code, const char *expected)
{
  int out = make_output_file ();
  int status = -1;
  pid_t pid;

  if (out < 0)
    return;
  fflush (stdout);
  pid = fork ();
  if (pid == 0)
    {
      int null = open ("/dev/null", O_RDONLY);

      if (null < 0 || dup2 (null, 0) < 0 || dup2 (out, 1) < 0
          || dup2 (out, 2) < 0)
        _exit (120);
      execv (testbin_path, argv);
      _exit (122);
    }
  if (pid < 0 || wait_exit (pid, 20000, &status) < 0)
    current_failed = true;
  CHECK (WIFEXITED (status));
  CHECK_INT (WEXITSTATUS (status), code);
  if (expected != NULL)
    CHECK_STR (read_output (out), expected);
  close (out);
}

static void
test_testbin_console_commands (void)
{
  char *flood[] = { "jshim-testbin", "flood", "1000000", NULL };
  char *flood_short[] = { "jshim-testbin", "flood", "130", NULL };
  char *flood_none[] = { "jshim-testbin", "flood", "0", NULL };
  char *flood_big[] = { "jshim-testbin", "flood", "9223372036854775809",
                        NULL };
  char *print[] = { "jshim-testbin", "print", "a\\tb", "c\\\\d\\n", "\\q",
                    NULL };
  static const char line[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_\n";
  char buf[4096], want[256];
  struct stat st;
  off_t off;
  int out, status;

  out = make_output_file ();
  if (out < 0)
    return;
  status = run_testbin (flood, out);
  CHECK (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  CHECK (fstat (out, &st) == 0);
  CHECK_INT (st.st_size, 1000000);
  /* Every 64-byte line is the same; 1000000 = 15625 * 64. */
  for (off = 0; off < 1000000; off += (off_t) sizeof (buf))
    {
      ssize_t n = pread (out, buf, sizeof (buf), off);
      ssize_t i;

      CHECK (n > 0 && n % 64 == 0);
      for (i = 0; n > 0 && i < n; i += 64)
        if (memcmp (buf + i, line, 64) != 0)
          {
            CHECK (!"flood line differs");
            break;
          }
    }
  close (out);

  out = make_output_file ();
  if (out < 0)
    return;
  status = run_testbin (flood_short, out);
  CHECK (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  snprintf (want, sizeof (want), "%s%s01", line, line);
  CHECK_STR (read_output (out), want);
  close (out);

  expect_testbin_output (flood_none, 0, "");
  expect_testbin_output (flood_big, 2, NULL);
  expect_testbin_output (print, 0, "a\tb c\\d\n \\q");
  {
    char *argv[] = { "jshim-testbin", "print", NULL };

    expect_testbin_output (argv, 0, "");
  }
  {
    char *argv[] = { "jshim-testbin", "read-lines", NULL };

    expect_testbin_output (argv, 0, "lines=0 bytes=0\n");
  }
  {
    char *argv[] = { "jshim-testbin", "tty", NULL };

    expect_testbin_output (argv, 1, "not a tty\n");
  }
  {
    char *argv[] = { "jshim-testbin", "winsize", NULL };

    expect_testbin_output (argv, 1,
                           "jshim-testbin: TIOCGWINSZ on fd 0: "
                           "Inappropriate ioctl for device\n");
  }
  {
    char *argv[] = { "jshim-testbin", "sigwinch", "0.1", NULL };

    expect_testbin_output (argv, 1, "no SIGWINCH\n");
  }
}

/* Pid, process group and session of PID from /proc/PID/stat. */
static bool
proc_ids (pid_t pid, int *ppid, int *pgrp, int *sid)
{
  const char *stat = proc_text (pid, "stat");
  const char *p = strrchr (stat, ')');
  char state;

  return p != NULL
         && sscanf (p + 1, " %c %d %d %d", &state, ppid, pgrp, sid) == 4;
}

struct session_check
{
  bool called;
};

static void
check_own_session (pid_t pid, void *arg)
{
  struct session_check *c = arg;
  int ppid = 0, pgrp = 0, sid = 0;

  c->called = true;
  CHECK (proc_ids (pid, &ppid, &pgrp, &sid));
  CHECK_INT (ppid, getpid ());
  CHECK_INT (sid, pid);
  CHECK_INT (pgrp, pid);
}

static void
expect_own_session (char *const argv[])
{
  struct session_check c = { false };
  struct spawn_opts opts = { .out_fd = -1,
                             .after = SEND_GO,
                             .on_ready = check_own_session,
                             .on_ready_arg = &c };
  struct spawn_result res;
  int status;

  run_spawn (argv, default_env, &opts, &res);
  check_no_errors (&res);
  CHECK (res.got_ready);
  CHECK (c.called);
  /* Reaped first: closing the master hangs up the session. */
  status = workload_status (&res);
  CHECK (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  if (res.console_fd >= 0)
    close (res.console_fd);
}

/* Every workload leads a session of its own (it is not ours). */
static void
test_spawn_setsid (void)
{
  expect_own_session (ARGV ("--", testbin_path, "exit", "0"));
  if (privileged)
    expect_own_session (ARGV ("--ns", "pid,mount", "--", testbin_path,
                              "exit", "0"));
  if (ptys_work)
    expect_own_session (ARGV ("--console", "--", testbin_path, "exit", "0"));
}

struct console_run
{
  /* With the master, before 'G' (the workload is set up). */
  void (*before_go) (int master, struct console_run *run);
  /* With the master, once the program runs. */
  void (*running) (int master, struct console_run *run);
  pid_t pid;
  int status;
  int ptn;          /* TIOCGPTN of the master: N of /dev/pts/N */
  struct stat st;   /* of the master */
  size_t len;
  char out[16384];  /* everything read from the master */
};

/*
 * Append what the console has to RUN->out until NEEDLE shows up, or with
 * NEEDLE NULL until the workload's side is closed (EIO on the master).
 */
static bool
console_read (int master, struct console_run *run, const char *needle)
{
  while (needle == NULL || strstr (run->out, needle) == NULL)
    {
      struct pollfd pfd = { .fd = master, .events = POLLIN };
      ssize_t n;
      int r = poll (&pfd, 1, 20000);

      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        {
          diag ("timed out reading the console (have \"%s\")", run->out);
          return false;
        }
      n = read (master, run->out + run->len, sizeof (run->out) - 1 - run->len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          if (needle != NULL)
            diag ("console closed before \"%s\" (have \"%s\")", needle,
                  run->out);
          return needle == NULL;
        }
      run->len += (size_t) n;
      run->out[run->len] = '\0';
      if (run->len == sizeof (run->out) - 1)
        {
          diag ("console output too long");
          return false;
        }
    }
  return true;
}

static void
console_write (int master, const char *text)
{
  size_t len = strlen (text);

  CHECK (write (master, text, len) == (ssize_t) len);
}

struct console_ctx
{
  struct console_run *run;
  struct spawn_result *res;
};

static void
console_before_go (pid_t pid, void *arg)
{
  struct console_ctx *c = arg;

  (void) pid;
  if (c->res->console_fd >= 0 && c->run->before_go != NULL)
    c->run->before_go (c->res->console_fd, c->run);
}

/* Run ARGV (with --console) to its end; the console output is in
   RUN->out, the wait status in RUN->status. */
static void
run_console (char *const argv[], struct console_run *run)
{
  struct spawn_result res;
  struct console_ctx ctx = { run, &res };
  struct spawn_opts opts = { .out_fd = -1,
                             .after = SEND_GO,
                             .on_ready = console_before_go,
                             .on_ready_arg = &ctx };
  int master;

  run->len = 0;
  run->out[0] = '\0';
  run->status = -1;
  run->ptn = -1;
  if (run_spawn (argv, default_env, &opts, &res) < 0)
    return;
  check_no_errors (&res);
  CHECK (res.got_ready);
  CHECK (res.eof);
  CHECK_INT (res.consoles, 1);
  CHECK (!res.console_after_ready);
  master = res.console_fd;
  run->pid = res.pid;
  if (master >= 0)
    {
      CHECK (ioctl (master, TIOCGPTN, &run->ptn) == 0);
      CHECK (fstat (master, &run->st) == 0);
      if (run->running != NULL)
        run->running (master, run);
      CHECK (console_read (master, run, NULL));
      close (master);
    }
  run->status = workload_status (&res);
}

static void
expect_console (char *const argv[], struct console_run *run, int code,
                const char *expected)
{
  run_console (argv, run);
  CHECK (WIFEXITED (run->status));
  CHECK_INT (WEXITSTATUS (run->status), code);
  CHECK_STR (run->out, expected);
}

/* The console of a workload without namespaces: a pty of the host's
   devpts as controlling terminal and stdio; the master is all the helper
   leaves open. */
static void
test_console_plain (void)
{
  struct console_run run = { 0 };
  char want[256];

  run_console (ARGV ("--console", "--", testbin_path, "tty"), &run);
  CHECK (WIFEXITED (run.status) && WEXITSTATUS (run.status) == 0);
  snprintf (want, sizeof (want), "/dev/pts/%d\r\n", run.ptn);
  CHECK_STR (run.out, want);
  CHECK_INT (major (run.st.st_rdev), 5);
  CHECK_INT (minor (run.st.st_rdev), 2);

  run_console (ARGV ("--console", "--", testbin_path, "fdlinks"), &run);
  snprintf (want, sizeof (want),
            "0 -> /dev/pts/%d\r\n1 -> /dev/pts/%d\r\n2 -> /dev/pts/%d\r\n",
            run.ptn, run.ptn, run.ptn);
  CHECK_STR (run.out, want);
  /* It is the controlling terminal: /dev/tty opens it. */
  expect_console (ARGV ("--console", "--", testbin_path, "write-file",
                        "/dev/tty", "via-tty"),
                  &run, 0, "via-ttyok\r\n");
  /* Partial lines come through as they are. */
  expect_console (ARGV ("--console", "--", testbin_path, "print",
                        "no newline\\tat the end"),
                  &run, 0, "no newline\tat the end");
  /* Without --console: the daemon's /dev/null. */
  expect_exit_output (ARGV ("--", testbin_path, "tty"), NULL, 1,
                      "not a tty\n");
}

static void
cat_hello (int master, struct console_run *run)
{
  console_write (master, "hello\n");
  /* The echo, then cat's copy. */
  CHECK (console_read (master, run, "hello\r\nhello\r\n"));
  console_write (master, "\x04");
}

static void
two_lines_and_eof (int master, struct console_run *run)
{
  (void) run;
  console_write (master, "one\ntwo\n\x04");
}

/* The daemon's side writes to the master and reads the program's output
   from it; VEOF there is the program's end of input. */
static void
test_console_io (void)
{
  struct console_run run = { .running = cat_hello };

  run_console (ARGV ("--console", "--", testbin_path, "cat"), &run);
  CHECK (WIFEXITED (run.status) && WEXITSTATUS (run.status) == 0);
  CHECK_STR (run.out, "hello\r\nhello\r\n");

  run.running = two_lines_and_eof;
  run_console (ARGV ("--console", "--", testbin_path, "read-lines"), &run);
  CHECK (WIFEXITED (run.status) && WEXITSTATUS (run.status) == 0);
  CHECK_CONTAINS (run.out, "lines=2 bytes=8\r\n");
}

static void
set_winsize (int master, unsigned short rows, unsigned short cols)
{
  struct winsize ws = { .ws_row = rows, .ws_col = cols };

  CHECK (ioctl (master, TIOCSWINSZ, &ws) == 0);
}

static void
winsize_33x101 (int master, struct console_run *run)
{
  (void) run;
  set_winsize (master, 33, 101);
}

/* SIGWINCH is ignored by default: wait until the program catches it
   (SigCgt), then change the size. */
static void
resize_when_waiting (int master, struct console_run *run)
{
  int waited;

  for (waited = 0; waited < 10000; waited += 5)
    {
      const char *line = strstr (proc_text (run->pid, "status"), "SigCgt:");
      unsigned long long caught = 0;

      if (line != NULL && sscanf (line, "SigCgt: %llx", &caught) == 1
          && (caught & (1ULL << (SIGWINCH - 1))))
        break;
      usleep (5000);
    }
  CHECK (waited < 10000);
  set_winsize (master, 40, 120);
}

static void
test_console_winsize (void)
{
  struct console_run run = { .before_go = winsize_33x101 };

  /* A size set before 'G' is the program's from the start. */
  expect_console (ARGV ("--console", "--", testbin_path, "winsize"), &run, 0,
                  "33 101\r\n");
  /* A later change reaches it as SIGWINCH (it is the foreground process
     group of its terminal). */
  run.before_go = NULL;
  run.running = resize_when_waiting;
  expect_console (ARGV ("--console", "--", testbin_path, "sigwinch", "10"),
                  &run, 0, "40 120\r\n");
  run.running = NULL;
  expect_console (ARGV ("--console", "--", testbin_path, "sigwinch", "0.1"),
                  &run, 1, "no SIGWINCH\r\n");
}

/* st_dev of PATH, 0 when it cannot be stat'ed. */
static dev_t
dev_of (const char *path)
{
  struct stat st;

  return stat (path, &st) == 0 ? st.st_dev : 0;
}

/*
 * A container with a devpts of its own (runc's mounts, /dev/ptmx ->
 * pts/ptmx): the console comes from there, not from the host's devpts.
 */
static void
test_console_container (void)
{
  char *root = make_rootfs ();
  char *host = make_host_dir ();
  struct console_run run = { 0 };
  struct spawn_result res;
  struct argv_buf a;
  int pass, status;

  if (root == NULL || host == NULL)
    goto out;
  for (pass = 0; pass < 2; pass++)
    {
      bool userns = pass == 1;

      if (userns)
        chown_tree (root, 100000, 100000);
      av_runc_setup (&a, root, host, userns);
      av_add (&a, "--console");
      av_add (&a, "--uid");
      av_add (&a, "1000");
      expect_console (WITH_CMD (a, "tty"), &run, 0, "/dev/pts/0\r\n");
      CHECK_INT (run.ptn, 0);
      CHECK (run.st.st_dev != dev_of ("/dev/pts"));
      CHECK (run.st.st_dev != dev_of ("/dev"));
      CHECK_INT (major (run.st.st_rdev), 5);
      CHECK_INT (minor (run.st.st_rdev), 2);
      /* Opened as root before the user switch; the program runs as
         1000. */
      expect_console (WITH_CMD (a, "id"), &run, 0, "uid=1000 gid=0\r\n");
    }

  /* No /dev/ptmx in the root: stage CONSOLE, no CONSOLE record. */
  status = run_to_exit (ARGV ("--ns", "pid,mount", "--root", root,
                              "--console", "--", "/bin/jshim-testbin",
                              "tty"),
                        NULL, -1, &res);
  CHECK (!res.got_ready);
  CHECK_INT (res.consoles, 0);
  CHECK_INT (res.errors, 1);
  CHECK_INT (res.err_stage, JSHIM_STAGE_CONSOLE);
  CHECK_INT (res.err_errno, ENOENT);
  CHECK_STR (res.err_msg, "open /dev/ptmx: No such file or directory");
  CHECK (WIFEXITED (status));
  CHECK_INT (WEXITSTATUS (status), JSHIM_WORKLOAD_EXIT_SETUP);

out:
  remove_tree (host);
  remove_tree (root);
}

/* "--join TYPE=/proc/PID/ns/TYPE" for each of TYPES, then EXTRA, "--" and
   CMD: how jshim runs a process in a running container. */
static char **
exec_argv (struct argv_buf *a, pid_t pid, const char *const types[],
           char *const extra[], const char *const cmd[])
{
  int i;

  a->n = 0;
  a->used = 0;
  for (i = 0; types[i] != NULL; i++)
    {
      av_add (a, "--join");
      av_add (a, "%s=/proc/%d/ns/%s", types[i], (int) pid, types[i]);
    }
  for (i = 0; extra != NULL && extra[i] != NULL; i++)
    av_add (a, "%s", extra[i]);
  av_add (a, "--");
  for (i = 0; cmd[i] != NULL; i++)
    av_add (a, "%s", cmd[i]);
  return a->v;
}

#define EXEC(a, pid, types, extra, ...)                                     \
  exec_argv (&(a), (pid), (types), (extra),                                 \
             (const char *[]){ "/bin/jshim-testbin", __VA_ARGS__, NULL })

/* A rootfs with /marker and /exec-cwd/dir, which the host does not have. */
static char *
make_exec_rootfs (void)
{
  char *root = make_rootfs ();
  char path[PATH_MAX + 64];

  if (root == NULL)
    return NULL;
  snprintf (path, sizeof (path), "%s/marker", root);
  CHECK (write_file (path, "in the container\n", 0644) == 0);
  snprintf (path, sizeof (path), "%s/exec-cwd", root);
  CHECK (mkdir (path, 0755) == 0);
  snprintf (path, sizeof (path), "%s/exec-cwd/dir", root);
  CHECK (mkdir (path, 0755) == 0);
  CHECK (!path_exists ("/exec-cwd"));
  return root;
}

/* The exec sees every namespace of SLEEPER, its root and its /proc. */
static void
check_exec (pid_t sleeper, const char *const types[], char *const extra[])
{
  struct argv_buf a;
  char want[128], link[64];
  const char *out;
  long pid = 0;
  int i;

  for (i = 0; types[i] != NULL; i++)
    {
      char fmt[64];

      snprintf (fmt, sizeof (fmt), "/proc/%%d/ns/%s", types[i]);
      snprintf (want, sizeof (want), "%s\n",
                read_link (fmt, sleeper, link, sizeof (link)));
      expect_output (EXEC (a, sleeper, types, extra, "ns", types[i]), NULL,
                     want);
    }
  expect_output (EXEC (a, sleeper, types, extra, "hostname"), NULL, "box\n");
  expect_output (EXEC (a, sleeper, types, extra, "cat-file", "/marker"),
                 NULL, "in the container\n");
  /* In the container's pid namespace, below its pid 1 but not its child
     (the parent is the daemon, outside); /proc is the container's. */
  out = capture_output (EXEC (a, sleeper, types, extra, "pid"), NULL);
  CHECK (sscanf (out, "%ld", &pid) == 1 && pid > 1);
  expect_output (EXEC (a, sleeper, types, extra, "ppid"), NULL, "0\n");
  expect_output (EXEC (a, sleeper, types, extra, "cat-file", "/proc/1/comm"),
                 NULL, "jshim-testbin\n");
  expect_output (EXEC (a, sleeper, types, extra, "fds"), NULL, "0\n1\n2\n");
  /* The working directory is the container's "/" by default, and --cwd
     is looked up inside the container root. */
  expect_output (EXEC (a, sleeper, types, extra, "cwd"), NULL, "/\n");
  {
    char *cwd[16] = { "--cwd", "/exec-cwd/dir" };

    for (i = 0; extra != NULL && extra[i] != NULL && i < 13; i++)
      cwd[i + 2] = extra[i];
    expect_output (EXEC (a, sleeper, types, cwd, "cwd"), NULL,
                   "/exec-cwd/dir\n");
    expect_workload_error (EXEC (a, sleeper, types,
                                 ((char *[]){ "--cwd", "/nope", NULL }),
                                 "cwd"),
                           NULL, JSHIM_STAGE_CWD, ENOENT,
                           "chdir \"/nope\": No such file or directory");
  }
}

/*
 * exec = join every namespace of a running container, no --root: the
 * recipe jshim uses for an exec process.
 */
static void
test_exec_join_all (void)
{
  static const char *const types[] = { "pid", "mnt", "uts", "ipc", "net",
                                       NULL };
  char *root = make_exec_rootfs ();
  struct argv_buf a;
  pid_t sleeper;

  if (root == NULL)
    return;
  sleeper = start_sleeper (ARGV ("--ns", "pid,mount,uts,ipc,net", "--root",
                                 root, "--hostname", "box", "--",
                                 "/bin/jshim-testbin", "sleep", "30"));
  if (sleeper > 0)
    {
      check_exec (sleeper, types, NULL);
      /* The process options apply as usual. */
      expect_output (EXEC (a, sleeper, types,
                           ((char *[]){ "--uid", "1000", "--gid", "1000",
                                        "--groups", "5", "--umask", "077",
                                        "--no-new-privs", NULL }),
                           "status", "NoNewPrivs"),
                     NULL, "1\n");
      expect_output (EXEC (a, sleeper, types,
                           ((char *[]){ "--uid", "1000", "--gid", "1000",
                                        NULL }),
                           "id"),
                     NULL, "uid=1000 gid=1000\n");
      /* The order of the joins does not matter. */
      {
        static const char *const reversed[] = { "net", "ipc", "uts", "mnt",
                                                "pid", NULL };

        expect_output (EXEC (a, sleeper, reversed, NULL, "cat-file",
                             "/marker"),
                       NULL, "in the container\n");
      }
    }
  stop_sleeper (sleeper);
  remove_tree (root);
}

/* The same in a container with a user namespace (and a cgroup one): the
   exec joins those too and is the container's root. */
static void
test_exec_join_all_userns (void)
{
  static const char *const types[] = { "user", "pid", "mnt", "uts", "ipc",
                                       "net", "cgroup", NULL };
  char *root = make_exec_rootfs ();
  char uid_map[256], gid_map[256];
  struct argv_buf a;
  pid_t sleeper;

  if (root == NULL)
    return;
  chown_tree (root, 100000, 100000);
  sleeper = start_sleeper (ARGV ("--ns", "user,pid,mount,uts,ipc,net,cgroup",
                                 USERNS_MAPS, "--root", root, "--hostname",
                                 "box", "--", "/bin/jshim-testbin", "sleep",
                                 "30"));
  if (sleeper > 0)
    {
      char *as_root[] = { "--uid", "0", NULL };

      snprintf (uid_map, sizeof (uid_map), "%s", proc_text (sleeper,
                                                            "uid_map"));
      snprintf (gid_map, sizeof (gid_map), "%s", proc_text (sleeper,
                                                            "gid_map"));
      CHECK_CONTAINS (uid_map, "100000");
      check_exec (sleeper, types, as_root);
      expect_output (EXEC (a, sleeper, types, as_root, "id"), NULL,
                     "uid=0 gid=0\n");
      expect_output (EXEC (a, sleeper, types, as_root, "cat-file",
                           "/proc/self/uid_map"),
                     NULL, uid_map);
      expect_output (EXEC (a, sleeper, types, as_root, "cat-file",
                           "/proc/self/gid_map"),
                     NULL, gid_map);
      expect_output (EXEC (a, sleeper, types,
                           ((char *[]){ "--uid", "1000", "--gid", "1000",
                                        NULL }),
                           "id"),
                     NULL, "uid=1000 gid=1000\n");
    }
  stop_sleeper (sleeper);
  remove_tree (root);
}

/* A sleeper started with --console; *MASTER is its console. */
static pid_t
start_console_sleeper (char *const argv[], int *master)
{
  struct spawn_result res;
  struct spawn_opts opts = { .out_fd = -1, .after = SEND_GO };

  *master = -1;
  if (run_spawn (argv, default_env, &opts, &res) < 0)
    return -1;
  check_no_errors (&res);
  CHECK (res.got_pid);
  CHECK (res.got_ready);
  CHECK_INT (res.consoles, 1);
  *master = res.console_fd;
  return res.got_pid && res.got_ready ? res.pid : -1;
}

/* An exec with --console into a container with its own devpts gets a pty
   of that devpts, next to the container's own console. */
static void
test_exec_console (void)
{
  static const char *const types[] = { "pid", "mnt", "uts", "ipc", "net",
                                       NULL };
  static const char *const user_types[] = { "user", "pid", "mnt", "uts",
                                            "ipc", "net", NULL };
  char *root = make_rootfs ();
  char *host = make_host_dir ();
  struct console_run run = { 0 };
  struct argv_buf a, e;
  struct stat first;
  int pass, master = -1;
  pid_t sleeper;

  if (root == NULL || host == NULL)
    goto out;
  for (pass = 0; pass < 2; pass++)
    {
      bool userns = pass == 1;

      if (userns)
        chown_tree (root, 100000, 100000);
      av_runc_setup (&a, root, host, userns);
      av_add (&a, "--console");
      av_add (&a, "--hostname");
      av_add (&a, "box");
      sleeper = start_console_sleeper (WITH_CMD (a, "sleep", "30"), &master);
      if (sleeper <= 0 || master < 0)
        {
          stop_sleeper (sleeper);
          break;
        }
      CHECK (fstat (master, &first) == 0);
      CHECK (first.st_dev != dev_of ("/dev/pts"));
      expect_console (EXEC (e, sleeper, userns ? user_types : types,
                            ((char *[]){ "--console", NULL }), "tty"),
                      &run, 0, "/dev/pts/1\r\n");
      CHECK_INT (run.ptn, 1);
      CHECK (run.st.st_dev == first.st_dev);
      expect_console (EXEC (e, sleeper, userns ? user_types : types,
                            ((char *[]){ "--console", NULL }), "hostname"),
                      &run, 0, "box\r\n");
      /* Without --console the exec has the daemon's stdio. */
      expect_exit_output (EXEC (e, sleeper, userns ? user_types : types,
                                NULL, "tty"),
                          NULL, 1, "not a tty\n");
      close (master);
      stop_sleeper (sleeper);
    }

out:
  remove_tree (host);
  remove_tree (root);
}

/* ------------------------------------------------------------------ */

static bool
namespaces_work (void)
{
  pid_t pid = fork ();
  int status;

  if (pid < 0)
    return false;
  if (pid == 0)
    _exit (unshare (CLONE_NEWUTS | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC)
               == 0
               ? 0
               : 1);
  if (waitpid (pid, &status, 0) != pid)
    return false;
  return WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

#include "test_attrs.c"
#include "test_seccomp.c"

/* ------------------------------------------------------------------ */
/* --run: a program run to completion, its end reported               */

static void
run_mode (const char *const *args, struct spawn_result *res)
{
  char *argv[16];
  size_t n = 0;
  struct spawn_opts opts = { .out_fd = -1, .after = SEND_GO };

  argv[n++] = spawn_path;
  argv[n++] = (char *) "--run";
  for (; *args != NULL && n < 15; args++)
    argv[n++] = (char *) *args;
  argv[n] = NULL;
  run_spawn (argv, (char *[]){ NULL }, &opts, res);
}

static void
test_run_exit_zero (void)
{
  struct spawn_result res;

  run_mode ((const char *[]){ "--", "/bin/sh", "-c", "exit 0", NULL }, &res);
  CHECK (res.got_ready);
  CHECK (!res.got_pid);
  CHECK_INT (res.errors, 0);
  CHECK (WIFEXITED (res.helper_status) && WEXITSTATUS (res.helper_status) == 0);
}

static void
test_run_exit_status (void)
{
  struct spawn_result res;

  run_mode ((const char *[]){ "--", "/bin/sh", "-c", "exit 7", NULL }, &res);
  CHECK (!res.got_ready);
  CHECK_INT (res.errors, 1);
  CHECK_INT (res.err_stage, JSHIM_STAGE_RUN);
  CHECK_STR (res.err_msg, "/bin/sh exited with status 7");
  run_mode ((const char *[]){ "--", "/bin/sh", "-c", "kill -TERM $$", NULL },
            &res);
  CHECK_INT (res.err_stage, JSHIM_STAGE_RUN);
  CHECK_STR (res.err_msg, "/bin/sh was killed by signal 15");
}

static void
test_run_timeout (void)
{
  struct spawn_result res;
  long long start = now_usec ();

  run_mode ((const char *[]){ "--timeout", "1", "--", "/bin/sh", "-c",
                              "exec sleep 20", NULL },
            &res);
  CHECK_INT (res.err_stage, JSHIM_STAGE_RUN);
  CHECK_INT (res.err_errno, ETIMEDOUT);
  CHECK_STR (res.err_msg, "/bin/sh did not finish within 1 s and was killed");
  CHECK (now_usec () - start < 10 * 1000000LL);
}

/* The sync socket and what the helper got above it stay out of the
   program (the harness leaves a stray fd 20 in the helper). */
static void
test_run_closes_fds (void)
{
  struct spawn_result res;

  run_mode ((const char *[]){ "--", "/bin/sh", "-c",
                              "[ -e /proc/$$/fd/3 ] || [ -e /proc/$$/fd/20 ] "
                              "&& exit 5; exit 0",
                              NULL },
            &res);
  CHECK (res.got_ready);
  CHECK_INT (res.errors, 0);
}

static void
test_run_bad_args (void)
{
  struct spawn_result res;

  run_mode ((const char *[]){ "--bogus", "--", "/bin/true", NULL }, &res);
  CHECK_INT (res.err_stage, JSHIM_STAGE_ARGS);
  CHECK_CONTAINS (res.err_msg, "unknown option \"--bogus\"");
  run_mode ((const char *[]){ "--", "true", NULL }, &res);
  CHECK_INT (res.err_stage, JSHIM_STAGE_ARGS);
  CHECK_CONTAINS (res.err_msg, "expected an absolute path");
  run_mode ((const char *[]){ "--fds", "x", "--", "/bin/true", NULL }, &res);
  CHECK_INT (res.err_stage, JSHIM_STAGE_ARGS);
  CHECK_CONTAINS (res.err_msg, "invalid --fds \"x\"");
  run_mode ((const char *[]){ "--", "/nonexistent/criu", NULL }, &res);
  CHECK_INT (res.err_stage, JSHIM_STAGE_EXEC);
  CHECK_INT (res.err_errno, ENOENT);
}

int
main (int argc, char **argv)
{
  const char *dir = argc > 1 ? argv[1] : getenv ("JSHIM_NATIVE_OUT");

  if (dir == NULL || *dir == '\0')
    {
      fprintf (stderr, "usage: test_native OUT_DIR (or set JSHIM_NATIVE_OUT)\n");
      return 2;
    }
  if (realpath (dir, out_dir) == NULL)
    {
      fprintf (stderr, "test_native: %s: %s\n", dir, strerror (errno));
      return 2;
    }
  snprintf (spawn_path, sizeof (spawn_path), "%s/jshim-spawn", out_dir);
  snprintf (testbin_path, sizeof (testbin_path), "%s/jshim-testbin", out_dir);
  if (access (spawn_path, X_OK) < 0 || access (testbin_path, X_OK) < 0)
    {
      fprintf (stderr, "test_native: %s must hold jshim-spawn and "
               "jshim-testbin\n", out_dir);
      return 2;
    }

  /* Default signal state, so the tests do not depend on who started us. */
  signal (SIGPIPE, SIG_IGN);
  signal (SIGCHLD, SIG_DFL);
  alarm (600);
  verbose = getenv ("JSHIM_TEST_VERBOSE") != NULL
            && strcmp (getenv ("JSHIM_TEST_VERBOSE"), "0") != 0;

  if (geteuid () != 0)
    skip_reason = "needs root";
  else if (!namespaces_work ())
    skip_reason = "the kernel refuses new namespaces here";
  else
    privileged = true;

  {
    int fd = open ("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);

    ptys_work = fd >= 0;
    if (fd >= 0)
      close (fd);
  }

  run_test ("ns: parse names", test_ns_parse_names, NEED_NOTHING);
  run_test ("ns: aliases mnt and net", test_ns_parse_aliases, NEED_NOTHING);
  run_test ("ns: unknown names rejected", test_ns_parse_unknown, NEED_NOTHING);
  run_test ("ns: user accepted, names", test_ns_parse_user, NEED_NOTHING);
  run_test ("ns: clone flags text", test_clone_flags_text, NEED_NOTHING);
  run_test ("error: message format", test_error_format, NEED_NOTHING);
  run_test ("record: encode/decode round trip", test_record_roundtrip,
            NEED_NOTHING);
  run_test ("record: send/read over a socket", test_record_socket,
            NEED_NOTHING);
  run_test ("path: found in PATH", test_resolve_in_path, NEED_NOTHING);
  run_test ("path: not found", test_resolve_not_found, NEED_NOTHING);
  run_test ("path: name with a slash", test_resolve_with_slash, NEED_NOTHING);
  run_test ("path: default PATH", test_resolve_default_path, NEED_NOTHING);
  run_test ("record: stage names RLIMIT ... CONSOLE",
            test_stage_names,
            NEED_NOTHING);
  run_test ("parse: --oom-score-adj", test_parse_oom_score_adj, NEED_NOTHING);
  run_test ("parse: --rlimit", test_parse_rlimit, NEED_NOTHING);
  run_test ("parse: --groups", test_parse_groups, NEED_NOTHING);
  run_test ("parse: --umask", test_parse_umask, NEED_NOTHING);
  run_test ("parse: --cap-* masks", test_parse_cap_mask, NEED_NOTHING);
  run_test ("parse: --sysctl and container paths", test_parse_sysctl,
            NEED_NOTHING);
  run_test ("parse: --mount and --rootfs-propagation", test_parse_mount,
            NEED_NOTHING);
  run_test ("parse: --device", test_parse_device, NEED_NOTHING);
  run_test ("parse: --uid-map and --gid-map", test_parse_idmap, NEED_NOTHING);
  run_test ("parse: --join", test_parse_join, NEED_NOTHING);
  run_test ("inroot: lookups and creation stay inside the root",
            test_inroot_resolution, NEED_NOTHING);
  run_test ("spawn: usage errors", test_helper_usage_errors, NEED_NOTHING);
  run_test ("spawn: --sysctl/--masked/--readonly usage errors",
            test_helper_mount_usage_errors, NEED_NOTHING);
  run_test ("spawn: process option usage errors",
            test_helper_process_usage_errors, NEED_NOTHING);
  run_test ("spawn: usage errors of --mount ... --cgroup",
            test_helper_new_option_usage_errors, NEED_NOTHING);
  run_test ("spawn: --umask and --no-new-privs",
            test_spawn_umask_and_nnp_unprivileged_ok, NEED_NOTHING);
  run_test ("spawn: exit status, no namespaces", test_spawn_plain_exit_status,
            NEED_NOTHING);
  run_test ("spawn: no --cap-* leaves capabilities alone",
            test_spawn_caps_default, NEED_NOTHING);
  run_test ("spawn: missing binary", test_spawn_missing_binary, NEED_NOTHING);
  run_test ("spawn: env and PATH lookup", test_spawn_env_and_path_lookup,
            NEED_NOTHING);
  run_test ("testbin: fdlinks names each fd's target", test_testbin_fdlinks,
            NEED_NOTHING);
  run_test ("spawn: stray fds closed", test_spawn_fds_closed, NEED_NOTHING);
  run_test ("spawn: signal mask and dispositions reset",
            test_spawn_signals_reset, NEED_NOTHING);
  run_test ("spawn: daemon abort gives 126", test_spawn_abort, NEED_NOTHING);
  run_test ("spawn: execve failure gives ERROR and 127",
            test_spawn_exec_failure, NEED_NOTHING);
  run_test ("spawn: cwd", test_spawn_bad_cwd, NEED_NOTHING);
  run_test ("spawn: exit status in uts,pid,mount namespaces",
            test_spawn_ns_exit_status, NEED_ROOT);
  run_test ("spawn: hostname and pid in namespaces",
            test_spawn_hostname_and_pid, NEED_ROOT);
  run_test ("spawn: missing binary in namespaces",
            test_spawn_missing_binary_ns, NEED_ROOT);
  run_test ("spawn: --root with pivot_root", test_spawn_rootfs_pivot,
            NEED_ROOT);
  run_test ("spawn: --root with chroot", test_spawn_rootfs_chroot, NEED_ROOT);
  run_test ("spawn: --uid/--gid", test_spawn_user, NEED_ROOT);
  run_test ("spawn: sethostname failure", test_spawn_bad_hostname, NEED_ROOT);
  run_test ("spawn: clone failure", test_spawn_clone_failure, NEED_ROOT);
  run_test ("spawn: --uid when not root", test_spawn_user_not_root, NEED_ROOT);
  run_test ("spawn: rlimit, umask, groups, no_new_privs, oom_score_adj",
            test_spawn_process_options, NEED_ROOT);
  run_test ("spawn: setrlimit failure gives stage RLIMIT",
            test_spawn_rlimit_failure, NEED_ROOT);
  run_test ("spawn: --groups when not root", test_spawn_groups_not_root,
            NEED_ROOT);
  run_test ("spawn: oom_score_adj failure gives stage PROCESS",
            test_spawn_oom_failure, NEED_ROOT);
  run_test ("spawn: --cap-* with --uid 1000 (ambient)", test_spawn_caps_user,
            NEED_ROOT);
  run_test ("spawn: --cap-* as root", test_spawn_caps_root, NEED_ROOT);
  run_test ("spawn: capability failures give stage CAPS",
            test_spawn_caps_failures, NEED_ROOT);
  run_test ("spawn: --sysctl", test_spawn_sysctl, NEED_ROOT);
  run_test ("spawn: --masked", test_spawn_masked, NEED_ROOT);
  run_test ("spawn: --readonly", test_spawn_readonly, NEED_ROOT);
  run_test ("spawn: --root-readonly", test_spawn_root_readonly, NEED_ROOT);
  run_test ("spawn: runc's default mounts, devices and links",
            test_spawn_runc_mounts, NEED_ROOT);
  run_test ("spawn: a --mount list replaces the automatic /proc",
            test_spawn_mount_list_authoritative, NEED_ROOT);
  run_test ("spawn: file binds, remounts, propagation, mount errors",
            test_spawn_mount_kinds, NEED_ROOT);
  run_test ("spawn: hostile root symlinks stay inside the root",
            test_spawn_hostile_rootfs, NEED_ROOT);
  run_test ("spawn: --masked with the /dev/null of --device",
            test_spawn_masked_with_device, NEED_ROOT);
  run_test ("spawn: --rootfs-propagation", test_spawn_rootfs_propagation,
            NEED_ROOT);
  run_test ("spawn: user namespace ids and maps", test_spawn_userns,
            NEED_ROOT);
  run_test ("spawn: runc's mounts and devices in a user namespace",
            test_spawn_userns_mounts, NEED_ROOT);
  run_test ("spawn: user namespace failures", test_spawn_userns_failures,
            NEED_ROOT);
  run_test ("spawn: --ns user unshares the other namespaces as uid 0",
            test_spawn_userns_unshare, NEED_ROOT);
  run_test ("spawn: a failed unshare in a user namespace is stage CLONE",
            test_spawn_userns_unshare_failure, NEED_ROOT);
  run_test ("spawn: --join", test_spawn_join, NEED_ROOT);
  run_test ("spawn: --cgroup", test_spawn_cgroup, NEED_ROOT);
  run_test ("spawn: a cwd that leads out of the root is refused",
            test_spawn_cwd_outside_root, NEED_ROOT);
  run_test ("spawn: a held workload's /proc/PID/exe cannot be opened",
            test_spawn_held_workload_not_dumpable, NEED_ROOT);
  run_test ("record: CONSOLE carries a descriptor", test_record_console,
            NEED_NOTHING);
  run_test ("hooks: --hook parsing", test_hook_parse, NEED_NOTHING);
  run_test ("run: status 0 is READY", test_run_exit_zero, NEED_NOTHING);
  run_test ("run: status and signal are RUN errors", test_run_exit_status,
            NEED_NOTHING);
  run_test ("run: timeout kills", test_run_timeout, NEED_NOTHING);
  run_test ("run: sync socket and stray fds closed", test_run_closes_fds,
            NEED_NOTHING);
  run_test ("run: bad arguments, missing program", test_run_bad_args,
            NEED_NOTHING);
  run_test ("hooks: state gets status and pid", test_hook_state, NEED_NOTHING);
  run_test ("hooks: stdin, env, status, timeout, exec failure, flood",
            test_hook_run, NEED_NOTHING);
  run_test ("testbin: flood, print, read-lines, tty, winsize, sigwinch",
            test_testbin_console_commands, NEED_NOTHING);
  run_test ("spawn: every workload leads its own session", test_spawn_setsid,
            NEED_NOTHING);
  run_test ("console: a pty of the host as terminal and stdio",
            test_console_plain, NEED_PTY);
  run_test ("console: input, output and end of input through the master",
            test_console_io, NEED_PTY);
  run_test ("console: window size and SIGWINCH", test_console_winsize,
            NEED_PTY);
  run_test ("console: the container's own devpts; no /dev/ptmx is stage "
            "CONSOLE",
            test_console_container, NEED_ROOT);
  run_test ("exec: join every namespace of a container",
            test_exec_join_all, NEED_ROOT);
  run_test ("exec: join every namespace of a user-namespace container",
            test_exec_join_all_userns, NEED_ROOT);
  run_test ("exec: --console into a container with its own devpts",
            test_exec_console, NEED_ROOT);
  run_test ("spawn: cost of a user namespace", test_spawn_userns_cost,
            NEED_ROOT);

  run_attrs_tests ();
  seccomp_tests ();

  printf ("1..%d\n", test_count);
  printf ("%d passed, %d failed\n", pass_count, fail_count);
  return fail_count == 0 ? 0 : 1;
}
