/*
 * jshim-testbin: a tiny statically linked multi-call program used as the
 * container workload in jshim's tests.  It only needs the kernel, so it can
 * be copied alone into an otherwise empty root filesystem.
 *
 *   jshim-testbin CMD [ARGS...]
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static const char usage_text[] =
  "usage: jshim-testbin CMD [ARGS...]\n"
  "commands:\n"
  "  exit N               exit with status N\n"
  "  sleep SECONDS        sleep (fractions allowed), then exit 0\n"
  "  echo WORDS...        print WORDS to stdout\n"
  "  stderr WORDS...      print WORDS to stderr\n"
  "  fds                  list open file descriptors\n"
  "  fdlinks              list open file descriptors as N -> target\n"
  "  pid                  print the process id\n"
  "  ppid                 print the parent process id\n"
  "  hostname             print the uts hostname\n"
  "  id                   print uid=N gid=N\n"
  "  cwd                  print the working directory\n"
  "  env NAME             print the value of NAME (exit 1 when unset)\n"
  "  ignore-term SECONDS  ignore SIGTERM, print ready, sleep\n"
  "  orphan SECONDS       leave a child sleeping SECONDS, exit at once\n"
  "  kill-self SIG        raise signal number SIG\n"
  "  cat                  copy stdin to stdout\n"
  "  rlimit NAME          print SOFT HARD of RLIMIT_NAME (or NAME)\n"
  "  umask                print the umask in octal, e.g. 0022\n"
  "  groups               print the supplementary gids, sorted, comma-separated\n"
  "  status FIELD         print the value of FIELD in /proc/self/status\n"
  "  oom-score-adj        print /proc/self/oom_score_adj\n"
  "  cat-file PATH        print the content of PATH\n"
  "  write-file PATH TEXT write TEXT to PATH (no create), print ok\n"
  "  stat PATH            print TYPE MAJOR:MINOR MODE UID:GID (lstat)\n"
  "  ns NAME              print the link /proc/self/ns/NAME\n"
  "  tty                  print ttyname(0), or \"not a tty\" and exit 1\n"
  "  winsize              print ROWS COLS of the terminal on fd 0\n"
  "  print TEXT...        print TEXT (\\n \\t \\\\ escapes), no newline added\n"
  "  flood BYTES          write BYTES bytes of 64-byte lines to stdout\n"
  "  read-lines           read stdin to EOF, print lines=N bytes=M\n"
  "  sigwinch SECONDS     wait for SIGWINCH, print the new ROWS COLS\n"
  "  unix-connect PATH SECONDS  connect a stream socket to the unix socket\n"
  "                       PATH, print connected, sleep SECONDS\n"
  "  last-thread N SECONDS  end the main thread at once; a second thread\n"
  "                       exits the process with N after SECONDS\n"
  "  probe-exe SECONDS    for SECONDS (0: one pass) open /proc/PID/exe of\n"
  "                       every other process; each one that is jshim-spawn\n"
  "                       is read and written back (same byte); prints\n"
  "                       probes=N denied=N helper-opened=N helper-read=N\n"
  "                       helper-writable=N\n";

/* A socket whose peer is outside the container: what CRIU refuses to dump
   without --ext-unix-sk. */
static int
cmd_unix_connect (const char *path, double secs)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  struct timespec ts;
  int fd;

  if (strlen (path) >= sizeof (addr.sun_path))
    {
      fprintf (stderr, "unix-connect: path too long: %s\n", path);
      return 1;
    }
  strcpy (addr.sun_path, path);
  fd = socket (AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0 || connect (fd, (struct sockaddr *) &addr, sizeof (addr)) < 0)
    {
      fprintf (stderr, "unix-connect %s: %s\n", path, strerror (errno));
      return 1;
    }
  printf ("connected\n");
  fflush (stdout);
  ts.tv_sec = (time_t) secs;
  ts.tv_nsec = (long) ((secs - (double) ts.tv_sec) * 1e9);
  while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
    ;
  return 0;
}

