/*
 * The delete action: DeleteResponse encoding and the cleanup steps (see
 * shim_delete.h).
 */
#include "shim_delete.h"
#include "task_files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <time.h>
#include <unistd.h>

#include "shim_start.h"

static size_t
put_varint (uint8_t *buf, uint64_t v)
{
  size_t n = 0;

  while (v >= 0x80)
    {
      buf[n++] = (uint8_t) (v | 0x80);
      v >>= 7;
    }
  buf[n++] = (uint8_t) v;
  return n;
}

/* Tag byte of field NUMBER (< 16) with wire type WIRE. */
static uint8_t
tag (unsigned number, unsigned wire)
{
  return (uint8_t) (number << 3 | wire);
}

size_t
jshim_delete_response_encode (uint32_t pid, uint32_t exit_status,
                              int64_t seconds, int32_t nanos,
                              uint8_t buf[JSHIM_DELETE_RESPONSE_MAX])
{
  uint8_t ts[JSHIM_DELETE_RESPONSE_MAX];
  size_t n = 0, tn = 0, i;

  if (pid != 0)
    {
      buf[n++] = tag (1, 0);
      n += put_varint (buf + n, pid);
    }
  if (exit_status != 0)
    {
      buf[n++] = tag (2, 0);
      n += put_varint (buf + n, exit_status);
    }
  /* Timestamp: int64 and int32 are varints of the two's complement
     64-bit value (a negative int32 takes 10 bytes). */
  if (seconds != 0)
    {
      ts[tn++] = tag (1, 0);
      tn += put_varint (ts + tn, (uint64_t) seconds);
    }
  if (nanos != 0)
    {
      ts[tn++] = tag (2, 0);
      tn += put_varint (ts + tn, (uint64_t) (int64_t) nanos);
    }
  /* exited_at is a message field: sent even when empty (it is set). */
  buf[n++] = tag (3, 2);
  n += put_varint (buf + n, tn);
  for (i = 0; i < tn; i++)
    buf[n++] = ts[i];
  return n;
}

int
jshim_delete_unmount_rootfs (const char *bundle, jshim_error_t *err)
{
  char path[PATH_MAX];
  int i;

  if (snprintf (path, sizeof (path), "%s/rootfs", bundle)
      >= (int) sizeof (path))
    return jshim_fail (err, 0, ENAMETOOLONG, "rootfs path too long: %s/rootfs",
                       bundle);
  /* Several mounts may be stacked there; each umount2 removes the top. */
  for (i = 0; i < 64; i++)
    {
      if (umount2 (path, MNT_DETACH) == 0)
        continue;
      if (errno == EINVAL || errno == ENOENT)
        return 0;
      return jshim_fail_sys (err, 0, errno, "unmount %s", path);
    }
  return jshim_fail (err, 0, EBUSY, "unmount %s: still a mount point after "
                     "64 unmounts", path);
}

/* A task id that names one directory entry: no '/', not "." or "..". */
static bool
safe_id (const char *id)
{
  return id != NULL && *id != '\0' && strchr (id, '/') == NULL
         && strcmp (id, ".") != 0 && strcmp (id, "..") != 0;
}

/* Writes VALUE to DIR/NAME if that file exists (a freezer knob). */
static void
write_knob (const char *dir, const char *name, const char *value)
{
  char path[PATH_MAX];
  int fd;

  if (snprintf (path, sizeof (path), "%s/%s", dir, name)
      >= (int) sizeof (path))
    return;
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return;
  if (write (fd, value, strlen (value)) < 0)
    {
      /* best effort: a cgroup being removed refuses writes */
    }
  close (fd);
}

/* SIGKILL to every pid in DIR/cgroup.procs; the number signalled, or -1
   when the file cannot be read (the cgroup is gone). */
static int
kill_cgroup_once (const char *dir)
{
  char path[PATH_MAX];
  FILE *f;
  long pid;
  int n = 0;

  if (snprintf (path, sizeof (path), "%s/cgroup.procs", dir)
      >= (int) sizeof (path))
    return -1;
  f = fopen (path, "re");
  if (f == NULL)
    return -1;
  while (fscanf (f, "%ld", &pid) == 1)
    if (pid > 0 && kill ((pid_t) pid, SIGKILL) == 0)
      n++;
  fclose (f);
  return n;
}

static void
pause_ms (long ms)
{
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

  while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
    ;
}

/* Kills what is in DIR until it is empty (bounded), then removes DIR. */
static int
clean_cgroup (const char *dir, jshim_error_t *err)
{
  int i;

  /* a frozen process only dies once thawed (v1 freezer, v2 cgroup.freeze) */
  write_knob (dir, "freezer.state", "THAWED");
  write_knob (dir, "cgroup.freeze", "0");
  for (i = 0; i < JSHIM_DELETE_KILL_ROUNDS; i++)
    {
      int n = kill_cgroup_once (dir);

      if (n < 0 && errno == ENOENT)
        return 0;
      /* nothing signalled: empty, or only dying processes the kernel has
         not let go of yet (rmdir says EBUSY) */
      if (n <= 0 && (rmdir (dir) == 0 || errno == ENOENT))
        return 0;
      pause_ms (JSHIM_DELETE_KILL_PAUSE_MS);
    }
  if (rmdir (dir) == 0 || errno == ENOENT)
    return 0;
  return jshim_fail_sys (err, 0, errno, "remove cgroup %s (processes still "
                         "inside after %d rounds of SIGKILL)", dir,
                         JSHIM_DELETE_KILL_ROUNDS);
}

