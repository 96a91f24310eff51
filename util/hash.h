/* util/hash.h - SHA-1 (PVE's config digest) and SHA-256 (journal, certificate pins), as lowercase hex. */
#ifndef PP_UTIL_HASH_H
#define PP_UTIL_HASH_H

#include <stddef.h>

#define UTIL_SHA1_HEX_LEN   40
#define UTIL_SHA256_HEX_LEN 64

/* out must hold UTIL_SHA1_HEX_LEN + 1 bytes.  0 or -EIO. */
int util_sha1_hex(const void *data, size_t len, char *out);
/* out must hold UTIL_SHA256_HEX_LEN + 1 bytes.  0 or -EIO. */
int util_sha256_hex(const void *data, size_t len, char *out);

#endif