static int
usage (const char *why)
{
  if (why != NULL)
    fprintf (stderr, "jshim-testbin: %s\n", why);
  fputs (usage_text, stderr);
  return 2;
}

static int
finish (int status)
{
  if (fflush (stdout) != 0)
    return status == 0 ? 1 : status;
  return status;
}

static int
parse_seconds (const char *text, double *out)
{
  char *end;
  double v;

  errno = 0;
  v = strtod (text, &end);
  if (errno != 0 || end == text || *end != '\0' || !(v >= 0) || isinf (v))
    return -1;
  *out = v;
  return 0;
}

static void
sleep_for (double seconds)
{
  struct timespec ts;

  ts.tv_sec = (time_t) seconds;
  ts.tv_nsec = (long) ((seconds - (double) ts.tv_sec) * 1e9);
  if (ts.tv_nsec >= 1000000000L)
    ts.tv_nsec = 999999999L;
  while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
    ;
}

static void
print_words (FILE *out, int n, char **words)
{
  int i;

  for (i = 0; i < n; i++)
    fprintf (out, "%s%s", i ? " " : "", words[i]);
  fputc ('\n', out);
}

static int
cmp_int (const void *a, const void *b)
{
  int x = *(const int *) a, y = *(const int *) b;
  return (x > y) - (x < y);
}

/* The open fds of this process in ascending order, without the one used to
   list them; *OUT is malloc'ed.  Returns -1 after printing why. */
static int
list_fds (int **out, size_t *count)
{
  DIR *dir = opendir ("/proc/self/fd");
  struct dirent *de;
  int *fds = NULL;
  size_t n = 0, cap = 0;
  int self;

  if (dir == NULL)
    {
      perror ("jshim-testbin: opendir /proc/self/fd");
      return -1;
    }
  self = dirfd (dir);
  while ((de = readdir (dir)) != NULL)
    {
      char *end;
      long fd;

      if (de->d_name[0] < '0' || de->d_name[0] > '9')
        continue;
      fd = strtol (de->d_name, &end, 10);
      if (*end != '\0' || fd == self || fd > INT_MAX)
        continue;
      if (n == cap)
        {
          int *grown;

          cap = cap ? cap * 2 : 16;
          grown = realloc (fds, cap * sizeof (*fds));
          if (grown == NULL)
            {
              free (fds);
              closedir (dir);
              fputs ("jshim-testbin: out of memory\n", stderr);
              return -1;
            }
          fds = grown;
        }
      fds[n++] = (int) fd;
    }
  closedir (dir);
  qsort (fds, n, sizeof (*fds), cmp_int);
  *out = fds;
  *count = n;
  return 0;
}

static int
cmd_fds (void)
{
  int *fds;
  size_t n, i;

  if (list_fds (&fds, &n) < 0)
    return 1;
  for (i = 0; i < n; i++)
    printf ("%d\n", fds[i]);
  free (fds);
  return 0;
}

/* "N -> TARGET" per open fd, TARGET as readlink shows it (pipe:[INODE],
   socket:[INODE], a path...); "N -> ? (REASON)" if it cannot be read. */
static int
cmd_fdlinks (void)
{
  int *fds;
  size_t n, i;

  if (list_fds (&fds, &n) < 0)
    return 1;
  for (i = 0; i < n; i++)
    {
      char path[64], target[PATH_MAX];
      ssize_t len;

      snprintf (path, sizeof (path), "/proc/self/fd/%d", fds[i]);
      len = readlink (path, target, sizeof (target) - 1);
      if (len < 0)
        {
          printf ("%d -> ? (%s)\n", fds[i], strerror (errno));
          continue;
        }
      target[len] = '\0';
      printf ("%d -> %s\n", fds[i], target);
    }
  free (fds);
  return 0;
}

