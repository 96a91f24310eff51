/* libFuzzer target: the kernel-log reader (host/klog.c) in both grammars, /dev/kmsg records and
 * dmesg/journalctl text, then the signature table over what was read.  Properties: no crash or
 * leak; every record is NUL-terminated and at most HOST_KLOG_RECORD_MAX bytes; every match points
 * at a record of the log and counts at least one line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host/klog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct host_klog *log)
{
	struct host_klog_match *m;
	size_t n;

	for (size_t i = 0; i < log->n; i++)
		if (strlen(log->v[i].text) > HOST_KLOG_RECORD_MAX || log->v[i].level > 7)
			abort();
	if (host_klog_match(log, &m, &n) != 0)
		abort();
	for (size_t i = 0; i < n; i++)
		if (m[i].count < 1 || m[i].first < log->v || m[i].first >= log->v + log->n)
			abort();
	free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct host_klog a = {0}, b = {0};

	if (host_klog_parse_records((const char *)data, size, &a) != 0)
		abort();
	check(&a);
	host_klog_free(&a);
	if (host_klog_parse_text((const char *)data, size, &b) != 0)
		abort();
	check(&b);
	host_klog_free(&b);
	return 0;
}
