/*
 * Go-flag-style parsing for containerd-shim-jshim-v2 (see shim_args.h).
 */
#include "shim_args.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

enum kind
{
  STRING_FLAG,
  BOOL_FLAG
};

struct flag
{
  const char *name;
  enum kind kind;
  size_t offset; /* of the const char * or bool in jshim_shim_args_t */
};

static const struct flag flags[] = {
  { "namespace", STRING_FLAG, offsetof (jshim_shim_args_t, namespace) },
  { "address", STRING_FLAG, offsetof (jshim_shim_args_t, address) },
  { "publish-binary", STRING_FLAG,
    offsetof (jshim_shim_args_t, publish_binary) },
  { "id", STRING_FLAG, offsetof (jshim_shim_args_t, id) },
  { "bundle", STRING_FLAG, offsetof (jshim_shim_args_t, bundle) },
  { "debug", BOOL_FLAG, offsetof (jshim_shim_args_t, debug) },
  { "v", BOOL_FLAG, offsetof (jshim_shim_args_t, version) },
};

/* Go's strconv.ParseBool. */
static int
parse_bool (const char *s, bool *out)
{
  static const char *const yes[] = { "1", "t", "T", "true", "TRUE", "True" };
  static const char *const no[] = { "0", "f", "F", "false", "FALSE", "False" };
  size_t i;

  for (i = 0; i < sizeof (yes) / sizeof (yes[0]); i++)
    if (strcmp (s, yes[i]) == 0)
      {
        *out = true;
        return 0;
      }
  for (i = 0; i < sizeof (no) / sizeof (no[0]); i++)
    if (strcmp (s, no[i]) == 0)
      {
        *out = false;
        return 0;
      }
  return -1;
}

int
jshim_shim_parse_args (int argc, char **argv, jshim_shim_args_t *args,
                       jshim_error_t *err)
{
  int i = 1;

  memset (args, 0, sizeof (*args));
  jshim_error_clear (err);
  args->grouping = jshim_grouping_of_program (argc > 0 ? argv[0] : NULL);

  while (i < argc)
    {
      const char *arg = argv[i], *name, *eq;
      size_t name_len, k;
      const struct flag *f = NULL;

      if (arg[0] != '-' || arg[1] == '\0')
        break; /* the action word */
      i++;
      if (strcmp (arg, "--") == 0)
        break;
      name = arg + 1;
      if (*name == '-')
        name++;
      if (*name == '\0' || *name == '-' || *name == '=')
        return jshim_fail (err, 0, EINVAL, "bad flag syntax: %s", arg);
      eq = strchr (name, '=');
      name_len = eq ? (size_t) (eq - name) : strlen (name);
      for (k = 0; k < sizeof (flags) / sizeof (flags[0]); k++)
        if (strlen (flags[k].name) == name_len
            && strncmp (flags[k].name, name, name_len) == 0)
          f = &flags[k];
      if (f == NULL)
        return jshim_fail (err, 0, EINVAL,
                           "flag provided but not defined: -%.*s",
                           (int) name_len, name);

      if (f->kind == BOOL_FLAG)
        {
          bool *dst = (bool *) ((char *) args + f->offset);

          if (eq == NULL)
            *dst = true;
          else if (parse_bool (eq + 1, dst) < 0)
            return jshim_fail (err, 0, EINVAL,
                               "invalid boolean value \"%s\" for -%s",
                               eq + 1, f->name);
        }
      else
        {
          const char **dst = (const char **) ((char *) args + f->offset);

          if (eq != NULL)
            *dst = eq + 1;
          else if (i < argc)
            *dst = argv[i++];
          else
            return jshim_fail (err, 0, EINVAL,
                               "flag needs an argument: -%s", f->name);
        }
    }

  if (i < argc)
    {
      const char *action = argv[i++];

      if (strcmp (action, "start") != 0 && strcmp (action, "delete") != 0)
        return jshim_fail (err, 0, EINVAL, "unknown action \"%s\"", action);
      if (i < argc)
        return jshim_fail (err, 0, EINVAL,
                           "unexpected argument after %s: \"%s\"", action,
                           argv[i]);
      args->action = action;
    }
  return 0;
}