/* Copy FD to stdout; NAME is for messages. */
static int
copy_to_stdout (int fd, const char *name)
{
  char buf[65536];

  for (;;)
    {
      ssize_t n = read (fd, buf, sizeof (buf));
      ssize_t off = 0;

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          fprintf (stderr, "jshim-testbin: read %s: %s\n", name,
                   strerror (errno));
          return 1;
        }
      if (n == 0)
        return 0;
      while (off < n)
        {
          ssize_t w = write (STDOUT_FILENO, buf + off, (size_t) (n - off));
          if (w < 0)
            {
              if (errno == EINTR)
                continue;
              perror ("jshim-testbin: write stdout");
              return 1;
            }
          off += w;
        }
    }
}

static int
cmd_cat (void)
{
  return copy_to_stdout (STDIN_FILENO, "stdin");
}

static int
cmd_cat_file (const char *path)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  int rc;

  if (fd < 0)
    {
      fprintf (stderr, "jshim-testbin: open %s: %s\n", path,
               strerror (errno));
      return 1;
    }
  rc = copy_to_stdout (fd, path);
  close (fd);
  return rc;
}

/* "ok", or "ENAME: description" and 1 when open or write fails. */
static int
cmd_write_file (const char *path, const char *text)
{
  size_t len = strlen (text);
  int fd = open (path, O_WRONLY | O_TRUNC | O_CLOEXEC);
  ssize_t n = -1;
  int saved;

  if (fd >= 0)
    {
      do
        n = write (fd, text, len);
      while (n < 0 && errno == EINTR);
      saved = n < 0 ? errno : EIO;
      if (close (fd) < 0 && n >= 0 && (size_t) n == len)
        {
          saved = errno;
          n = -1;
        }
      errno = saved;
    }
  if (fd < 0 || n < 0 || (size_t) n != len)
    {
      const char *name;

      saved = errno;
      name = strerrorname_np (saved);
      printf ("%s: %s\n", name ? name : "E?", strerror (saved));
      return 1;
    }
  printf ("ok\n");
  return 0;
}

static const char *
file_type (mode_t mode)
{
  switch (mode & S_IFMT)
    {
    case S_IFREG: return "file";
    case S_IFDIR: return "dir";
    case S_IFCHR: return "char";
    case S_IFBLK: return "block";
    case S_IFIFO: return "fifo";
    case S_IFLNK: return "link";
    case S_IFSOCK: return "socket";
    default: return "unknown";
    }
}

/* "char 1:3 0666 0:0" (MAJOR:MINOR of st_rdev, 0:0 for anything but a
   device); a symlink adds " -> TARGET". */
static int
cmd_stat (const char *path)
{
  struct stat st;

  if (lstat (path, &st) < 0)
    {
      fprintf (stderr, "jshim-testbin: stat %s: %s\n", path,
               strerror (errno));
      return 1;
    }
  printf ("%s %u:%u %04o %lu:%lu", file_type (st.st_mode),
          major (st.st_rdev), minor (st.st_rdev),
          (unsigned) (st.st_mode & 07777), (unsigned long) st.st_uid,
          (unsigned long) st.st_gid);
  if (S_ISLNK (st.st_mode))
    {
      char target[PATH_MAX];
      ssize_t len = readlink (path, target, sizeof (target) - 1);

      if (len >= 0)
        {
          target[len] = '\0';
          printf (" -> %s", target);
        }
    }
  putchar ('\n');
  return 0;
}

static int
cmd_ns (const char *name)
{
  char path[PATH_MAX], target[PATH_MAX];
  ssize_t len;

  snprintf (path, sizeof (path), "/proc/self/ns/%s", name);
  len = readlink (path, target, sizeof (target) - 1);
  if (len < 0)
    {
      fprintf (stderr, "jshim-testbin: readlink %s: %s\n", path,
               strerror (errno));
      return 1;
    }
  target[len] = '\0';
  printf ("%s\n", target);
  return 0;
}

static int
cmd_tty (void)
{
  const char *name = ttyname (STDIN_FILENO);

  if (name == NULL)
    {
      printf ("not a tty\n");
      return 1;
    }
  printf ("%s\n", name);
  return 0;
}

static int
print_winsize (void)
{
  struct winsize ws;

  if (ioctl (STDIN_FILENO, TIOCGWINSZ, &ws) < 0)
    {
      fprintf (stderr, "jshim-testbin: TIOCGWINSZ on fd 0: %s\n",
               strerror (errno));
      return 1;
    }
  printf ("%u %u\n", (unsigned) ws.ws_row, (unsigned) ws.ws_col);
  return 0;
}

