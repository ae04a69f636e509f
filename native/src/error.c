#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
jshim_error_clear (jshim_error_t *err)
{
  err->stage = 0;
  err->err = 0;
  err->msg[0] = '\0';
}

static int
fill (jshim_error_t *err, int stage, int errnum, int with_strerror,
      const char *fmt, va_list ap)
{
  int n;
  size_t used;

  err->stage = stage;
  err->err = errnum;
  n = vsnprintf (err->msg, sizeof (err->msg), fmt, ap);
  if (n < 0)
    {
      err->msg[0] = '\0';
      n = 0;
    }
  used = (size_t) n < sizeof (err->msg) ? (size_t) n : sizeof (err->msg) - 1;
  if (with_strerror && errnum != 0 && used < sizeof (err->msg) - 1)
    snprintf (err->msg + used, sizeof (err->msg) - used, ": %s",
              strerror (errnum));
  return -1;
}

int
jshim_fail (jshim_error_t *err, int stage, int errnum, const char *fmt, ...)
{
  va_list ap;
  int ret;

  va_start (ap, fmt);
  ret = fill (err, stage, errnum, 0, fmt, ap);
  va_end (ap);
  return ret;
}

int
jshim_fail_sys (jshim_error_t *err, int stage, int errnum, const char *fmt, ...)
{
  va_list ap;
  int ret;

  va_start (ap, fmt);
  ret = fill (err, stage, errnum, 1, fmt, ap);
  va_end (ap);
  return ret;
}

size_t
jshim_error_len (const jshim_error_t *err)
{
  return strnlen (err->msg, JSHIM_ERROR_MSG_MAX);
}
