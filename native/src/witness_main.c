/*
 * jshim-exit-witness STATE_DIR DAEMON_PID (see witness.h).
 */
#include "task_files.h"
#include "witness.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define SETTLE_NS 50000000LL
#define NOTICE_GRACE_NS 2000000000LL
#define MAX_WATCHED 4096

/* One recorded init that still ran when the daemon went. */
typedef struct
{
  char id[NAME_MAX + 1];
  char exec_id[NAME_MAX + 1]; /* "" for the init */
  long pid;
  long long start;
  int pidfd;
  bool noticed;
  int status;
  long long settle_at;
  long long exit_seen;
} watched_t;

static watched_t watched[MAX_WATCHED];
static int nwatched;
static char tasks_dir[PATH_MAX];

static long long
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long
epoch_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_REALTIME, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static bool
pidfd_exited (int pidfd)
{
  struct pollfd p = { .fd = pidfd, .events = POLLIN };

  return poll (&p, 1, 0) > 0;
}

/* A netlink socket that receives only the kernel's exit events. */
static int
subscribe (void)
{
  struct sock_filter code[] = {
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS,
              NLMSG_LENGTH (0) + offsetof (struct cn_msg, data)
                  + offsetof (struct proc_event, what)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, htonl (PROC_EVENT_EXIT), 0, 1),
    BPF_STMT (BPF_RET | BPF_K, 0xffffffff),
    BPF_STMT (BPF_RET | BPF_K, 0),
  };
  struct sock_fprog prog = { .len = sizeof (code) / sizeof (code[0]),
                             .filter = code };
  struct sockaddr_nl addr = { .nl_family = AF_NETLINK,
                              .nl_groups = CN_IDX_PROC };
  struct
  {
    struct nlmsghdr hdr;
    struct cn_msg msg;
    enum proc_cn_mcast_op op;
  } __attribute__ ((packed)) req;
  int size = 4 << 20;
  int fd;

  fd = socket (AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
               NETLINK_CONNECTOR);
  if (fd < 0)
    return -1;
  setsockopt (fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof (size));
  memset (&req, 0, sizeof (req));
  req.hdr.nlmsg_len = sizeof (req);
  req.hdr.nlmsg_type = NLMSG_DONE;
  req.msg.id.idx = CN_IDX_PROC;
  req.msg.id.val = CN_VAL_PROC;
  req.msg.len = sizeof (req.op);
  req.op = PROC_CN_MCAST_LISTEN;
  if (setsockopt (fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof (prog)) < 0
      || bind (fd, (struct sockaddr *) &addr, sizeof (addr)) < 0
      || send (fd, &req, sizeof (req), 0) != (ssize_t) sizeof (req))
    {
      close (fd);
      return -1;
    }
  return fd;
}

/* Watches PID if it still has START as its start time. */
static void
watch (const char *id, const char *exec_id, long pid, long long start)
{
  watched_t *w = &watched[nwatched];
  int pidfd;

  if (nwatched >= MAX_WATCHED || jshim_proc_start_time (pid) != start)
    return;
  pidfd = (int) syscall (SYS_pidfd_open, (pid_t) pid, 0);
  if (pidfd < 0)
    return;
  /* the pid may have been reused between the check and the open */
  if (jshim_proc_start_time (pid) != start)
    {
      close (pidfd);
      return;
    }
  memset (w, 0, sizeof (*w));
  snprintf (w->id, sizeof (w->id), "%s", id);
  snprintf (w->exec_id, sizeof (w->exec_id), "%s", exec_id);
  w->pid = pid;
  w->start = start;
  w->pidfd = pidfd;
  w->exit_seen = -1;
  nwatched++;
}

/* The daemon is gone: every recorded process that still runs is watched. */
static void
take_over (void)
{
  DIR *d = opendir (tasks_dir);
  struct dirent *e;

  if (d == NULL)
    return;
  while ((e = readdir (d)) != NULL)
    {
      char path[PATH_MAX], line[PATH_MAX], exec_id[NAME_MAX + 1];
      long pid;
      long long start;
      FILE *f;

      if (e->d_name[0] == '.'
          || snprintf (path, sizeof (path), "%s/%s/cleanup", tasks_dir,
                       e->d_name) >= (int) sizeof (path)
          || (f = fopen (path, "re")) == NULL)
        continue;
      while (fgets (line, sizeof (line), f) != NULL)
        {
          line[strcspn (line, "\n")] = '\0';
          if (jshim_parse_init_line (line, &pid, &start) == 0)
            watch (e->d_name, "", pid, start);
          else if (jshim_parse_exec_line (line, exec_id, sizeof (exec_id),
                                          &pid, &start) == 0)
            watch (e->d_name, exec_id, pid, start);
        }
      fclose (f);
    }
  closedir (d);
}

static void
on_notice (long pid, int status)
{
  for (int i = 0; i < nwatched; i++)
    if (watched[i].pid == pid && pidfd_exited (watched[i].pidfd))
      {
        /* one notice per thread: the last one within the settle time is
           the process's status */
        if (!watched[i].noticed)
          watched[i].settle_at = now_ns () + SETTLE_NS;
        watched[i].noticed = true;
        watched[i].status = status;
      }
}