/* The words joined by spaces with \n, \t and \\ replaced; any other
   backslash stays as it is. */
static int
cmd_print (int n, char **words)
{
  int i;

  for (i = 0; i < n; i++)
    {
      const char *p;

      if (i > 0)
        putchar (' ');
      for (p = words[i]; *p != '\0'; p++)
        {
          if (*p != '\\')
            putchar (*p);
          else if (p[1] == 'n')
            putchar ('\n'), p++;
          else if (p[1] == 't')
            putchar ('\t'), p++;
          else if (p[1] == '\\')
            putchar ('\\'), p++;
          else
            putchar ('\\');
        }
    }
  return 0;
}

/* Write all of LEN bytes to stdout; -1 after printing why. */
static int
write_all (const char *buf, size_t len)
{
  while (len > 0)
    {
      ssize_t n = write (STDOUT_FILENO, buf, len);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          perror ("jshim-testbin: write stdout");
          return -1;
        }
      buf += n;
      len -= (size_t) n;
    }
  return 0;
}

#define FLOOD_LINE 64
#define FLOOD_CHUNK (4096 * FLOOD_LINE)

/* BYTES bytes of 63 printable characters and a newline per line; every
   chunk starts on a line boundary, so only the very end can cut a line. */
static int
cmd_flood (uint64_t bytes)
{
  static const char alphabet[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_";
  static char chunk[FLOOD_CHUNK];
  size_t i;

  _Static_assert (sizeof (alphabet) == FLOOD_LINE, "63 characters + NUL");
  for (i = 0; i < FLOOD_CHUNK; i += FLOOD_LINE)
    {
      memcpy (chunk + i, alphabet, FLOOD_LINE - 1);
      chunk[i + FLOOD_LINE - 1] = '\n';
    }
  while (bytes > 0)
    {
      size_t len = bytes < FLOOD_CHUNK ? (size_t) bytes : FLOOD_CHUNK;

      if (write_all (chunk, len) < 0)
        return 1;
      bytes -= len;
    }
  return 0;
}

/* Decimal, 0 to 2^63. */
static int
parse_bytes (const char *text, uint64_t *out)
{
  unsigned long long v;
  char *end;

  if (text[0] < '0' || text[0] > '9')
    return -1;
  errno = 0;
  v = strtoull (text, &end, 10);
  if (errno != 0 || *end != '\0' || v > (1ULL << 63))
    return -1;
  *out = (uint64_t) v;
  return 0;
}

static int
cmd_read_lines (void)
{
  unsigned long long lines = 0, bytes = 0;
  char buf[65536];

  for (;;)
    {
      ssize_t n = read (STDIN_FILENO, buf, sizeof (buf));
      ssize_t i;

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          perror ("jshim-testbin: read stdin");
          return 1;
        }
      if (n == 0)
        break;
      bytes += (unsigned long long) n;
      for (i = 0; i < n; i++)
        if (buf[i] == '\n')
          lines++;
    }
  printf ("lines=%llu bytes=%llu\n", lines, bytes);
  return 0;
}

static void
on_sigwinch (int sig)
{
  (void) sig;
}

/*
 * SIGWINCH is ignored by default, so a change before we are here is lost.
 * Blocked, it stays pending until sigtimedwait takes it; the handler is
 * never run, but it shows in SigCgt of /proc/PID/status (SigBlk does not
 * show signals sigtimedwait waits for), so a caller can tell when a change
 * will be caught.
 */
