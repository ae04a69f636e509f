/*
 * jshim-fake-daemon: stands in for jshim-daemon in test_shim's `start`
 * tests.
 *
 *   jshim-fake-daemon --socket GRPC --ttrpc-socket PATH --state-dir DIR
 *
 * Environment:
 *   FAKE_DAEMON_RECORD=DIR    append one line per launch to DIR/launches
 *                             ("PID TTRPC_PATH") and write DIR/info.PID
 *                             (argv, JSHIM_* env, session, open fds);
 *   FAKE_DAEMON_EXIT=N        print a line to stderr and exit N at once;
 *   FAKE_DAEMON_DELAY_MS=N    wait N ms before listening.
 *
 * Otherwise it listens on PATH (never removing it: a SIGKILL leaves a
 * stale socket file, as a crashed daemon would), prints "fake daemon
 * listening" to stderr, and accepts and closes connections until killed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static void
record (const char *dir, int argc, char **argv, const char *ttrpc)
{
  char path[PATH_MAX], line[PATH_MAX + 32], link[PATH_MAX];
  FILE *f;
  DIR *d;
  struct dirent *e;
  int fd, i, n;

  snprintf (path, sizeof (path), "%s/info.%d", dir, (int) getpid ());
  f = fopen (path, "w");
  if (f == NULL)
    return;
  fprintf (f, "argv");
  for (i = 1; i < argc; i++)
    fprintf (f, " %s", argv[i]);
  fprintf (f, "\nJSHIM_NAMESPACE=%s\nJSHIM_CONTAINERD_ADDRESS=%s\n",
           getenv ("JSHIM_NAMESPACE") ? getenv ("JSHIM_NAMESPACE") : "",
           getenv ("JSHIM_CONTAINERD_ADDRESS")
               ? getenv ("JSHIM_CONTAINERD_ADDRESS") : "");
  fprintf (f, "session_leader=%d\n", getsid (0) == getpid ());
  {
    FILE *adj = fopen ("/proc/self/oom_score_adj", "re");
    int v = 0;

    if (adj != NULL)
      {
        if (fscanf (adj, "%d", &v) != 1)
          v = 0;
        fclose (adj);
      }
    fprintf (f, "oom_score_adj=%d\n", v);
  }
  fprintf (f, "fds");
  d = opendir ("/proc/self/fd");
  if (d != NULL)
    {
      while ((e = readdir (d)) != NULL)
        if (e->d_name[0] != '.' && atoi (e->d_name) != dirfd (d)
            && atoi (e->d_name) != fileno (f))
          fprintf (f, " %s", e->d_name);
      closedir (d);
    }
  fprintf (f, "\n");
  for (fd = 0; fd < 3; fd++)
    {
      char p[64];
      ssize_t r;

      snprintf (p, sizeof (p), "/proc/self/fd/%d", fd);
      r = readlink (p, link, sizeof (link) - 1);
      link[r < 0 ? 0 : r] = '\0';
      fprintf (f, "fd%d=%s\n", fd, link);
    }
  fclose (f);

  snprintf (path, sizeof (path), "%s/launches", dir);
  fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return;
  n = snprintf (line, sizeof (line), "%d %s\n", (int) getpid (), ttrpc);
  if (write (fd, line, (size_t) n) < 0)
    perror ("fake daemon: write launches");
  close (fd);
}

int
main (int argc, char **argv)
{
  const char *ttrpc = NULL, *rec = getenv ("FAKE_DAEMON_RECORD");
  const char *ex = getenv ("FAKE_DAEMON_EXIT");
  const char *delay = getenv ("FAKE_DAEMON_DELAY_MS");
  struct sockaddr_un sun = { .sun_family = AF_UNIX };
  int i, fd;

  for (i = 1; i + 1 < argc; i++)
    if (strcmp (argv[i], "--ttrpc-socket") == 0)
      ttrpc = argv[i + 1];
  if (ttrpc == NULL)
    {
      fprintf (stderr, "fake daemon: no --ttrpc-socket\n");
      return 2;
    }
  if (rec != NULL)
    record (rec, argc, argv, ttrpc);
  if (ex != NULL)
    {
      fprintf (stderr, "fake daemon: exiting with %s as told\n", ex);
      return atoi (ex);
    }
  if (delay != NULL)
    {
      long ms = atol (delay);
      struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

      nanosleep (&ts, NULL);
    }
  strncpy (sun.sun_path, ttrpc, sizeof (sun.sun_path) - 1);
  fd = socket (AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0 || bind (fd, (struct sockaddr *) &sun, sizeof (sun)) < 0
      || listen (fd, 64) < 0)
    {
      fprintf (stderr, "fake daemon: listen on %s: %s\n", ttrpc,
               strerror (errno));
      return 1;
    }
  fprintf (stderr, "fake daemon listening\n");
  fflush (stderr);
  while (1)
    {
      int c = accept (fd, NULL, NULL);

      if (c >= 0)
        close (c);
    }
}