static void
read_notices (int nl, bool orphaned)
{
  union
  {
    char buf[4096];
    struct nlmsghdr align;
  } u;

  for (;;)
    {
      ssize_t n = recv (nl, u.buf, sizeof (u.buf), MSG_DONTWAIT);
      struct nlmsghdr *h = (struct nlmsghdr *) u.buf;
      struct proc_event *ev;

      if (n < 0)
        return; /* EAGAIN, or ENOBUFS: a dropped notice means unknown */
      if (!orphaned || !NLMSG_OK (h, (size_t) n))
        continue;
      ev = (struct proc_event *) ((struct cn_msg *) NLMSG_DATA (h))->data;
      if (ev->what == PROC_EVENT_EXIT)
        on_notice (ev->event_data.exit.process_tgid,
                   (int) ev->event_data.exit.exit_code);
    }
}

static void
drop (int i)
{
  close (watched[i].pidfd);
  watched[i] = watched[--nwatched];
}

/* Writes what has settled (everything with a notice when FLUSH) and gives
   up on exits whose notice did not come. */
static void
settle (bool flush)
{
  long long now = now_ns ();

  for (int i = 0; i < nwatched;)
    {
      watched_t *w = &watched[i];
      char dir[PATH_MAX];
      jshim_error_t err;

      if (w->noticed && (flush || now >= w->settle_at))
        {
          /* a task deleted meanwhile has no directory: nothing to tell */
          if (snprintf (dir, sizeof (dir), "%s/%s", tasks_dir, w->id)
              < (int) sizeof (dir))
            jshim_witness_write_exit (dir, w->exec_id, w->pid, w->start,
                                      w->status, epoch_ns (), &err);
          drop (i);
          continue;
        }
      if (!w->noticed && pidfd_exited (w->pidfd))
        {
          if (w->exit_seen < 0)
            w->exit_seen = now;
          else if (now - w->exit_seen >= NOTICE_GRACE_NS)
            {
              drop (i);
              continue;
            }
        }
      i++;
    }
}

static int
next_timeout_ms (bool orphaned)
{
  long long now = now_ns (), wait = 1000000000LL;

  if (!orphaned)
    return -1;
  for (int i = 0; i < nwatched; i++)
    if (watched[i].noticed && watched[i].settle_at - now < wait)
      wait = watched[i].settle_at - now;
  return wait <= 0 ? 0 : (int) (wait / 1000000) + 1;
}

int
main (int argc, char **argv)
{
  char self[PATH_MAX], line[64];
  sigset_t mask;
  long daemon_pid;
  int nl, sigfd, daemon_fd;
  bool orphaned = false;
  jshim_error_t err;

  if (argc != 3 || (daemon_pid = strtol (argv[2], NULL, 10)) <= 0)
    {
      fprintf (stderr, "usage: jshim-exit-witness STATE_DIR DAEMON_PID\n");
      return 2;
    }
  /* nothing inherited but stdio; a session of its own, so that a signal to
     the daemon's process group does not reach it */
  syscall (SYS_close_range, 3U, ~0U, 0U);
  setsid ();
  if (snprintf (tasks_dir, sizeof (tasks_dir), "%s/tasks", argv[1])
      >= (int) sizeof (tasks_dir))
    return 2;
  sigemptyset (&mask);
  sigaddset (&mask, SIGTERM);
  sigaddset (&mask, SIGUSR1);
  sigaddset (&mask, SIGHUP);
  sigaddset (&mask, SIGINT);
  sigprocmask (SIG_BLOCK, &mask, NULL);
  sigfd = signalfd (-1, &mask, SFD_CLOEXEC);
  daemon_fd = (int) syscall (SYS_pidfd_open, (pid_t) daemon_pid, 0);
  nl = subscribe ();
  if (sigfd < 0 || daemon_fd < 0 || nl < 0)
    {
      fprintf (stderr, "jshim-exit-witness: cannot watch daemon %ld or "
               "subscribe to exit notices: %s\n", daemon_pid,
               strerror (errno));
      return 1;
    }
  snprintf (line, sizeof (line), "%ld %lld\n", (long) getpid (),
            jshim_proc_start_time (getpid ()));
  if (jshim_write_file_atomic (argv[1], JSHIM_WITNESS_FILE, line, &err) < 0)
    {
      fprintf (stderr, "jshim-exit-witness: %s\n", err.msg);
      return 1;
    }
  snprintf (self, sizeof (self), "%s/%s", argv[1], JSHIM_WITNESS_FILE);

  for (;;)
    {
      struct pollfd fds[3] = { { .fd = nl, .events = POLLIN },
                               { .fd = sigfd, .events = POLLIN },
                               { .fd = orphaned ? -1 : daemon_fd,
                                 .events = POLLIN } };
      bool stop = false;

      if (poll (fds, 3, next_timeout_ms (orphaned)) < 0 && errno != EINTR)
        break;
      if (fds[1].revents & POLLIN)
        {
          struct signalfd_siginfo si;

          if (read (sigfd, &si, sizeof (si)) == (ssize_t) sizeof (si))
            {
              if (si.ssi_signo == SIGUSR1 && !orphaned)
                {
                  orphaned = true;
                  take_over ();
                }
              else if (si.ssi_signo != SIGUSR1)
                stop = true;
            }
        }
      if (!orphaned && (fds[2].revents & POLLIN))
        {
          orphaned = true;
          take_over ();
        }
      if (fds[0].revents & POLLIN)
        read_notices (nl, orphaned);
      if (orphaned)
        settle (stop);
      if (stop || (orphaned && nwatched == 0))
        break;
    }
  /* the file names this witness only until a newer one replaced it */
  {
    char buf[64] = "";
    FILE *f = fopen (self, "re");

    if (f != NULL)
      {
        if (fgets (buf, sizeof (buf), f) != NULL
            && strtol (buf, NULL, 10) == (long) getpid ())
          unlink (self);
        fclose (f);
      }
  }
  return 0;
}