static int
cmd_sigwinch (double seconds)
{
  struct sigaction sa;
  struct timespec ts;
  sigset_t set;
  int sig;

  sigemptyset (&set);
  sigaddset (&set, SIGWINCH);
  sigprocmask (SIG_BLOCK, &set, NULL);
  memset (&sa, 0, sizeof (sa));
  sa.sa_handler = on_sigwinch;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGWINCH, &sa, NULL);
  ts.tv_sec = (time_t) seconds;
  ts.tv_nsec = (long) ((seconds - (double) ts.tv_sec) * 1e9);
  if (ts.tv_nsec >= 1000000000L)
    ts.tv_nsec = 999999999L;
  do
    sig = sigtimedwait (&set, NULL, &ts);
  while (sig < 0 && errno == EINTR);
  if (sig != SIGWINCH)
    {
      printf ("no SIGWINCH\n");
      return 1;
    }
  return print_winsize ();
}

static int
parse_int (const char *text, long min, long max, long *out)
{
  char *end;
  long v;

  errno = 0;
  v = strtol (text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v < min || v > max)
    return -1;
  *out = v;
  return 0;
}

static const struct
{
  const char *name;
  int resource;
} rlimit_names[] = {
  { "CPU", RLIMIT_CPU },         { "FSIZE", RLIMIT_FSIZE },
  { "DATA", RLIMIT_DATA },       { "STACK", RLIMIT_STACK },
  { "CORE", RLIMIT_CORE },       { "RSS", RLIMIT_RSS },
  { "NPROC", RLIMIT_NPROC },     { "NOFILE", RLIMIT_NOFILE },
  { "MEMLOCK", RLIMIT_MEMLOCK }, { "AS", RLIMIT_AS },
  { "LOCKS", RLIMIT_LOCKS },     { "SIGPENDING", RLIMIT_SIGPENDING },
  { "MSGQUEUE", RLIMIT_MSGQUEUE }, { "NICE", RLIMIT_NICE },
  { "RTPRIO", RLIMIT_RTPRIO },   { "RTTIME", RLIMIT_RTTIME },
};

static void
print_rlim (rlim_t v, char sep)
{
  if (v == RLIM_INFINITY)
    printf ("unlimited%c", sep);
  else
    printf ("%llu%c", (unsigned long long) v, sep);
}

/* "RLIMIT_NOFILE" or "nofile" (any case). */
static int
cmd_rlimit (const char *name)
{
  const char *bare = strncasecmp (name, "RLIMIT_", 7) == 0 ? name + 7 : name;
  struct rlimit lim;
  size_t i;

  for (i = 0; i < sizeof (rlimit_names) / sizeof (rlimit_names[0]); i++)
    if (strcasecmp (bare, rlimit_names[i].name) == 0)
      {
        if (getrlimit (rlimit_names[i].resource, &lim) < 0)
          {
            perror ("jshim-testbin: getrlimit");
            return 1;
          }
        print_rlim (lim.rlim_cur, ' ');
        print_rlim (lim.rlim_max, '\n');
        return 0;
      }
  fprintf (stderr, "jshim-testbin: unknown resource \"%s\"\n", name);
  return 2;
}

static int
cmp_gid (const void *a, const void *b)
{
  gid_t x = *(const gid_t *) a, y = *(const gid_t *) b;
  return (x > y) - (x < y);
}

static int
cmd_groups (void)
{
  int n = getgroups (0, NULL);
  gid_t *list;
  int i;

  if (n < 0 || (list = malloc (((size_t) n + 1) * sizeof (*list))) == NULL
      || (n = getgroups (n, list)) < 0)
    {
      perror ("jshim-testbin: getgroups");
      return 1;
    }
  qsort (list, (size_t) n, sizeof (*list), cmp_gid);
  for (i = 0; i < n; i++)
    printf ("%s%lu", i ? "," : "", (unsigned long) list[i]);
  putchar ('\n');
  free (list);
  return 0;
}

/* The value of "FIELD:\tVALUE" in /proc/self/status; exit 1 if absent. */
static int
cmd_status (const char *field)
{
  FILE *f = fopen ("/proc/self/status", "re");
  size_t flen = strlen (field);
  char line[4096];
  int found = 0;

  if (f == NULL)
    {
      perror ("jshim-testbin: /proc/self/status");
      return 1;
    }
  while (!found && fgets (line, sizeof (line), f) != NULL)
    if (strncmp (line, field, flen) == 0 && line[flen] == ':')
      {
        const char *v = line + flen + 1;

        v += strspn (v, " \t");
        fputs (v, stdout);
        found = 1;
      }
  fclose (f);
  if (!found)
    fprintf (stderr, "jshim-testbin: no %s in /proc/self/status\n", field);
  return found ? 0 : 1;
}

