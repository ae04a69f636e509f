/*
 * Strict number parsing for command-line values: no sign, no blanks, no
 * trailing text.
 */
#ifndef JSHIM_NUMBERS_H
#define JSHIM_NUMBERS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decimal digits only, the whole of [TEXT, TEXT+LEN), at most MAX.  Stores
 * the value in *OUT and returns 0, or returns -1 (empty, not a digit,
 * above MAX).
 */
int jshim_parse_decimal (const char *text, size_t len, uint64_t max,
                         uint64_t *out);

#endif /* JSHIM_NUMBERS_H */