/* Every file in DIR (no subdirectories are made there), then DIR. */
static void
remove_task_dir (const char *dir)
{
  DIR *d = opendir (dir);
  struct dirent *e;

  if (d == NULL)
    return;
  while ((e = readdir (d)) != NULL)
    if (strcmp (e->d_name, ".") != 0 && strcmp (e->d_name, "..") != 0)
      unlinkat (dirfd (d), e->d_name, 0);
  closedir (d);
  rmdir (dir);
}

int
jshim_delete_cleanup_file (const char *task_dir, jshim_error_t *err)
{
  char path[PATH_MAX], line[PATH_MAX + 16];
  FILE *f;
  long pid = 0;
  long long start = -1;
  bool cgroups = false;
  int ret = 0;

  jshim_error_clear (err);
  if (snprintf (path, sizeof (path), "%s/cleanup", task_dir)
      >= (int) sizeof (path))
    return jshim_fail (err, 0, ENAMETOOLONG, "%s/cleanup: too long", task_dir);
  f = fopen (path, "re");
  if (f == NULL)
    {
      if (errno == ENOENT)
        return 0;
      return jshim_fail_sys (err, 0, errno, "open %s", path);
    }
  while (fgets (line, sizeof (line), f) != NULL)
    {
      size_t len = strlen (line);

      if (len > 0 && line[len - 1] == '\n')
        line[--len] = '\0';
      if (jshim_parse_init_line (line, &pid, &start) == 0)
        continue;
      if (strncmp (line, "cgroup /", 8) == 0)
        {
          cgroups = true;
          if (clean_cgroup (line + 7, err) < 0)
            ret = -1;
        }
    }
  fclose (f);
  /* no cgroup (a daemon that is not root): the init alone, if the pid
     still names it; in its own pid namespace that takes every process */
  if (!cgroups && pid > 0 && start >= 0 && jshim_proc_start_time (pid) == start)
    kill ((pid_t) pid, SIGKILL);
  if (ret == 0)
    remove_task_dir (task_dir);
  return ret;
}

/* STATE_DIR/tasks/ID of the group HASH into TASK_DIR (PATH_MAX bytes). */
static int
task_dir_of (const char *hash, const char *id, char *task_dir,
             jshim_error_t *err)
{
  char state_dir[PATH_MAX];

  if (jshim_shim_state_dir (hash, state_dir, sizeof (state_dir), err) < 0)
    return -1;
  if (snprintf (task_dir, PATH_MAX, "%s/tasks/%s", state_dir, id)
      >= PATH_MAX)
    return jshim_fail (err, 0, ENAMETOOLONG, "%s/tasks/%s: too long",
                       state_dir, id);
  return 0;
}

int
jshim_delete_cleanup_container (const jshim_shim_args_t *args,
                                const char *bundle, jshim_error_t *err)
{
  char config[PATH_MAX], task_dir[PATH_MAX], hash[65];
  jshim_grouping_t other;

  jshim_error_clear (err);
  if (!safe_id (args->id))
    return jshim_fail (err, 0, EINVAL, "container id \"%s\" cannot name a "
                       "state directory (expected: no '/', not . or ..)",
                       args->id ? args->id : "");
  if (snprintf (config, sizeof (config), "%s/config.json", bundle)
      >= (int) sizeof (config))
    return jshim_fail (err, 0, ENAMETOOLONG, "%s/config.json: too long",
                       bundle);
  switch (jshim_shim_recorded_group (bundle, hash, err))
    {
    case 1:
      if (task_dir_of (hash, args->id, task_dir, err) < 0)
        return -1;
      return jshim_delete_cleanup_file (task_dir, err);
    case 0:
      break;
    default:
      return -1;
    }
  /* No record: a bundle of an older front end's start.  No config either:
     not a container that start ever saw, so nothing was recorded. */
  if (access (config, F_OK) < 0 && errno == ENOENT)
    return 0;
  if (jshim_shim_group_of (config, args, args->grouping, hash, err) < 0
      || task_dir_of (hash, args->id, task_dir, err) < 0)
    return -1;
  /* That start may have grouped the other way (the default was per pod
     before): the other grouping's task, when this one has none. */
  if (access (task_dir, F_OK) < 0 && errno == ENOENT)
    {
      other = args->grouping == JSHIM_GROUP_BY_POD ? JSHIM_GROUP_BY_NAMESPACE
                                                   : JSHIM_GROUP_BY_POD;
      if (jshim_shim_group_of (config, args, other, hash, err) < 0
          || task_dir_of (hash, args->id, task_dir, err) < 0)
        return -1;
    }
  return jshim_delete_cleanup_file (task_dir, err);
}
