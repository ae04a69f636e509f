#include "seccomp.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <seccomp.h>

#include "sync.h"

static const struct
{
  const char *name;
  int op;
} operators[] = {
  { "ne", SCMP_CMP_NE }, { "lt", SCMP_CMP_LT },
  { "le", SCMP_CMP_LE }, { "eq", SCMP_CMP_EQ },
  { "ge", SCMP_CMP_GE }, { "gt", SCMP_CMP_GT },
  { "masked_eq", SCMP_CMP_MASKED_EQ },
};

static int
bad (jshim_error_t *err, const char *what, const char *text,
     const char *expected)
{
  return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                     "--seccomp: %s \"%s\" (expected: %s)", what, text,
                     expected);
}

static int
parse_u64 (const char *text, uint64_t *out)
{
  char *end;
  unsigned long long v;

  if (text[0] < '0' || text[0] > '9')
    return -1;
  errno = 0;
  v = strtoull (text, &end, 10);
  if (errno != 0 || *end != '\0')
    return -1;
  *out = v;
  return 0;
}

/* "errno:N" and "trace:N" carry a value 0..4095 (the kernel's MAX_ERRNO). */
static int
parse_action (const char *text, uint32_t *out, jshim_error_t *err)
{
  static const char expected[]
      = "allow, errno:N, kill_thread, kill_process, trap, trace:N or log "
        "with N 0..4095";
  const char *colon = strchr (text, ':');
  size_t len = colon ? (size_t) (colon - text) : strlen (text);
  uint64_t n = 0;

  if (colon != NULL && (parse_u64 (colon + 1, &n) < 0 || n > 4095))
    return bad (err, "action", text, expected);
  if (len == 5 && strncmp (text, "errno", 5) == 0 && colon)
    *out = SCMP_ACT_ERRNO ((uint32_t) n);
  else if (len == 5 && strncmp (text, "trace", 5) == 0 && colon)
    *out = SCMP_ACT_TRACE ((uint32_t) n);
  else if (colon != NULL)
    return bad (err, "action", text, expected);
  else if (strcmp (text, "allow") == 0)
    *out = SCMP_ACT_ALLOW;
  else if (strcmp (text, "kill_thread") == 0)
    *out = SCMP_ACT_KILL_THREAD;
  else if (strcmp (text, "kill_process") == 0)
    *out = SCMP_ACT_KILL_PROCESS;
  else if (strcmp (text, "trap") == 0)
    *out = SCMP_ACT_TRAP;
  else if (strcmp (text, "log") == 0)
    *out = SCMP_ACT_LOG;
  else
    return bad (err, "action", text, expected);
  return 0;
}

/* IDX:OP:VALUE:VALUE2 */
static int
parse_cond (char *text, struct jshim_seccomp_cond *c, jshim_error_t *err)
{
  static const char expected[]
      = "IDX:OP:VALUE:VALUE2 with IDX 0..5, OP ne, lt, le, eq, ge, gt or "
        "masked_eq, unsigned 64-bit values";
  char *copy = strdup (text), *save = NULL, *idx, *op, *v1, *v2;
  uint64_t index;
  size_t i;
  int rc = -1;

  if (copy == NULL)
    return jshim_fail_sys (err, JSHIM_STAGE_ARGS, ENOMEM, "--seccomp");
  idx = strtok_r (copy, ":", &save);
  op = strtok_r (NULL, ":", &save);
  v1 = strtok_r (NULL, ":", &save);
  v2 = strtok_r (NULL, ":", &save);
  if (idx == NULL || op == NULL || v1 == NULL || v2 == NULL
      || strtok_r (NULL, ":", &save) != NULL || parse_u64 (idx, &index) < 0
      || index > 5 || parse_u64 (v1, &c->value) < 0
      || parse_u64 (v2, &c->value_two) < 0)
    goto out;
  c->index = (unsigned int) index;
  for (i = 0; i < sizeof (operators) / sizeof (operators[0]); i++)
    if (strcmp (op, operators[i].name) == 0)
      {
        c->op = operators[i].op;
        rc = 0;
      }
out:
  free (copy);
  return rc == 0 ? 0 : bad (err, "argument comparison", text, expected);
}

static int
grow (void **array, size_t n, size_t size)
{
  void *p = realloc (*array, (n + 1) * size);

  if (p == NULL)
    return -1;
  *array = p;
  return 0;
}

