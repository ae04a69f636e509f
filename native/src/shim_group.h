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
 * From the OCI config JSON in [JSON, JSON+LEN): the value of the
 * annotation JSHIM_GROUP_ANNOTATION if present, else that of
 * JSHIM_SANDBOX_ANNOTATION, else NAMESPACE.  The whole document must be
 * valid JSON whose top level is an object; "annotations", if present,
 * must be an object of strings (or null).  Returns 0 with a malloc'd,
 * NUL-terminated key in *KEY, or -1 with ERR (malformed input, ENOMEM).
 */
int jshim_group_key (const char *json, size_t len, const char *namespace,
                     char **key, jshim_error_t *err);

#endif /* JSHIM_SHIM_GROUP_H */
