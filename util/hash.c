/* util/hash.c - digests through OpenSSL's libcrypto.  No I/O.
 * The low-level SHA*_Init/Update/Final functions, not EVP (nor SHA1(), which is EVP in 3.x):
 * EVP's first use initialises OpenSSL's library context, providers and name tables, about 1 ms of
 * CPU that every guard call would pay for one config digest (make bench-guard). */
#define OPENSSL_SUPPRESS_DEPRECATED /* the low-level API is deprecated, not removed, in 3.x */
#include "util/hash.h"

#include <errno.h>
#include <openssl/sha.h>

static int to_hex(const unsigned char *raw, unsigned int n, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (unsigned int i = 0; i < n; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[2 * n] = '\0';
	return 0;
}

int util_sha1_hex(const void *data, size_t len, char *out)
{
	unsigned char raw[SHA_DIGEST_LENGTH];
	SHA_CTX c;

	if (!SHA1_Init(&c) || !SHA1_Update(&c, data, len) || !SHA1_Final(raw, &c))
		return -EIO;
	return to_hex(raw, SHA_DIGEST_LENGTH, out);
}

int util_sha256_hex(const void *data, size_t len, char *out)
{
	unsigned char raw[SHA256_DIGEST_LENGTH];
	SHA256_CTX c;

	if (!SHA256_Init(&c) || !SHA256_Update(&c, data, len) || !SHA256_Final(raw, &c))
		return -EIO;
	return to_hex(raw, SHA256_DIGEST_LENGTH, out);
}
