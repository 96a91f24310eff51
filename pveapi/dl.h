/* pveapi/dl.h - (internal) the one boundary where libcurl and the OpenSSL it runs on are loaded,
 * with dlopen() when an API command first needs them.  The main binary is also the pre-start
 * hookscript; linking libcurl would cost every start a few milliseconds, so nothing here is
 * linked: the calls go through this table of resolved functions. */
#ifndef PP_PVEAPI_DL_H
#define PP_PVEAPI_DL_H

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "util/err.h"

struct pveapi_dl {
	void *handle;
	CURLcode (*global_init)(long flags);
	void (*global_cleanup)(void);
	curl_version_info_data *(*version_info)(CURLversion v);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *h, CURLoption opt, ...);
	CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
	void (*easy_cleanup)(CURL *h);
	const char *(*easy_strerror)(CURLcode c);
	char *(*easy_escape)(CURL *h, const char *s, int len);
	void (*free)(void *p);
	struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
	void (*slist_free_all)(struct curl_slist *l);
	CURLM *(*multi_init)(void);
	CURLMcode (*multi_setopt)(CURLM *m, CURLMoption opt, ...);
	CURLMcode (*multi_add_handle)(CURLM *m, CURL *h);
	CURLMcode (*multi_remove_handle)(CURLM *m, CURL *h);
	CURLMcode (*multi_perform)(CURLM *m, int *running);
	CURLMcode (*multi_poll)(CURLM *m, struct curl_waitfd *fds, unsigned n, int timeout_ms,
	                        int *numfds);
	CURLMsg *(*multi_info_read)(CURLM *m, int *left);
	CURLMcode (*multi_cleanup)(CURLM *m);
	const char *(*multi_strerror)(CURLMcode c);
	/* OpenSSL, for the fingerprint pin (from the libssl/libcrypto libcurl itself loaded) */
	void (*ssl_ctx_set_cert_verify_callback)(SSL_CTX *ctx, int (*cb)(X509_STORE_CTX *, void *),
	                                         void *arg);
	X509 *(*x509_store_ctx_get0_cert)(const X509_STORE_CTX *ctx);
	void (*x509_store_ctx_set_error)(X509_STORE_CTX *ctx, int err);
	int (*x509_digest)(const X509 *x, const EVP_MD *md, unsigned char *out, unsigned *len);
	const EVP_MD *(*evp_sha256)(void);
};

/* Loads libcurl.so.4 (the OpenSSL flavour) and resolves everything above; calls
 * curl_global_init.  0, or -ENOENT/-ENOTSUP with a message saying which package to install. */
int pveapi_dl_open(struct pveapi_dl *dl, struct util_err *e);
/* curl_global_cleanup; the library stays loaded (RTLD_NODELETE) for the rest of the process. */
void pveapi_dl_close(struct pveapi_dl *dl);

#endif