/* syscall ACTION NAMES [COND]... ; FIELDS has the words after "syscall". */
static int
parse_syscall (char *fields, struct jshim_seccomp *p, jshim_error_t *err)
{
  struct jshim_seccomp_rule *r;
  char *save = NULL, *action, *names, *name, *cond, *nsave = NULL;

  action = strtok_r (fields, " ", &save);
  names = strtok_r (NULL, " ", &save);
  if (action == NULL || names == NULL)
    return bad (err, "record", "syscall", "syscall ACTION NAME[,NAME...]");
  if (grow ((void **) &p->rules, p->n_rules, sizeof (*p->rules)) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_ARGS, ENOMEM, "--seccomp");
  r = &p->rules[p->n_rules++];
  memset (r, 0, sizeof (*r));
  if (parse_action (action, &r->action, err) < 0)
    return -1;
  for (name = strtok_r (names, ",", &nsave); name != NULL;
       name = strtok_r (NULL, ",", &nsave))
    {
      if (grow ((void **) &r->names, r->n_names, sizeof (*r->names)) < 0)
        return jshim_fail_sys (err, JSHIM_STAGE_ARGS, ENOMEM, "--seccomp");
      r->names[r->n_names++] = name;
    }
  if (r->n_names == 0)
    return bad (err, "syscall names", names, "NAME[,NAME...]");
  while ((cond = strtok_r (NULL, " ", &save)) != NULL)
    {
      if (grow ((void **) &r->conds, r->n_conds, sizeof (*r->conds)) < 0)
        return jshim_fail_sys (err, JSHIM_STAGE_ARGS, ENOMEM, "--seccomp");
      if (parse_cond (cond, &r->conds[r->n_conds], err) < 0)
        return -1;
      r->n_conds++;
    }
  return 0;
}

static int
parse_record (char *record, struct jshim_seccomp *p, bool *has_default,
              jshim_error_t *err)
{
  char *rest = strchr (record, ' ');

  if (rest == NULL)
    return bad (err, "record", record,
                "default ACTION, arch NAME, flag NAME or syscall ...");
  *rest++ = '\0';
  if (strcmp (record, "default") == 0)
    {
      *has_default = true;
      return parse_action (rest, &p->default_action, err);
    }
  if (strcmp (record, "arch") == 0)
    {
      uint32_t arch = seccomp_arch_resolve_name (rest);

      if (arch == 0)
        return bad (err, "architecture", rest,
                    "a libseccomp name such as x86_64, x86, x32, aarch64");
      if (grow ((void **) &p->arches, p->n_arches, sizeof (*p->arches)) < 0)
        return jshim_fail_sys (err, JSHIM_STAGE_ARGS, ENOMEM, "--seccomp");
      p->arches[p->n_arches++] = arch;
      return 0;
    }
  if (strcmp (record, "flag") == 0)
    {
      if (strcmp (rest, "log") == 0)
        p->flag_log = true;
      else if (strcmp (rest, "spec_allow") == 0)
        p->flag_spec_allow = true;
      else
        return bad (err, "flag", rest, "log or spec_allow");
      return 0;
    }
  if (strcmp (record, "syscall") == 0)
    return parse_syscall (rest, p, err);
  return bad (err, "record", record, "default, arch, flag or syscall");
}

int
jshim_seccomp_parse (const char *profile, struct jshim_seccomp **out,
                     jshim_error_t *err)
{
  struct jshim_seccomp *p = calloc (1, sizeof (*p));
  char *save = NULL, *record;
  bool has_default = false;

  *out = NULL;
  if (p == NULL || (p->text = strdup (profile)) == NULL)
    {
      free (p);
      return jshim_fail_sys (err, JSHIM_STAGE_ARGS, ENOMEM, "--seccomp");
    }
  for (record = strtok_r (p->text, ";", &save); record != NULL;
       record = strtok_r (NULL, ";", &save))
    if (parse_record (record, p, &has_default, err) < 0)
      {
        jshim_seccomp_free (p);
        return -1;
      }
  if (!has_default)
    {
      jshim_seccomp_free (p);
      return jshim_fail (err, JSHIM_STAGE_ARGS, EINVAL,
                         "--seccomp: no default record (expected: "
                         "\"default ACTION\" among the records)");
    }
  *out = p;
  return 0;
}

void
jshim_seccomp_free (struct jshim_seccomp *p)
{
  size_t i;

  if (p == NULL)
    return;
  for (i = 0; i < p->n_rules; i++)
    {
      free (p->rules[i].names);
      free (p->rules[i].conds);
    }
  free (p->rules);
  free (p->arches);
  free (p->text);
  free (p);
}

size_t
jshim_seccomp_known_names (const struct jshim_seccomp *p)
{
  size_t i, j, n = 0;

  for (i = 0; i < p->n_rules; i++)
    for (j = 0; j < p->rules[i].n_names; j++)
      if (seccomp_syscall_resolve_name (p->rules[i].names[j])
          != __NR_SCMP_ERROR)
        n++;
  return n;
}

