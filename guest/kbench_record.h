/* Shared by init and rmap_benchmark: the result channel's record syntax.
 *
 * A record body is "<type> key=value key=value ..." (docs/result-channel.md).
 * Values are percent-escaped so that they never contain a space, a control
 * byte, a non-ASCII byte or '%'. init adds the sequence number and the
 * per-line CRC-32 when it frames a body for the virtio-serial port.
 */
#ifndef KBENCH_RECORD_H
#define KBENCH_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define KBENCH_CHANNEL_VERSION 1
#define KBENCH_CHANNEL_MAGIC "kbench-result-channel"
#define KBENCH_MAX_LINE 4096 /* bytes per framed line, '\n' included */
#define KBENCH_MAX_BODY 3900 /* bytes per record body before framing */

/* Return the CRC-32 (IEEE 802.3, as zlib's crc32) of buf, continuing from crc. */
static inline uint32_t kb_crc32(uint32_t crc, const void* buf, size_t len) {
  static uint32_t table[256];
  static int ready;
  const unsigned char* p = buf;
  if (!ready) {
    for (uint32_t i = 0; i < 256; i++) {
      uint32_t c = i;
      for (int k = 0; k < 8; k++)
        c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
    ready = 1;
  }
  crc = ~crc;
  while (len--)
    crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return ~crc;
}

/* Write src percent-escaped into dst (capacity cap, NUL-terminated, truncated). */
static inline void kb_escape(char* dst, size_t cap, const char* src) {
  static const char hex[] = "0123456789ABCDEF";
  size_t o = 0;
  if (cap == 0)
    return;
  for (const unsigned char* s = (const unsigned char*)src; *s; s++) {
    int plain = *s > 0x20 && *s < 0x7f && *s != '%';
    size_t need = plain ? 1 : 3;
    if (o + need >= cap)
      break;
    if (plain) {
      dst[o++] = (char)*s;
    } else {
      dst[o++] = '%';
      dst[o++] = hex[*s >> 4];
      dst[o++] = hex[*s & 15];
    }
  }
  dst[o] = '\0';
}

#endif
