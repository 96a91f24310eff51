/* util/hash.c - digests through OpenSSL's libcrypto (EVP one-shot).  No I/O. */
#include "util/hash.h"

#include <errno.h>
#include <openssl/evp.h>

static int digest_hex(const EVP_MD *md, const void *data, size_t len, char *out)
{
	unsigned char raw[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	static const char hex[] = "0123456789abcdef";

	if (!EVP_Digest(data, len, raw, &n, md, NULL))
		return -EIO;
	for (unsigned int i = 0; i < n; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[2 * n] = '\0';
	return 0;
}

int util_sha1_hex(const void *data, size_t len, char *out)
{
	return digest_hex(EVP_sha1(), data, len, out);
}

int util_sha256_hex(const void *data, size_t len, char *out)
{
	return digest_hex(EVP_sha256(), data, len, out);
}