static int
add_rule (scmp_filter_ctx ctx, const struct jshim_seccomp_rule *r,
          const char *name, int nr, jshim_error_t *err)
{
  struct scmp_arg_cmp conds[64];
  bool same_index = false;
  unsigned int seen = 0;
  size_t i;
  int rc;

  if (r->n_conds > sizeof (conds) / sizeof (conds[0]))
    return jshim_fail (err, JSHIM_STAGE_SECCOMP, E2BIG,
                       "seccomp rule for %s: %zu argument comparisons "
                       "(expected: at most 64)", name, r->n_conds);
  for (i = 0; i < r->n_conds; i++)
    {
      conds[i].arg = r->conds[i].index;
      conds[i].op = (enum scmp_compare) r->conds[i].op;
      conds[i].datum_a = r->conds[i].value;
      conds[i].datum_b = r->conds[i].value_two;
      if (seen & (1u << r->conds[i].index))
        same_index = true;
      seen |= 1u << r->conds[i].index;
    }
  /* runc's rule: one argument compared twice makes each comparison a rule
     of its own (any matches); otherwise all must hold. */
  if (same_index)
    {
      for (i = 0; i < r->n_conds; i++)
        if ((rc = seccomp_rule_add_array (ctx, r->action, nr, 1, &conds[i]))
            < 0)
          break;
    }
  else
    rc = seccomp_rule_add_array (ctx, r->action, nr,
                                 (unsigned int) r->n_conds, conds);
  if (rc < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_SECCOMP, -rc,
                           "add the seccomp rule for syscall %s", name);
  return 0;
}

static int
build (scmp_filter_ctx ctx, const struct jshim_seccomp *p, jshim_error_t *err)
{
  size_t i, j;
  int rc;

  for (i = 0; i < p->n_arches; i++)
    if ((rc = seccomp_arch_add (ctx, p->arches[i])) < 0 && rc != -EEXIST)
      return jshim_fail_sys (err, JSHIM_STAGE_SECCOMP, -rc,
                             "add architecture 0x%x to the seccomp filter",
                             (unsigned) p->arches[i]);
  /* the kernel's errno, not libseccomp's ECANCELED, in our messages */
  seccomp_attr_set (ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
  /* no_new_privs is the caller's business (process.noNewPrivileges) */
  if ((rc = seccomp_attr_set (ctx, SCMP_FLTATR_CTL_NNP, 0)) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_SECCOMP, -rc,
                           "clear the seccomp filter's no_new_privs attribute");
  if (p->flag_log && (rc = seccomp_attr_set (ctx, SCMP_FLTATR_CTL_LOG, 1)) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_SECCOMP, -rc,
                           "set SECCOMP_FILTER_FLAG_LOG");
  if (p->flag_spec_allow
      && (rc = seccomp_attr_set (ctx, SCMP_FLTATR_CTL_SSB, 1)) < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_SECCOMP, -rc,
                           "set SECCOMP_FILTER_FLAG_SPEC_ALLOW");
  for (i = 0; i < p->n_rules; i++)
    {
      const struct jshim_seccomp_rule *r = &p->rules[i];

      /* libseccomp refuses a rule with the default action; it changes
         nothing anyway */
      if (r->action == p->default_action)
        continue;
      for (j = 0; j < r->n_names; j++)
        {
          int nr = seccomp_syscall_resolve_name (r->names[j]);

          if (nr == __NR_SCMP_ERROR)
            continue; /* unknown to libseccomp: skipped, as runc does */
          if (r->n_conds == 0)
            {
              if ((rc = seccomp_rule_add (ctx, r->action, nr, 0)) < 0)
                return jshim_fail_sys (err, JSHIM_STAGE_SECCOMP, -rc,
                                       "add the seccomp rule for syscall %s",
                                       r->names[j]);
            }
          else if (add_rule (ctx, r, r->names[j], nr, err) < 0)
            return -1;
        }
    }
  return 0;
}

int
jshim_seccomp_load (const struct jshim_seccomp *p, jshim_error_t *err)
{
  scmp_filter_ctx ctx = seccomp_init (p->default_action);
  int rc;

  if (ctx == NULL)
    return jshim_fail (err, JSHIM_STAGE_SECCOMP, EINVAL,
                       "create the seccomp filter (default action 0x%x)",
                       (unsigned) p->default_action);
  if (build (ctx, p, err) < 0)
    {
      seccomp_release (ctx);
      return -1;
    }
  rc = seccomp_load (ctx);
  seccomp_release (ctx);
  if (rc < 0)
    return jshim_fail_sys (err, JSHIM_STAGE_SECCOMP, -rc,
                           "load the seccomp filter");
  return 0;
}
