/*
 * Command-line options that take a value, shared by the helper's own
 * parser and the parsers of its option groups (attrs.c).
 */
#ifndef JSHIM_OPTIONS_H
#define JSHIM_OPTIONS_H

#include "error.h"

/*
 * Matches argv[*I] against "NAME VALUE" or "NAME=VALUE".  Returns 1 with
 * *VALUE set and *I advanced past a separate value, 0 when argv[*I] is
 * another option, -1 (stage ARGS, EINVAL) when the value is missing; the
 * message ends with "; usage: USAGE" unless USAGE is NULL.
 */
int jshim_option_value (int argc, char **argv, int *i, const char *name,
                        const char **value, const char *usage,
                        jshim_error_t *err);

#endif
