/* pveapi/dl.c - dlopen()s libcurl at the first API call and resolves the curl_* and OpenSSL
 * functions pveapi/ uses.  Must not be called from the hookscript path; holds no global state
 * (each client owns its table; the dynamic loader refcounts the library). */
#include "pveapi/dl.h"
#include "util/i18n.h"

#include <dlfcn.h>
#include <errno.h>
#include <string.h>

#define CURL_SONAME "libcurl.so.4"
/* the Debian package that ships it: libcurl4 up to Debian 12, libcurl4t64 from Debian 13 */
#define CURL_PACKAGE "libcurl4 (Debian 12, PVE 8) or libcurl4t64 (Debian 13, PVE 9)"

static int sym(struct pveapi_dl *dl, void *slot, const char *name, struct util_err *e)
{
	void *p;

	dlerror();
	p = dlsym(dl->handle, name);
	if (!p)
		return util_err_set(
		        e, -ENOTSUP,
		        _("%s has no %s; the API commands need libcurl >= 7.80, OpenSSL flavour: "
		          "apt install %s"),
		        CURL_SONAME, name, CURL_PACKAGE);
	memcpy(slot, &p, sizeof(p));
	return 0;
}

int pveapi_dl_open(struct pveapi_dl *dl, struct util_err *e)
{
	curl_version_info_data *v;
	int r = 0;

	memset(dl, 0, sizeof(*dl));
	dl->handle = dlopen(CURL_SONAME, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (!dl->handle)
		return util_err_set(
		        e, -ENOENT,
		        _("cannot load %s (%s); the API commands need it: apt install %s"),
		        CURL_SONAME, dlerror(), CURL_PACKAGE);
#define S(field, name)                                                                             \
	if (!r)                                                                                    \
	r = sym(dl, &dl->field, name, e)
	S(global_init, "curl_global_init");
	S(global_cleanup, "curl_global_cleanup");
	S(version_info, "curl_version_info");
	S(easy_init, "curl_easy_init");
	S(easy_setopt, "curl_easy_setopt");
	S(easy_getinfo, "curl_easy_getinfo");
	S(easy_cleanup, "curl_easy_cleanup");
	S(easy_strerror, "curl_easy_strerror");
	S(easy_escape, "curl_easy_escape");
	S(free, "curl_free");
	S(slist_append, "curl_slist_append");
	S(slist_free_all, "curl_slist_free_all");
	S(multi_init, "curl_multi_init");
	S(multi_setopt, "curl_multi_setopt");
	S(multi_add_handle, "curl_multi_add_handle");
	S(multi_remove_handle, "curl_multi_remove_handle");
	S(multi_perform, "curl_multi_perform");
	S(multi_poll, "curl_multi_poll");
	S(multi_info_read, "curl_multi_info_read");
	S(multi_cleanup, "curl_multi_cleanup");
	S(multi_strerror, "curl_multi_strerror");
	S(ssl_ctx_set_cert_verify_callback, "SSL_CTX_set_cert_verify_callback");
	S(x509_store_ctx_get0_cert, "X509_STORE_CTX_get0_cert");
	S(x509_store_ctx_set_error, "X509_STORE_CTX_set_error");
	S(x509_digest, "X509_digest");
	S(evp_sha256, "EVP_sha256");
#undef S
	if (r)
		goto fail;
	v = dl->version_info(CURLVERSION_NOW);
	if (!v || !v->ssl_version || strncmp(v->ssl_version, "OpenSSL", 7) != 0) {
		r = util_err_set(
		        e, -ENOTSUP,
		        _("%s uses TLS library %s; certificate pinning needs the OpenSSL flavour: "
		          "apt install %s"),
		        CURL_SONAME, v && v->ssl_version ? v->ssl_version : "none", CURL_PACKAGE);
		goto fail;
	}
	if (dl->global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		r = util_err_set(e, -EIO, _("curl_global_init failed"));
		goto fail;
	}
	return 0;
fail:
	dlclose(dl->handle);
	memset(dl, 0, sizeof(*dl));
	return r;
}

void pveapi_dl_close(struct pveapi_dl *dl)
{
	if (!dl->handle)
		return;
	dl->global_cleanup();
	dlclose(dl->handle);
	memset(dl, 0, sizeof(*dl));
}