static int
cmd_oom_score_adj (void)
{
  FILE *f = fopen ("/proc/self/oom_score_adj", "re");
  char line[64];

  if (f == NULL || fgets (line, sizeof (line), f) == NULL)
    {
      perror ("jshim-testbin: /proc/self/oom_score_adj");
      if (f != NULL)
        fclose (f);
      return 1;
    }
  fclose (f);
  line[strcspn (line, "\n")] = '\0';
  printf ("%s\n", line);
  return 0;
}

struct last_thread
{
  double secs;
  int status;
};

static void *
last_thread_run (void *arg)
{
  struct last_thread *job = arg;

  sleep_for (job->secs);
  fflush (stdout);
  exit (job->status);
}

/* The main thread ends first: the process's wait status then comes from
   the thread that exits last, which is what a reaper of a process that is
   not its child has to get right.  */
static int
cmd_last_thread (int status, double secs)
{
  static struct last_thread job;
  pthread_t thread;
  int err;

  job.secs = secs;
  job.status = status;
  err = pthread_create (&thread, NULL, last_thread_run, &job);
  if (err != 0)
    {
      fprintf (stderr, "jshim-testbin: pthread_create: %s\n", strerror (err));
      return 1;
    }
  pthread_exit (NULL);
}

struct exe_counts
{
  long probes, denied, opened, read, writable;
};

/* Try to read one byte of the file behind FD and to write it back. */
static void
try_helper_copy (int fd, struct exe_counts *c)
{
  char path[64];
  unsigned char byte;
  int rw;

  snprintf (path, sizeof (path), "/proc/self/fd/%d", fd);
  rw = open (path, O_RDONLY | O_CLOEXEC);
  if (rw >= 0)
    {
      if (pread (rw, &byte, 1, 0) == 1)
        c->read++;
      close (rw);
    }
  rw = open (path, O_RDWR | O_CLOEXEC);
  if (rw >= 0)
    {
      if (pread (rw, &byte, 1, 0) == 1 && pwrite (rw, &byte, 1, 0) == 1)
        {
          c->writable++;
          printf ("writable through %s\n", path);
          fflush (stdout);
        }
      close (rw);
    }
}

/* One pass over /proc; an exe that names jshim-spawn is tried at once and
   once more after the pass (when its process may have exec'd away, as in
   CVE-2019-5736, which reopens an O_PATH fd later). */
static void
probe_exe_pass (struct exe_counts *c)
{
  int kept[64];
  size_t n_kept = 0, i;
  struct dirent *e;
  DIR *d = opendir ("/proc");

  if (d == NULL)
    return;
  while ((e = readdir (d)) != NULL)
    {
      char path[300], target[PATH_MAX];
      ssize_t len;
      int fd;

      if (e->d_name[0] < '0' || e->d_name[0] > '9'
          || atoi (e->d_name) == (int) getpid ())
        continue;
      snprintf (path, sizeof (path), "/proc/%s/exe", e->d_name);
      c->probes++;
      fd = open (path, O_PATH | O_CLOEXEC);
      if (fd < 0)
        {
          if (errno == EACCES || errno == EPERM)
            c->denied++;
          continue;
        }
      snprintf (path, sizeof (path), "/proc/self/fd/%d", fd);
      len = readlink (path, target, sizeof (target) - 1);
      target[len < 0 ? 0 : len] = '\0';
      if (strstr (target, "jshim-spawn") == NULL || n_kept == 64)
        {
          close (fd);
          continue;
        }
      c->opened++;
      printf ("opened %s -> %s\n", e->d_name, target);
      fflush (stdout);
      try_helper_copy (fd, c);
      kept[n_kept++] = fd;
    }
  closedir (d);
  for (i = 0; i < n_kept; i++)
    {
      try_helper_copy (kept[i], c);
      close (kept[i]);
    }
}

