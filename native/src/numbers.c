#include "numbers.h"

int
jshim_parse_decimal (const char *text, size_t len, uint64_t max,
                     uint64_t *out)
{
  uint64_t v = 0;
  size_t i;

  if (len == 0)
    return -1;
  for (i = 0; i < len; i++)
    {
      unsigned d;

      if (text[i] < '0' || text[i] > '9')
        return -1;
      d = (unsigned) (text[i] - '0');
      /* d > max first: max - d would wrap for a small max */
      if (d > max || v > (max - d) / 10)
        return -1;
      v = v * 10 + d;
    }
  *out = v;
  return 0;
}
