#include "options.h"

#include <errno.h>
#include <string.h>

#include "sync.h"

int
jshim_option_value (int argc, char **argv, int *i, const char *name,
                    const char **value, const char *usage, jshim_error_t *err)
{
  const char *arg = argv[*i];
  size_t len = strlen (name);

  if (strncmp (arg, name, len) != 0)
    return 0;
  if (arg[len] == '=')
    {
      *value = arg + len + 1;
      return 1;
    }
  if (arg[len] != '\0')
    return 0;
  if (*i + 1 >= argc)
    return usage == NULL
               ? jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                             "option %s needs a value", name)
               : jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                             "option %s needs a value; usage: %s", name,
                             usage);
  *i += 1;
  *value = argv[*i];
  return 1;
}
