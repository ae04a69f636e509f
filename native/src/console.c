#include "console.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "sync.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO ('T', 0x41)
#endif

/*
 * The slave of MASTER.  TIOCGPTPEER finds it through the master itself:
 * no path lookup, so nothing in the container's /dev/pts can stand in for
 * it.  Kernels before 4.13 do not know it (EINVAL, or ENOTTY); there the
 * name is all we have.
 */
static int
open_slave (int master, jshim_error_t *err)
{
  char name[64];
  int fd, rc;

  fd = ioctl (master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd >= 0)
    return fd;
  if (errno != EINVAL && errno != ENOTTY)
    return jshim_fail_sys (err, JSHIM_STAGE_CONSOLE, errno, "TIOCGPTPEER");
  rc = ptsname_r (master, name, sizeof (name));
  if (rc != 0)
    return jshim_fail_sys (err, JSHIM_STAGE_CONSOLE, rc,
                           "ptsname (the kernel has no TIOCGPTPEER)");
  fd = open (name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_CONSOLE, errno,
                           "open the pty slave %s (the kernel has no "
                           "TIOCGPTPEER)",
                           name);
  return fd;
}

int
jshim_console_open (int *master_out, jshim_error_t *err)
{
  int master, slave = -1, unlock = 0, fd;

  master = open ("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_CONSOLE, errno,
                           "open /dev/ptmx");
  if (ioctl (master, TIOCSPTLCK, &unlock) < 0)
    {
      jshim_fail_sys (err, JSHIM_STAGE_CONSOLE, errno,
                      "unlock the pty (TIOCSPTLCK)");
      goto fail;
    }
  slave = open_slave (master, err);
  if (slave < 0)
    goto fail;
  if (ioctl (slave, TIOCSCTTY, 0) < 0)
    {
      jshim_fail_sys (err, JSHIM_STAGE_CONSOLE, errno, "TIOCSCTTY");
      goto fail;
    }
  for (fd = 0; fd <= 2; fd++)
    if (dup2 (slave, fd) < 0)
      {
        jshim_fail_sys (err, JSHIM_STAGE_CONSOLE, errno,
                        "dup2 the pty slave onto fd %d", fd);
        goto fail;
      }
  if (slave > 2)
    close (slave);
  *master_out = master;
  return 0;

fail:
  if (slave > 2)
    close (slave);
  close (master);
  return -1;
}
