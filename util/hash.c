/* util/hash.c - digests through libmd (Debian's libmd0, in bookworm and trixie alike).  No I/O.
 * libmd, not OpenSSL: it is a small shared library (no library context, providers or name tables
 * to set up at the first digest), so the guard pays only its mapping at process start, and Debian's
 * security updates reach it, which a statically linked libcrypto never got.  libcrypto is still
 * used, dynamically, by the libcurl that pveapi/ loads for --api (certificate pins). */
#include "util/hash.h"

#include <errno.h>
#include <sys/types.h>

#include <sha1.h>
#include <sha2.h>

/* libmd's *Data functions digest a buffer and write it as lowercase hex, NUL-terminated, to out. */
_Static_assert(UTIL_SHA1_HEX_LEN + 1 == SHA1_DIGEST_STRING_LENGTH, "util_sha1_hex's buffer");
_Static_assert(UTIL_SHA256_HEX_LEN + 1 == SHA256_DIGEST_STRING_LENGTH, "util_sha256_hex's buffer");

int util_sha1_hex(const void *data, size_t len, char *out)
{
	return SHA1Data(data, len, out) ? 0 : -EIO;
}

int util_sha256_hex(const void *data, size_t len, char *out)
{
	return SHA256Data(data, len, out) ? 0 : -EIO;
}
