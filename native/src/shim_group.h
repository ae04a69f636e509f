/*
 * Group key of a container: which shim daemon serves it.
 */
#ifndef JSHIM_SHIM_GROUP_H
#define JSHIM_SHIM_GROUP_H

#include <stddef.h>

#include "error.h"

#define JSHIM_GROUP_ANNOTATION "io.containerd.jshim.v2.group"
#define JSHIM_SANDBOX_ANNOTATION "io.kubernetes.cri.sandbox-id"

/*
 * Which containers share a daemon when no group annotation says: those of
 * one pod (JSHIM_SANDBOX_ANNOTATION, else the namespace), or all of one
 * containerd namespace.  The program's name chooses: containerd runs
 * containerd-shim-NAME-v2 for the runtime type io.containerd.NAME.v2, so
 * the runtime type (an operator's setting, not a pod's) picks the grouping.
 */
typedef enum jshim_grouping
{
  JSHIM_GROUP_BY_POD,
  JSHIM_GROUP_BY_NAMESPACE
} jshim_grouping_t;

#define JSHIM_SHIM_PROG "containerd-shim-jshim-v2"
#define JSHIM_SHIM_POD_PROG "containerd-shim-jshim-pod-v2"
#define JSHIM_SHIM_NODE_PROG "containerd-shim-jshim-node-v2"
/* The grouping of JSHIM_SHIM_PROG (and of any other name). */
#define JSHIM_GROUPING_DEFAULT JSHIM_GROUP_BY_NAMESPACE

/*
 * The grouping named by the base name of ARGV0 (a path, or NULL):
 * JSHIM_SHIM_POD_PROG per pod, JSHIM_SHIM_NODE_PROG per namespace,
 * anything else JSHIM_GROUPING_DEFAULT.
 */
jshim_grouping_t jshim_grouping_of_program (const char *argv0);

/*
 * From the OCI config JSON in [JSON, JSON+LEN): the value of the
 * annotation JSHIM_GROUP_ANNOTATION if present, else (GROUPING per pod)
 * that of JSHIM_SANDBOX_ANNOTATION, else NAMESPACE.  The whole document must be
 * valid JSON whose top level is an object; "annotations", if present,
 * must be an object of strings (or null).  Returns 0 with a malloc'd,
 * NUL-terminated key in *KEY, or -1 with ERR (malformed input, ENOMEM).
 */
int jshim_group_key (const char *json, size_t len, const char *namespace,
                     jshim_grouping_t grouping, char **key,
                     jshim_error_t *err);

#endif /* JSHIM_SHIM_GROUP_H */
