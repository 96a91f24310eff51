/* util/hash.c - digests through libmd (Debian's libmd0, in bookworm and trixie alike).  No I/O.
 * libmd, not OpenSSL: it is a small shared library (no library context, providers or name tables
 * to set up at the first digest), so the guard pays only its mapping at process start, and Debian's
 * security updates reach it, which a statically linked libcrypto never got.  libcrypto is still
 * used, dynamically, by the libcurl that pveapi/ loads for --api (certificate pins). */
#include "util/hash.h"

#include <sys/types.h>

#include <sha1.h>
#include <sha2.h>

static void to_hex(const unsigned char *raw, unsigned int n, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (unsigned int i = 0; i < n; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[2 * n] = '\0';
}

int util_sha1_hex(const void *data, size_t len, char *out)
{
	unsigned char raw[SHA1_DIGEST_LENGTH];
	SHA1_CTX c;

	SHA1Init(&c);
	SHA1Update(&c, data, len);
	SHA1Final(raw, &c);
	to_hex(raw, SHA1_DIGEST_LENGTH, out);
	return 0;
}

int util_sha256_hex(const void *data, size_t len, char *out)
{
	unsigned char raw[SHA256_DIGEST_LENGTH];
	SHA2_CTX c;

	SHA256Init(&c);
	SHA256Update(&c, data, len);
	SHA256Final(raw, &c);
	to_hex(raw, SHA256_DIGEST_LENGTH, out);
	return 0;
}
