#include "sync.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

const char *
jshim_stage_name (int stage)
{
  switch (stage)
    {
    case JSHIM_STAGE_ARGS: return "ARGS";
    case JSHIM_STAGE_CLONE: return "CLONE";
    case JSHIM_STAGE_HOSTNAME: return "HOSTNAME";
    case JSHIM_STAGE_MOUNT: return "MOUNT";
    case JSHIM_STAGE_ROOTFS: return "ROOTFS";
    case JSHIM_STAGE_USER: return "USER";
    case JSHIM_STAGE_CWD: return "CWD";
    case JSHIM_STAGE_EXEC: return "EXEC";
    case JSHIM_STAGE_SYNC: return "SYNC";
    case JSHIM_STAGE_RLIMIT: return "RLIMIT";
    case JSHIM_STAGE_PROCESS: return "PROCESS";
    case JSHIM_STAGE_CAPS: return "CAPS";
    case JSHIM_STAGE_SYSCTL: return "SYSCTL";
    case JSHIM_STAGE_DEVICES: return "DEVICES";
    case JSHIM_STAGE_USERNS: return "USERNS";
    case JSHIM_STAGE_CGROUP: return "CGROUP";
    case JSHIM_STAGE_JOIN: return "JOIN";
    case JSHIM_STAGE_CONSOLE: return "CONSOLE";
    case JSHIM_STAGE_SECCOMP: return "SECCOMP";
    case JSHIM_STAGE_HOOK: return "HOOK";
    case JSHIM_STAGE_ATTRS: return "ATTRS";
    case JSHIM_STAGE_RUN: return "RUN";
    default: return "UNKNOWN";
    }
}

static bool
valid_header (const struct jshim_record *hdr)
{
  return hdr->type >= JSHIM_REC_PID && hdr->type <= JSHIM_REC_HOOKS
         && hdr->len <= JSHIM_RECORD_MSG_MAX;
}

size_t
jshim_record_encode (void *buf, size_t cap, int32_t type, int32_t value,
                     int32_t err, const char *msg, size_t msg_len)
{
  struct jshim_record hdr;
  unsigned char *out = buf;

  if (msg == NULL)
    msg_len = 0;
  if (msg_len > JSHIM_RECORD_MSG_MAX)
    msg_len = JSHIM_RECORD_MSG_MAX;
  if (cap < JSHIM_RECORD_HEADER_SIZE + msg_len)
    return 0;

  hdr.type = type;
  hdr.value = value;
  hdr.err = err;
  hdr.len = (uint32_t) msg_len;
  memcpy (out, &hdr, sizeof (hdr));
  if (msg_len > 0)
    memcpy (out + JSHIM_RECORD_HEADER_SIZE, msg, msg_len);
  return JSHIM_RECORD_HEADER_SIZE + msg_len;
}

ssize_t
jshim_record_decode (const void *buf, size_t len, struct jshim_record *hdr,
                     const char **msg)
{
  const unsigned char *in = buf;

  if (len < JSHIM_RECORD_HEADER_SIZE)
    return 0;
  memcpy (hdr, in, sizeof (*hdr));
  if (!valid_header (hdr))
    return -1;
  if (len < JSHIM_RECORD_HEADER_SIZE + (size_t) hdr->len)
    return 0;
  *msg = (const char *) in + JSHIM_RECORD_HEADER_SIZE;
  return (ssize_t) (JSHIM_RECORD_HEADER_SIZE + hdr->len);
}

static ssize_t
write_once (int fd, const void *buf, size_t len)
{
  ssize_t n;

  /* MSG_NOSIGNAL: a vanished daemon must give EPIPE, not kill us. */
  do
    n = send (fd, buf, len, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0 && errno == ENOTSOCK)
    {
      do
        n = write (fd, buf, len);
      while (n < 0 && errno == EINTR);
    }
  return n;
}

int
jshim_record_send (int fd, int32_t type, int32_t value, int32_t err,
                   const char *msg, size_t msg_len)
{
  unsigned char buf[JSHIM_RECORD_MAX_SIZE];
  size_t total, done = 0;

  total = jshim_record_encode (buf, sizeof (buf), type, value, err, msg,
                               msg_len);
  /* One write normally carries the whole record; the loop only guards
     against a short write on a nearly full socket buffer. */
  while (done < total)
    {
      ssize_t n = write_once (fd, buf + done, total - done);
      if (n < 0)
        return -errno;
      if (n == 0)
        return -EPIPE;
      done += (size_t) n;
    }
  return 0;
}

int
jshim_send_pid (int fd, pid_t pid)
{
  return jshim_record_send (fd, JSHIM_REC_PID, (int32_t) pid, 0, NULL, 0);
}

int
jshim_send_ready (int fd)
{
  return jshim_record_send (fd, JSHIM_REC_READY, 0, 0, NULL, 0);
}

int
jshim_send_error (int fd, const jshim_error_t *err)
{
  return jshim_record_send (fd, JSHIM_REC_ERROR, err->stage, err->err,
                            err->msg, jshim_error_len (err));
}

