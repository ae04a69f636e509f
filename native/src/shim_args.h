/*
 * Command line of containerd-shim-jshim-v2, parsed the way Go's flag
 * package does it: flags first (-name value, -name=value, or the same with
 * two dashes; boolean flags take no separate value), then the action word.
 */
#ifndef JSHIM_SHIM_ARGS_H
#define JSHIM_SHIM_ARGS_H

#include <stdbool.h>

#include "error.h"
#include "shim_group.h"

typedef struct jshim_shim_args
{
  const char *namespace;      /* -namespace NS */
  const char *address;        /* -address ADDR (containerd's gRPC socket) */
  const char *publish_binary; /* -publish-binary BIN (unused) */
  const char *id;             /* -id ID */
  const char *bundle;         /* -bundle DIR (delete) */
  bool debug;                 /* -debug */
  bool version;               /* -v */
  const char *action;         /* "start", "delete", or NULL (none given) */
  jshim_grouping_t grouping;  /* from argv[0]'s base name */
} jshim_shim_args_t;

/*
 * Parse ARGV[1..ARGC-1] into ARGS (pointers into ARGV), and the grouping
 * from ARGV[0] (see jshim_grouping_of_program).  Returns 0, or -1
 * with ERR describing the usage error (unknown flag, missing value, bad
 * boolean, unknown or extra action word).  A missing action is not an
 * error here (-v needs none); the caller decides.
 */
int jshim_shim_parse_args (int argc, char **argv, jshim_shim_args_t *args,
                           jshim_error_t *err);

#endif /* JSHIM_SHIM_ARGS_H */
