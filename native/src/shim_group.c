/*
 * A small validating JSON scanner (RFC 8259) that only keeps the string
 * values of the top-level "annotations" object, enough to pick the group
 * key (see shim_group.h).
 */
#include "shim_group.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 256

struct scan
{
  const char *p, *end, *start;
  jshim_error_t *err;
  size_t last_len; /* decoded length of the last string kept */
};

static int
bad (struct scan *s, const char *what)
{
  return jshim_fail (s->err, 0, EINVAL,
                     "malformed config.json at byte %zu: %s",
                     (size_t) (s->p - s->start), what);
}

static void
skip_ws (struct scan *s)
{
  while (s->p < s->end
         && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
    s->p++;
}

static int
hex4 (struct scan *s, uint32_t *out)
{
  uint32_t v = 0;
  int i;

  if (s->end - s->p < 4)
    return bad (s, "short \\u escape");
  for (i = 0; i < 4; i++)
    {
      char c = *s->p++;

      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= (uint32_t) (c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= (uint32_t) (c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        v |= (uint32_t) (c - 'A' + 10);
      else
        return bad (s, "bad hex digit in \\u escape");
    }
  *out = v;
  return 0;
}

/* Append code point CP as UTF-8 to OUT (room for 4 more bytes). */
static size_t
put_utf8 (char *out, uint32_t cp)
{
  if (cp < 0x80)
    {
      out[0] = (char) cp;
      return 1;
    }
  if (cp < 0x800)
    {
      out[0] = (char) (0xc0 | (cp >> 6));
      out[1] = (char) (0x80 | (cp & 0x3f));
      return 2;
    }
  if (cp < 0x10000)
    {
      out[0] = (char) (0xe0 | (cp >> 12));
      out[1] = (char) (0x80 | ((cp >> 6) & 0x3f));
      out[2] = (char) (0x80 | (cp & 0x3f));
      return 3;
    }
  out[0] = (char) (0xf0 | (cp >> 18));
  out[1] = (char) (0x80 | ((cp >> 12) & 0x3f));
  out[2] = (char) (0x80 | ((cp >> 6) & 0x3f));
  out[3] = (char) (0x80 | (cp & 0x3f));
  return 4;
}

/*
 * A string at s->p (the opening quote).  With OUT non-NULL, stores the
 * decoded value as a malloc'd NUL-terminated string (a lone surrogate
 * becomes U+FFFD, as Go's decoder does).
 */
static int
scan_string (struct scan *s, char **out)
{
  const char *q;
  char *buf = NULL;
  size_t n = 0;

  if (s->p >= s->end || *s->p != '"')
    return bad (s, "expected a string");
  s->p++;
  if (out != NULL)
    {
      /* The decoded form is never longer than the encoded one. */
      for (q = s->p; q < s->end && *q != '"'; q++)
        if (*q == '\\' && q + 1 < s->end)
          q++;
      buf = malloc ((size_t) (q - s->p) + 1);
      if (buf == NULL)
        return jshim_fail_sys (s->err, 0, ENOMEM, "read config.json");
    }
  while (true)
    {
      unsigned char c;

      if (s->p >= s->end)
        {
          free (buf);
          return bad (s, "unterminated string");
        }
      c = (unsigned char) *s->p++;
      if (c == '"')
        break;
      if (c < 0x20)
        {
          s->p--;
          free (buf);
          return bad (s, "control character in a string");
        }
      if (c != '\\')
        {
          if (buf)
            buf[n++] = (char) c;
          continue;
        }
      if (s->p >= s->end)
        {
          free (buf);
          return bad (s, "unterminated string");
        }
      c = (unsigned char) *s->p++;
      {
        char one = 0;
        uint32_t cp, lo;

        switch (c)
          {
          case '"': one = '"'; break;
          case '\\': one = '\\'; break;
          case '/': one = '/'; break;
          case 'b': one = '\b'; break;
          case 'f': one = '\f'; break;
          case 'n': one = '\n'; break;
          case 'r': one = '\r'; break;
          case 't': one = '\t'; break;
          case 'u':
            if (hex4 (s, &cp) < 0)
              {
                free (buf);
                return -1;
              }
            if (cp >= 0xd800 && cp < 0xdc00 && s->end - s->p >= 6
                && s->p[0] == '\\' && s->p[1] == 'u')
              {
                const char *save = s->p;

                s->p += 2;
                if (hex4 (s, &lo) < 0)
                  {
                    free (buf);
                    return -1;
                  }
                if (lo >= 0xdc00 && lo < 0xe000)
                  cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                else
                  {
                    s->p = save; /* decode the second escape on its own */
                    cp = 0xfffd;
                  }
              }
            else if (cp >= 0xd800 && cp < 0xe000)
              cp = 0xfffd;
            /* 6 input bytes give at most 3 output bytes, 12 give 4. */
            if (buf)
              n += put_utf8 (buf + n, cp);
            continue;
          default:
            s->p--;
            free (buf);
            return bad (s, "bad escape in a string");
          }
        if (buf)
          buf[n++] = one;
      }
    }
  if (out != NULL)
    {
      buf[n] = '\0';
      *out = buf;
      s->last_len = n;
    }
  return 0;
}

static int
scan_literal (struct scan *s, const char *word)
{
  size_t len = strlen (word);

  if ((size_t) (s->end - s->p) < len || memcmp (s->p, word, len) != 0)
    return bad (s, "unexpected character");
  s->p += len;
  return 0;
}

static bool
is_digit (struct scan *s)
{
  return s->p < s->end && *s->p >= '0' && *s->p <= '9';
}

static int
scan_number (struct scan *s)
{
  if (s->p < s->end && *s->p == '-')
    s->p++;
  if (!is_digit (s))
    return bad (s, "bad number");
  if (*s->p == '0')
    s->p++;
  else
    while (is_digit (s))
      s->p++;
  if (s->p < s->end && *s->p == '.')
    {
      s->p++;
      if (!is_digit (s))
        return bad (s, "bad number");
      while (is_digit (s))
        s->p++;
    }
  if (s->p < s->end && (*s->p == 'e' || *s->p == 'E'))
    {
      s->p++;
      if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
        s->p++;
      if (!is_digit (s))
        return bad (s, "bad number");
      while (is_digit (s))
        s->p++;
    }
  return 0;
}

static int scan_value (struct scan *s, int depth);

/*
 * An object at s->p.  For each member, ON_MEMBER (if not NULL) is called
 * with the decoded key and must consume the value; otherwise the value is
 * skipped.
 */
typedef int (*member_fn) (struct scan *s, const char *key, size_t key_len,
                          void *data);

static int
scan_object (struct scan *s, int depth, member_fn on_member, void *data)
{
  if (depth > MAX_DEPTH)
    return bad (s, "nested too deeply");
  s->p++; /* '{' */
  skip_ws (s);
  if (s->p < s->end && *s->p == '}')
    {
      s->p++;
      return 0;
    }
  while (true)
    {
      char *key = NULL;
      int r;

      skip_ws (s);
      if (scan_string (s, on_member ? &key : NULL) < 0)
        return -1;
      skip_ws (s);
      if (s->p >= s->end || *s->p != ':')
        {
          free (key);
          return bad (s, "expected ':'");
        }
      s->p++;
      skip_ws (s);
      r = on_member ? on_member (s, key, s->last_len, data)
                    : scan_value (s, depth + 1);
      free (key);
      if (r < 0)
        return -1;
      skip_ws (s);
      if (s->p < s->end && *s->p == ',')
        {
          s->p++;
          continue;
        }
      if (s->p < s->end && *s->p == '}')
        {
          s->p++;
          return 0;
        }
      return bad (s, "expected ',' or '}'");
    }
}

static int
scan_array (struct scan *s, int depth)
{
  if (depth > MAX_DEPTH)
    return bad (s, "nested too deeply");
  s->p++; /* '[' */
  skip_ws (s);
  if (s->p < s->end && *s->p == ']')
    {
      s->p++;
      return 0;
    }
  while (true)
    {
      skip_ws (s);
      if (scan_value (s, depth + 1) < 0)
        return -1;
      skip_ws (s);
      if (s->p < s->end && *s->p == ',')
        {
          s->p++;
          continue;
        }
      if (s->p < s->end && *s->p == ']')
        {
          s->p++;
          return 0;
        }
      return bad (s, "expected ',' or ']'");
    }
}

static int
scan_value (struct scan *s, int depth)
{
  if (s->p >= s->end)
    return bad (s, "unexpected end of input");
  switch (*s->p)
    {
    case '{':
      return scan_object (s, depth, NULL, NULL);
    case '[':
      return scan_array (s, depth);
    case '"':
      return scan_string (s, NULL);
    case 't':
      return scan_literal (s, "true");
    case 'f':
      return scan_literal (s, "false");
    case 'n':
      return scan_literal (s, "null");
    default:
      return scan_number (s);
    }
}

struct found
{
  char *group;     /* JSHIM_GROUP_ANNOTATION */
  char *sandbox;   /* JSHIM_SANDBOX_ANNOTATION */
};

static void
replace (char **slot, char *value)
{
  free (*slot);
  *slot = value;
}

/* KEY (KEY_LEN bytes, may hold NULs) is exactly NAME. */
static bool
key_is (const char *key, size_t key_len, const char *name)
{
  return key_len == strlen (name) && memcmp (key, name, key_len) == 0;
}

static int
on_annotation (struct scan *s, const char *key, size_t key_len, void *data)
{
  struct found *f = data;
  char *value = NULL;

  if (s->p >= s->end || *s->p != '"')
    return jshim_fail (s->err, 0, EINVAL,
                       "malformed config.json at byte %zu: annotation "
                       "\"%s\" is not a string",
                       (size_t) (s->p - s->start), key);
  if (scan_string (s, &value) < 0)
    return -1;
  if (!key_is (key, key_len, JSHIM_GROUP_ANNOTATION)
      && !key_is (key, key_len, JSHIM_SANDBOX_ANNOTATION))
    {
      free (value);
      return 0;
    }
  if (strlen (value) != s->last_len)
    {
      free (value);
      return jshim_fail (s->err, 0, EINVAL, "malformed config.json: "
                         "annotation \"%s\" holds a NUL character", key);
    }
  /* A repeated key: the last one wins, as with Go's decoder. */
  if (key_is (key, key_len, JSHIM_GROUP_ANNOTATION))
    replace (&f->group, value);
  else
    replace (&f->sandbox, value);
  return 0;
}

static int
on_top_member (struct scan *s, const char *key, size_t key_len, void *data)
{
  struct found *f = data;

  if (!key_is (key, key_len, "annotations"))
    return scan_value (s, 1);
  if (s->p < s->end && *s->p == 'n')
    {
      /* "annotations": null, the same as none (a later one still counts) */
      replace (&f->group, NULL);
      replace (&f->sandbox, NULL);
      return scan_literal (s, "null");
    }
  if (s->p >= s->end || *s->p != '{')
    return bad (s, "\"annotations\" is not an object");
  replace (&f->group, NULL);
  replace (&f->sandbox, NULL);
  return scan_object (s, 1, on_annotation, f);
}

jshim_grouping_t
jshim_grouping_of_program (const char *argv0)
{
  const char *base;

  if (argv0 == NULL)
    return JSHIM_GROUPING_DEFAULT;
  base = strrchr (argv0, '/');
  base = base ? base + 1 : argv0;
  if (strcmp (base, JSHIM_SHIM_NODE_PROG) == 0)
    return JSHIM_GROUP_BY_NAMESPACE;
  if (strcmp (base, JSHIM_SHIM_POD_PROG) == 0)
    return JSHIM_GROUP_BY_POD;
  return JSHIM_GROUPING_DEFAULT;
}

int
jshim_group_key (const char *json, size_t len, const char *namespace,
                 jshim_grouping_t grouping, char **key, jshim_error_t *err)
{
  struct scan s = { json, json + len, json, err, 0 };
  struct found f = { NULL, NULL };

  jshim_error_clear (err);
  if (len >= 3 && memcmp (json, "\xef\xbb\xbf", 3) == 0)
    return bad (&s, "byte order mark");
  skip_ws (&s);
  if (s.p >= s.end || *s.p != '{')
    return bad (&s, "the top level is not an object");
  if (scan_object (&s, 0, on_top_member, &f) < 0)
    goto fail;
  skip_ws (&s);
  if (s.p != s.end)
    {
      bad (&s, "text after the top-level object");
      goto fail;
    }
  if (f.group != NULL)
    {
      *key = f.group;
      free (f.sandbox);
      return 0;
    }
  if (f.sandbox != NULL && grouping == JSHIM_GROUP_BY_POD)
    {
      *key = f.sandbox;
      return 0;
    }
  free (f.sandbox);
  *key = strdup (namespace);
  if (*key == NULL)
    return jshim_fail_sys (err, 0, ENOMEM, "group key");
  return 0;

fail:
  free (f.group);
  free (f.sandbox);
  return -1;
}