int
jshim_send_console (int fd, int master)
{
  unsigned char buf[JSHIM_RECORD_HEADER_SIZE];
  union
  {
    char space[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } ctl;
  struct iovec iov;
  struct msghdr mh;
  struct cmsghdr *cm;
  size_t done;
  ssize_t n;

  jshim_record_encode (buf, sizeof (buf), JSHIM_REC_CONSOLE, 0, 0, NULL, 0);
  memset (&ctl, 0, sizeof (ctl));
  memset (&mh, 0, sizeof (mh));
  iov.iov_base = buf;
  iov.iov_len = sizeof (buf);
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  mh.msg_control = ctl.space;
  mh.msg_controllen = sizeof (ctl.space);
  cm = CMSG_FIRSTHDR (&mh);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cm), &master, sizeof (int));
  do
    n = sendmsg (fd, &mh, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return -errno;
  /* The descriptor is attached to the bytes of this first send; on a
     nearly full socket buffer the rest of the header follows plainly. */
  for (done = (size_t) n; done < sizeof (buf); done += (size_t) n)
    {
      n = write_once (fd, buf + done, sizeof (buf) - done);
      if (n < 0)
        return -errno;
      if (n == 0)
        return -EPIPE;
    }
  return 0;
}

/* Read exactly LEN bytes.  Returns bytes read (< LEN only on EOF) or -1. */
static ssize_t
read_full (int fd, void *buf, size_t len)
{
  unsigned char *p = buf;
  size_t done = 0;

  while (done < len)
    {
      ssize_t n = read (fd, p + done, len - done);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return -1;
        }
      if (n == 0)
        break;
      done += (size_t) n;
    }
  return (ssize_t) done;
}

int
jshim_record_read (int fd, struct jshim_record *hdr, char *msg, size_t cap)
{
  unsigned char raw[JSHIM_RECORD_HEADER_SIZE];
  ssize_t n;

  if (cap < JSHIM_RECORD_MSG_MAX + 1)
    {
      errno = EINVAL;
      return -1;
    }
  n = read_full (fd, raw, sizeof (raw));
  if (n < 0)
    return -1;
  if (n == 0)
    return 0;
  if ((size_t) n < sizeof (raw))
    {
      errno = EPROTO;
      return -1;
    }
  memcpy (hdr, raw, sizeof (*hdr));
  if (!valid_header (hdr))
    {
      errno = EPROTO;
      return -1;
    }
  n = read_full (fd, msg, hdr->len);
  if (n < 0)
    return -1;
  if ((size_t) n < hdr->len)
    {
      errno = EPROTO;
      return -1;
    }
  msg[hdr->len] = '\0';
  return 1;
}

/* Keep the first descriptor of the SCM_RIGHTS messages in MH in *KEPT,
   close any other. */
static void
take_fds (struct msghdr *mh, int *kept)
{
  struct cmsghdr *cm;

  for (cm = CMSG_FIRSTHDR (mh); cm != NULL; cm = CMSG_NXTHDR (mh, cm))
    {
      size_t i, n;

      if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
        continue;
      n = (cm->cmsg_len - CMSG_LEN (0)) / sizeof (int);
      for (i = 0; i < n; i++)
        {
          int got;

          memcpy (&got, CMSG_DATA (cm) + i * sizeof (int), sizeof (int));
          if (*kept < 0)
            *kept = got;
          else
            close (got);
        }
    }
}

int
jshim_record_recv (int fd, struct jshim_record *hdr, char *msg, size_t cap,
                   int *fd_out)
{
  unsigned char raw[JSHIM_RECORD_HEADER_SIZE];
  size_t done = 0;
  bool truncated = false;
  int got = -1, saved;
  ssize_t n;

  *fd_out = -1;
  if (cap < JSHIM_RECORD_MSG_MAX + 1)
    {
      errno = EINVAL;
      return -1;
    }
  /* Never ask for more than the header: a read past it could reach the
     next record, and a plain read() drops the descriptors it passes. */
  while (done < sizeof (raw))
    {
      union
      {
        char space[CMSG_SPACE (4 * sizeof (int))];
        struct cmsghdr align;
      } ctl;
      struct iovec iov = { raw + done, sizeof (raw) - done };
      struct msghdr mh;

      memset (&mh, 0, sizeof (mh));
      mh.msg_iov = &iov;
      mh.msg_iovlen = 1;
      mh.msg_control = ctl.space;
      mh.msg_controllen = sizeof (ctl.space);
      n = recvmsg (fd, &mh, MSG_CMSG_CLOEXEC);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          goto fail;
        }
      take_fds (&mh, &got);
      if (mh.msg_flags & MSG_CTRUNC)
        truncated = true;
      if (n == 0)
        break;
      done += (size_t) n;
    }
  if (done == 0 && got < 0 && !truncated)
    return 0;
  errno = EPROTO;
  if (done < sizeof (raw) || truncated)
    goto fail;
  memcpy (hdr, raw, sizeof (*hdr));
  if (!valid_header (hdr) || (hdr->type == JSHIM_REC_CONSOLE) != (got >= 0))
    goto fail;
  n = read_full (fd, msg, hdr->len);
  if (n < 0)
    goto fail;
  if ((size_t) n < hdr->len)
    {
      errno = EPROTO;
      goto fail;
    }
  msg[hdr->len] = '\0';
  *fd_out = got;
  return 1;

fail:
  saved = errno;
  if (got >= 0)
    close (got);
  errno = saved;
  return -1;
}
