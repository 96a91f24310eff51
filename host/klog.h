/* host/klog.h - the kernel log of this boot, as doctor reads it, and the table of kernel
 * messages that explain a broken iGPU setup (stock i915, no MMIO space for VFs, a rejected
 * module signature, GuC failures, GVT-g init failures...).
 *
 * Sources: /dev/kmsg on a live host (records "prio,seq,usec,flags;message" read non-blocking, at
 * most the ring buffer), <root>/dev/kmsg when it is a regular file of such records, or a file the
 * administrator names (`doctor --kernel-log FILE`): plain `dmesg` output with or without
 * timestamps, `journalctl -k` output, or /dev/kmsg records.  Never waits, never writes. */
#ifndef PP_HOST_KLOG_H
#define PP_HOST_KLOG_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"
#include "util/paths.h"

/* Longest record kept; a longer one is cut there and marked truncated (the kernel's own records
 * are at most 1 KiB of text plus dictionary). */
#define HOST_KLOG_RECORD_MAX 8192
/* At most this much log is read (the largest ring buffer, log_buf_len=32M). */
#define HOST_KLOG_READ_MAX (32u << 20)

struct host_klog_record {
	char stamp[40];  /* as the source shows it: "[    3.166803]", "Nov 09 03:24:52", "" */
	char *text;      /* the message, \xNN escapes decoded; NUL-terminated */
	char device[16]; /* PCI address from DEVICE=+pci:... or a "<drv> 0000:00:02.0:" prefix */
	int level;       /* syslog level 0-7 from /dev/kmsg records, -1 when the source has none */
	bool truncated;  /* longer than HOST_KLOG_RECORD_MAX */
};

struct host_klog {
	struct host_klog_record *v;
	size_t n;
	char source[PP_PATH_MAX]; /* what was read, for messages: "/dev/kmsg", "dmesg.txt" */
};

/* Parses /dev/kmsg records (one per line; lines starting with a space are the record's
 * dictionary, "DEVICE=+pci:0000:00:02.0" sets device).  Malformed records are skipped. 0/-ENOMEM. */
int host_klog_parse_records(const char *data, size_t len, struct host_klog *out);
/* Parses `dmesg` or `journalctl -k` text.  A new boot (a "-- Boot" marker of journalctl, or a
 * "[    0.000000]" line after later ones) starts the log afresh: only the last boot is kept.
 * 0/-ENOMEM. */
int host_klog_parse_text(const char *data, size_t len, struct host_klog *out);
/* Reads the log: file != NULL is a file named by the user (any of the formats above, detected
 * from its first line); else <root>/dev/kmsg (records; non-blocking on a character device, a
 * regular file under --root).  0, or -errno with a message (-ENOENT: no log at all under a root,
 * -EPERM/-EACCES: not allowed to read it). */
int host_klog_read(const struct util_paths *p, const char *file, struct host_klog *out,
                   struct util_err *e);
void host_klog_free(struct host_klog *log);

/* One signature that matched: the rule it means, the first line that matched (as quoted in the
 * finding) and how many lines of the log matched it for that device. */
struct host_klog_match {
	const char *rule;    /* registry id: "klog-stock-i915" */
	const char *meaning; /* one sentence: what the kernel is saying */
	const char *fix;     /* one sentence: what to do */
	const struct host_klog_record *first;
	unsigned count;
	char device[16];
};

/* Matches every record against the signature table.  Lines that are expected on a working setup
 * (out-of-tree taint, "Setting dangerous option enable_guc") never match; context is applied
 * (i915 blacklisted while xe drives the PF is intended).  One match per (rule, device), in the
 * order of first appearance.  *out is malloc'd.  0/-ENOMEM. */
int host_klog_match(const struct host_klog *log, struct host_klog_match **out, size_t *n);

/* 0 when every row of the signature table compiles (for the unit test), else -EINVAL. */
int host_klog_table_check(void);

/* The rules the table can produce, for the registry and the man page: ids in table order. */
const char *const *host_klog_rule_ids(size_t *n);

#endif
