/*
 * SHA-256 as specified in FIPS 180-4, sections 4.1.2, 4.2.2, 5.1.1,
 * 5.3.3 and 6.2.  Big-endian words, 64-byte blocks.
 */
#include "sha256.h"

#include <string.h>

/* 4.2.2: first 32 bits of the fractional parts of the cube roots of the
   first 64 primes. */
static const uint32_t K[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
  0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
  0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

static uint32_t
rotr (uint32_t x, unsigned n)
{
  return (x >> n) | (x << (32 - n));
}

/* 6.2.2: process one 512-bit block. */
static void
compress (jshim_sha256_t *ctx, const uint8_t *p)
{
  uint32_t w[64], a, b, c, d, e, f, g, h;
  int t;

  for (t = 0; t < 16; t++)
    w[t] = (uint32_t) p[4 * t] << 24 | (uint32_t) p[4 * t + 1] << 16
           | (uint32_t) p[4 * t + 2] << 8 | (uint32_t) p[4 * t + 3];
  for (t = 16; t < 64; t++)
    {
      uint32_t s0 = rotr (w[t - 15], 7) ^ rotr (w[t - 15], 18)
                    ^ (w[t - 15] >> 3);
      uint32_t s1 = rotr (w[t - 2], 17) ^ rotr (w[t - 2], 19)
                    ^ (w[t - 2] >> 10);
      w[t] = s1 + w[t - 7] + s0 + w[t - 16];
    }

  a = ctx->h[0];
  b = ctx->h[1];
  c = ctx->h[2];
  d = ctx->h[3];
  e = ctx->h[4];
  f = ctx->h[5];
  g = ctx->h[6];
  h = ctx->h[7];
  for (t = 0; t < 64; t++)
    {
      uint32_t big_s1 = rotr (e, 6) ^ rotr (e, 11) ^ rotr (e, 25);
      uint32_t ch = (e & f) ^ (~e & g);
      uint32_t t1 = h + big_s1 + ch + K[t] + w[t];
      uint32_t big_s0 = rotr (a, 2) ^ rotr (a, 13) ^ rotr (a, 22);
      uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
      uint32_t t2 = big_s0 + maj;

      h = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
  ctx->h[0] += a;
  ctx->h[1] += b;
  ctx->h[2] += c;
  ctx->h[3] += d;
  ctx->h[4] += e;
  ctx->h[5] += f;
  ctx->h[6] += g;
  ctx->h[7] += h;
}

void
jshim_sha256_init (jshim_sha256_t *ctx)
{
  /* 5.3.3: fractional parts of the square roots of the first 8 primes. */
  static const uint32_t h0[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372,
                                  0xa54ff53a, 0x510e527f, 0x9b05688c,
                                  0x1f83d9ab, 0x5be0cd19 };

  memcpy (ctx->h, h0, sizeof (h0));
  ctx->total = 0;
  ctx->used = 0;
}

void
jshim_sha256_update (jshim_sha256_t *ctx, const void *data, size_t len)
{
  const uint8_t *p = data;

  ctx->total += len;
  if (ctx->used > 0)
    {
      size_t take = 64 - ctx->used < len ? 64 - ctx->used : len;

      memcpy (ctx->block + ctx->used, p, take);
      ctx->used += take;
      p += take;
      len -= take;
      if (ctx->used < 64)
        return;
      compress (ctx, ctx->block);
      ctx->used = 0;
    }
  while (len >= 64)
    {
      compress (ctx, p);
      p += 64;
      len -= 64;
    }
  memcpy (ctx->block, p, len);
  ctx->used = len;
}

void
jshim_sha256_final (jshim_sha256_t *ctx, uint8_t digest[JSHIM_SHA256_SIZE])
{
  /* 5.1.1: append bit 1, zeros up to 56 mod 64, then the 64-bit length
     in bits, big-endian. */
  uint64_t bits = ctx->total * 8;
  int i;

  ctx->block[ctx->used++] = 0x80;
  if (ctx->used > 56)
    {
      memset (ctx->block + ctx->used, 0, 64 - ctx->used);
      compress (ctx, ctx->block);
      ctx->used = 0;
    }
  memset (ctx->block + ctx->used, 0, 56 - ctx->used);
  for (i = 0; i < 8; i++)
    ctx->block[56 + i] = (uint8_t) (bits >> (56 - 8 * i));
  compress (ctx, ctx->block);
  for (i = 0; i < 8; i++)
    {
      digest[4 * i] = (uint8_t) (ctx->h[i] >> 24);
      digest[4 * i + 1] = (uint8_t) (ctx->h[i] >> 16);
      digest[4 * i + 2] = (uint8_t) (ctx->h[i] >> 8);
      digest[4 * i + 3] = (uint8_t) ctx->h[i];
    }
}

void
jshim_sha256_hex (const void *data, size_t len,
                  char hex[2 * JSHIM_SHA256_SIZE + 1])
{
  static const char digits[] = "0123456789abcdef";
  jshim_sha256_t ctx;
  uint8_t d[JSHIM_SHA256_SIZE];
  int i;

  jshim_sha256_init (&ctx);
  jshim_sha256_update (&ctx, data, len);
  jshim_sha256_final (&ctx, d);
  for (i = 0; i < JSHIM_SHA256_SIZE; i++)
    {
      hex[2 * i] = digits[d[i] >> 4];
      hex[2 * i + 1] = digits[d[i] & 0xf];
    }
  hex[2 * JSHIM_SHA256_SIZE] = '\0';
}