static int
cmd_probe_exe (double secs)
{
  struct exe_counts c = { 0 };
  struct timespec start, now;

  clock_gettime (CLOCK_MONOTONIC, &start);
  do
    {
      probe_exe_pass (&c);
      clock_gettime (CLOCK_MONOTONIC, &now);
    }
  while ((double) (now.tv_sec - start.tv_sec)
             + (now.tv_nsec - start.tv_nsec) / 1e9
         < secs);
  printf ("probes=%ld denied=%ld helper-opened=%ld helper-read=%ld "
          "helper-writable=%ld\n",
          c.probes, c.denied, c.opened, c.read, c.writable);
  return 0;
}

int
main (int argc, char **argv)
{
  const char *cmd;
  double secs;
  long num;

  if (argc < 2)
    return usage ("missing command");
  cmd = argv[1];

  if (strcmp (cmd, "exit") == 0)
    {
      if (argc != 3 || parse_int (argv[2], 0, 255, &num) < 0)
        return usage ("exit needs a status 0..255");
      return finish ((int) num);
    }
  if (strcmp (cmd, "last-thread") == 0)
    {
      if (argc != 4 || parse_int (argv[2], 0, 255, &num) < 0
          || parse_seconds (argv[3], &secs) < 0)
        return usage ("last-thread needs a status 0..255 and SECONDS");
      return finish (cmd_last_thread ((int) num, secs));
    }
  if (strcmp (cmd, "probe-exe") == 0)
    {
      if (argc != 3 || parse_seconds (argv[2], &secs) < 0)
        return usage ("probe-exe needs SECONDS");
      return finish (cmd_probe_exe (secs));
    }
  if (strcmp (cmd, "sleep") == 0)
    {
      if (argc != 3 || parse_seconds (argv[2], &secs) < 0)
        return usage ("sleep needs SECONDS");
      sleep_for (secs);
      return finish (0);
    }
  if (strcmp (cmd, "echo") == 0)
    {
      print_words (stdout, argc - 2, argv + 2);
      return finish (0);
    }
  if (strcmp (cmd, "stderr") == 0)
    {
      print_words (stderr, argc - 2, argv + 2);
      fflush (stderr);
      return finish (0);
    }
  if (strcmp (cmd, "fds") == 0)
    return finish (cmd_fds ());
  if (strcmp (cmd, "fdlinks") == 0)
    return finish (cmd_fdlinks ());
  if (strcmp (cmd, "pid") == 0)
    {
      printf ("%ld\n", (long) getpid ());
      return finish (0);
    }
  if (strcmp (cmd, "ppid") == 0)
    {
      printf ("%ld\n", (long) getppid ());
      return finish (0);
    }
  if (strcmp (cmd, "hostname") == 0)
    {
      struct utsname u;

      if (uname (&u) < 0)
        {
          perror ("jshim-testbin: uname");
          return finish (1);
        }
      printf ("%s\n", u.nodename);
      return finish (0);
    }
  if (strcmp (cmd, "id") == 0)
    {
      printf ("uid=%lu gid=%lu\n", (unsigned long) getuid (),
              (unsigned long) getgid ());
      return finish (0);
    }
  if (strcmp (cmd, "cwd") == 0)
    {
      char buf[PATH_MAX];

      if (getcwd (buf, sizeof (buf)) == NULL)
        {
          perror ("jshim-testbin: getcwd");
          return finish (1);
        }
      printf ("%s\n", buf);
      return finish (0);
    }
  if (strcmp (cmd, "env") == 0)
    {
      const char *v;

      if (argc != 3)
        return usage ("env needs NAME");
      v = getenv (argv[2]);
      if (v == NULL)
        return finish (1);
      printf ("%s\n", v);
      return finish (0);
    }
  if (strcmp (cmd, "ignore-term") == 0)
    {
      if (argc != 3 || parse_seconds (argv[2], &secs) < 0)
        return usage ("ignore-term needs SECONDS");
      signal (SIGTERM, SIG_IGN);
      printf ("ready\n");
      fflush (stdout);
      sleep_for (secs);
      return finish (0);
    }
  if (strcmp (cmd, "orphan") == 0)
    {
      pid_t child;

      if (argc != 3 || parse_seconds (argv[2], &secs) < 0)
        return usage ("orphan needs SECONDS");
      fflush (stdout);
      child = fork ();
      if (child < 0)
        {
          perror ("jshim-testbin: fork");
          return finish (1);
        }
      if (child == 0)
        {
          sleep_for (secs);
          _exit (0);
        }
      return finish (0);
    }
  if (strcmp (cmd, "kill-self") == 0)
    {
      if (argc != 3 || parse_int (argv[2], 1, 64, &num) < 0)
        return usage ("kill-self needs a signal number");
      fflush (stdout);
      raise ((int) num);
      /* Still here: the signal is not fatal, or we are pid 1 of a pid
         namespace, where the kernel drops such signals. */
      fprintf (stderr, "jshim-testbin: survived signal %ld\n", num);
      return finish (1);
    }
  if (strcmp (cmd, "cat") == 0)
    return finish (cmd_cat ());
  if (strcmp (cmd, "rlimit") == 0)
    {
      int rc;

      if (argc != 3)
        return usage ("rlimit needs NAME");
      rc = cmd_rlimit (argv[2]);
      return rc == 2 ? usage (NULL) : finish (rc);
    }
  if (strcmp (cmd, "umask") == 0)
    {
      mode_t old = umask (0);

      umask (old);
      printf ("%04o\n", (unsigned) old);
      return finish (0);
    }
  if (strcmp (cmd, "groups") == 0)
    return finish (cmd_groups ());
  if (strcmp (cmd, "status") == 0)
    {
      if (argc != 3)
        return usage ("status needs FIELD");
      return finish (cmd_status (argv[2]));
    }
  if (strcmp (cmd, "oom-score-adj") == 0)
    return finish (cmd_oom_score_adj ());
  if (strcmp (cmd, "cat-file") == 0)
    {
      if (argc != 3)
        return usage ("cat-file needs PATH");
      return finish (cmd_cat_file (argv[2]));
    }
  if (strcmp (cmd, "write-file") == 0)
    {
      if (argc != 4)
        return usage ("write-file needs PATH TEXT");
      return finish (cmd_write_file (argv[2], argv[3]));
    }

  if (strcmp (cmd, "stat") == 0)
    {
      if (argc != 3)
        return usage ("stat needs PATH");
      return finish (cmd_stat (argv[2]));
    }
  if (strcmp (cmd, "ns") == 0)
    {
      if (argc != 3)
        return usage ("ns needs NAME");
      return finish (cmd_ns (argv[2]));
    }
  if (strcmp (cmd, "tty") == 0)
    return finish (cmd_tty ());
  if (strcmp (cmd, "winsize") == 0)
    return finish (print_winsize ());
  if (strcmp (cmd, "print") == 0)
    return finish (cmd_print (argc - 2, argv + 2));
  if (strcmp (cmd, "flood") == 0)
    {
      uint64_t bytes;

      if (argc != 3 || parse_bytes (argv[2], &bytes) < 0)
        return usage ("flood needs BYTES (decimal, at most 2^63)");
      return finish (cmd_flood (bytes));
    }
  if (strcmp (cmd, "read-lines") == 0)
    return finish (cmd_read_lines ());
  if (strcmp (cmd, "sigwinch") == 0)
    {
      if (argc != 3 || parse_seconds (argv[2], &secs) < 0)
        return usage ("sigwinch needs SECONDS");
      return finish (cmd_sigwinch (secs));
    }

  if (strcmp (cmd, "unix-connect") == 0)
    {
      if (argc != 4 || parse_seconds (argv[3], &secs) < 0)
        return usage ("unix-connect needs PATH SECONDS");
      return finish (cmd_unix_connect (argv[2], secs));
    }

  fprintf (stderr, "jshim-testbin: unknown command \"%s\"\n", cmd);
  return usage (NULL);
}
