/*
 * `containerd-shim-jshim-v2 ... start`: find or launch the jshim daemon of
 * the container's group and report its ttrpc address.
 */
#ifndef JSHIM_SHIM_START_H
#define JSHIM_SHIM_START_H

#include <stddef.h>

#include "error.h"
#include "shim_args.h"

#define JSHIM_SHIM_SOCKET_DIR "/run/containerd/s"
#define JSHIM_SHIM_STATE_DIR "/run/jshim"
#define JSHIM_DAEMON_DEFAULT "/usr/local/bin/jshim-daemon"
/* Waiting for the daemon's socket: poll period, default limit (the
   environment's JSHIM_SHIM_START_TIMEOUT_MS replaces it) and the largest
   limit accepted. */
#define JSHIM_START_POLL_MS 5
#define JSHIM_START_TIMEOUT_MS 20000
#define JSHIM_START_TIMEOUT_MAX_MS 3600000
/* The daemon's --idle-shutdown-delay: containerd sends Shutdown after each
   container's Delete; the next container within this time finds the
   daemon still up instead of paying a JVM start. */
#define JSHIM_IDLE_SHUTDOWN_MS "30000"

/*
 * The group's name: 64 hex digits of sha256(ADDRESS "/" NAMESPACE "/" KEY)
 * into HASH.
 */
void jshim_shim_group_hash (const char *address, const char *namespace,
                            const char *key, char hash[65]);

/*
 * DIR "/" hash into OUT (SIZE bytes).  Returns 0, or -1 with ERR when it
 * does not fit or is too long for a Unix socket address.
 */
int jshim_shim_socket_path (const char *dir, const char *address,
                            const char *namespace, const char *key,
                            char *out, size_t size, jshim_error_t *err);

/*
 * The group hash of the container whose OCI config is CONFIG_PATH (its
 * group key by GROUPING, with ARGS' address and namespace).  Returns 0, or
 * -1 with ERR.
 */
int jshim_shim_group_of (const char *config_path,
                         const jshim_shim_args_t *args,
                         jshim_grouping_t grouping, char hash[65],
                         jshim_error_t *err);

/* The bundle's file where start records the group hash for delete. */
#define JSHIM_GROUP_FILE "jshim-group"

/*
 * The group hash that start recorded in BUNDLE/JSHIM_GROUP_FILE into HASH.
 * Returns 1, 0 when there is no such file (a bundle of an older start), or
 * -1 with ERR (unreadable, or not 64 lower-case hex digits).
 */
int jshim_shim_recorded_group (const char *bundle, char hash[65],
                               jshim_error_t *err);

/*
 * The daemon state directory of the group HASH: $JSHIM_SHIM_STATE_DIR (or
 * JSHIM_SHIM_STATE_DIR) "/" HASH into OUT.  Returns 0, or -1 with ERR.
 */
int jshim_shim_state_dir (const char *hash, char *out, size_t size,
                          jshim_error_t *err);

/*
 * The limit for the daemon's start from VALUE (JSHIM_SHIM_START_TIMEOUT_MS;
 * NULL or empty: the default) into *OUT.  Returns 0, or -1 with ERR naming
 * the variable when VALUE is not 1..JSHIM_START_TIMEOUT_MAX_MS digits.
 */
int jshim_start_timeout_ms (const char *value, long *out, jshim_error_t *err);

/* The whole file at PATH (at most 64 MiB) into a malloc'd *DATA. */
int jshim_read_file (const char *path, char **data, size_t *len,
                     jshim_error_t *err);

/*
 * The start action, run in the bundle (the current directory).  On
 * success writes BUNDLE/address, prints the address to stdout and returns
 * 0; otherwise returns -1 with ERR (nothing printed).
 */
int jshim_shim_start (const jshim_shim_args_t *args, jshim_error_t *err);

#endif /* JSHIM_SHIM_START_H */
