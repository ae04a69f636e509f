/*
 * SHA-256 (FIPS 180-4), written for the shim's socket names.
 */
#ifndef JSHIM_SHA256_H
#define JSHIM_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define JSHIM_SHA256_SIZE 32

typedef struct jshim_sha256
{
  uint32_t h[8];        /* intermediate hash value H(i) */
  uint64_t total;       /* message length so far, bytes */
  uint8_t block[64];    /* pending partial block */
  size_t used;          /* bytes in BLOCK */
} jshim_sha256_t;

void jshim_sha256_init (jshim_sha256_t *ctx);
void jshim_sha256_update (jshim_sha256_t *ctx, const void *data, size_t len);
void jshim_sha256_final (jshim_sha256_t *ctx,
                         uint8_t digest[JSHIM_SHA256_SIZE]);

/* One-shot: the digest of [DATA, DATA+LEN) as 64 lower-case hex digits
   plus NUL in HEX. */
void jshim_sha256_hex (const void *data, size_t len,
                       char hex[2 * JSHIM_SHA256_SIZE + 1]);

#endif /* JSHIM_SHA256_H */
