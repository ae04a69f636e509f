/*
 * containerd-shim-jshim-v2: the binary containerd runs for the jshim
 * runtime (io.containerd.jshim.v2).  It only does the short-lived parts
 * of the shim contract: `start` finds or launches the group's Java daemon
 * (jshim-daemon), `delete` cleans up after a lost daemon, `-v` prints the
 * version.  See README.md.
 *
 * Exit codes: 0 success, 1 the action failed (one line on stderr),
 * 2 usage error.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "shim_args.h"
#include "shim_delete.h"
#include "shim_start.h"

#define PROG "containerd-shim-jshim-v2"
#define VERSION "0.1.0"

static int
usage (const char *msg)
{
  fprintf (stderr, "%s: %s\n"
           "usage: %s -namespace NS -address ADDR -publish-binary BIN -id ID "
           "[-debug] start\n"
           "       %s -namespace NS -address ADDR -publish-binary BIN -id ID "
           "-bundle DIR delete\n"
           "       %s -v\n", PROG, msg, PROG, PROG, PROG);
  return 2;
}

/* ERR's message as one line: control characters (a path or a JSON key
   may hold a newline) become '?'. */
static const char *
one_line (jshim_error_t *err)
{
  char *c;

  for (c = err->msg; *c; c++)
    if ((unsigned char) *c < 0x20 || *c == 0x7f)
      *c = '?';
  return err->msg;
}

static int
do_delete (const jshim_shim_args_t *args)
{
  const char *bundle = args->bundle;
  char cwd[4096];
  jshim_error_t err;
  uint8_t buf[JSHIM_DELETE_RESPONSE_MAX];
  struct timespec now;
  size_t n, off = 0;

  if (bundle == NULL || *bundle == '\0')
    {
      if (getcwd (cwd, sizeof (cwd)) == NULL)
        {
          perror (PROG ": delete: getcwd");
          return 1;
        }
      bundle = cwd;
    }
  /* Failures of the cleanup steps are warnings (containerd logs stderr
     as cleanup warnings); the response is still given. */
  if (jshim_delete_cleanup_container (args, bundle, &err) < 0)
    fprintf (stderr, "%s: delete: warning: %s\n", PROG, one_line (&err));
  if (jshim_delete_unmount_rootfs (bundle, &err) < 0)
    fprintf (stderr, "%s: delete: warning: %s\n", PROG, one_line (&err));

  clock_gettime (CLOCK_REALTIME, &now);
  n = jshim_delete_response_encode (0, 137, (int64_t) now.tv_sec,
                                    (int32_t) now.tv_nsec, buf);
  while (off < n)
    {
      ssize_t w = write (STDOUT_FILENO, buf + off, n - off);

      if (w < 0)
        {
          perror (PROG ": delete: write the response");
          return 1;
        }
      off += (size_t) w;
    }
  return 0;
}

int
main (int argc, char **argv)
{
  jshim_shim_args_t args;
  jshim_error_t err;

  if (jshim_shim_parse_args (argc, argv, &args, &err) < 0)
    return usage (one_line (&err));
  if (args.version)
    {
      printf ("%s:\n  Version: %s\n", PROG, VERSION);
      return 0;
    }
  if (args.action == NULL)
    return usage ("no action given (start or delete)");
  if (strcmp (args.action, "start") == 0)
    {
      if (jshim_shim_start (&args, &err) < 0)
        {
          fprintf (stderr, "%s: start: %s\n", PROG, one_line (&err));
          return 1;
        }
      return 0;
    }
  return do_delete (&args);
}
