/*
 * The check macros the C test programs share: a failed check prints a
 * "# file:line: ..." diagnostic and marks the running test failed; each
 * program's run_test counts passes and failures and prints "N passed, N failed".
 */
#ifndef JSHIM_TESTS_CHECK_H
#define JSHIM_TESTS_CHECK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Set by a failed check, reset by the program's run_test before each test. */
static bool current_failed;

__attribute__ ((format (printf, 1, 2))) static void
diag (const char *fmt, ...)
{
  va_list ap;

  fputs ("# ", stdout);
  va_start (ap, fmt);
  vprintf (fmt, ap);
  va_end (ap);
  fputc ('\n', stdout);
}

#define CHECK(cond)                                                         \
  do                                                                        \
    {                                                                       \
      if (!(cond))                                                          \
        {                                                                   \
          diag ("%s:%d: check failed: %s", __FILE__, __LINE__, #cond);      \
          current_failed = true;                                            \
        }                                                                   \
    }                                                                       \
  while (0)

#define CHECK_INT(got, want)                                                \
  do                                                                        \
    {                                                                       \
      long long g_ = (long long) (got), w_ = (long long) (want);            \
      if (g_ != w_)                                                         \
        {                                                                   \
          diag ("%s:%d: %s is %lld, expected %lld", __FILE__, __LINE__,     \
                #got, g_, w_);                                              \
          current_failed = true;                                            \
        }                                                                   \
    }                                                                       \
  while (0)

#define CHECK_STR(got, want)                                                \
  do                                                                        \
    {                                                                       \
      const char *g_ = (got), *w_ = (want);                                 \
      if (g_ == NULL || strcmp (g_, w_) != 0)                               \
        {                                                                   \
          diag ("%s:%d: %s is \"%s\", expected \"%s\"", __FILE__, __LINE__, \
                #got, g_ ? g_ : "(null)", w_);                              \
          current_failed = true;                                            \
        }                                                                   \
    }                                                                       \
  while (0)

#define CHECK_CONTAINS(hay, needle)                                         \
  do                                                                        \
    {                                                                       \
      const char *h_ = (hay), *n_ = (needle);                               \
      if (h_ == NULL || strstr (h_, n_) == NULL)                            \
        {                                                                   \
          diag ("%s:%d: \"%s\" does not contain \"%s\"", __FILE__,          \
                __LINE__, h_ ? h_ : "(null)", n_);                          \
          current_failed = true;                                            \
        }                                                                   \
    }                                                                       \
  while (0)

#endif
