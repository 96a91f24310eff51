/* host/klog.c - reading the kernel log of this boot: /dev/kmsg records, `dmesg` text and
 * `journalctl -k` text, into plain records.  What the messages mean is klog_sig.c's job.
 *
 * Must not block (a live /dev/kmsg is read with O_NONBLOCK until EAGAIN: the ring buffer as it is
 * now), must not read more than HOST_KLOG_READ_MAX, must not trust a line's length. */
#include "host/klog.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fileio.h"
#include "util/i18n.h"

/* Appends a record; takes a copy of text[0..len). */
static int push(struct host_klog *log, const char *stamp, const char *text, size_t len, int level,
                const char *device)
{
	struct host_klog_record *r;
	bool truncated = false;

	if (len > HOST_KLOG_RECORD_MAX) {
		len = HOST_KLOG_RECORD_MAX;
		truncated = true;
	}
	if ((log->n & (log->n - 1)) == 0) { /* grow at 0, 1, 2, 4, 8... */
		size_t cap = log->n ? log->n * 2 : 64;
		struct host_klog_record *v = realloc(log->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		log->v = v;
	}
	r = &log->v[log->n];
	memset(r, 0, sizeof(*r));
	r->text = malloc(len + 1);
	if (!r->text)
		return -ENOMEM;
	memcpy(r->text, text, len);
	r->text[len] = '\0';
	snprintf(r->stamp, sizeof(r->stamp), "%s", stamp);
	snprintf(r->device, sizeof(r->device), "%s", device ? device : "");
	r->level = level;
	r->truncated = truncated;
	log->n++;
	return 0;
}

static void drop_all(struct host_klog *log)
{
	for (size_t i = 0; i < log->n; i++)
		free(log->v[i].text);
	log->n = 0;
}

void host_klog_free(struct host_klog *log)
{
	drop_all(log);
	free(log->v);
	log->v = NULL;
}

/* "0000:00:02.0" at s: the PCI address grammar the kernel prints (dev_name of a PCI device). */
static bool is_bdf(const char *s)
{
	static const char shape[] = "xxxx:xx:xx.x";

	for (size_t i = 0; i < sizeof(shape) - 1; i++) {
		if (shape[i] == 'x' ? !isxdigit((unsigned char)s[i]) : s[i] != shape[i])
			return false;
	}
	return true;
}

/* The device a message names in its dev_printk prefix: "i915 0000:00:02.0: ..." or
 * "pci 0000:00:02.0: ...". */
static void device_of(const char *text, char dev[16])
{
	const char *sp = strchr(text, ' ');

	if (sp && sp - text < 32 && is_bdf(sp + 1) && sp[13] == ':') {
		memcpy(dev, sp + 1, 12);
		dev[12] = '\0';
	}
}

/* Decodes the kernel's \xNN escapes of one record text in place; returns the new length. */
static size_t unescape(char *s, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 3 < len && s[i + 1] == 'x' &&
		    isxdigit((unsigned char)s[i + 2]) && isxdigit((unsigned char)s[i + 3])) {
			char hex[3] = {s[i + 2], s[i + 3], 0};
			unsigned char c = (unsigned char)strtoul(hex, NULL, 16);

			s[o++] = c ? (char)c : ' '; /* a NUL would end the text early */
			i += 3;
		} else {
			s[o++] = s[i];
		}
	}
	return o;
}

/* One record "prio,seq,usec,flags[,more];text".  Returns 0 and fills the parts, -EINVAL when the
 * line is not a record. */
static int split_record(const char *line, size_t len, long *prio, unsigned long long *usec,
                        size_t *text_off)
{
	const char *semi = memchr(line, ';', len);
	char head[128];
	char *p, *end;

	if (!semi || (size_t)(semi - line) >= sizeof(head))
		return -EINVAL;
	memcpy(head, line, (size_t)(semi - line));
	head[semi - line] = '\0';
	p = head;
	errno = 0;
	*prio = strtol(p, &end, 10);
	if (end == p || *end != ',' || *prio < 0 || errno)
		return -EINVAL;
	p = end + 1;
	(void)strtoull(p, &end, 10); /* sequence number: not needed */
	if (end == p || *end != ',')
		return -EINVAL;
	p = end + 1;
	*usec = strtoull(p, &end, 10);
	if (end == p || *end != ',' || errno)
		return -EINVAL;
	*text_off = (size_t)(semi - line) + 1;
	return 0;
}

int host_klog_parse_records(const char *data, size_t len, struct host_klog *out)
{
	const char *p = data, *end = data + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		long prio;
		unsigned long long usec;
		size_t off;

		if (ll > 0 && p[0] == ' ') {
			/* dictionary line of the record before: " SUBSYSTEM=pci", " DEVICE=+pci:0000:00:02.0" */
			if (out->n > 0 && ll >= 18 && memcmp(p, " DEVICE=+pci:", 13) == 0 &&
			    is_bdf(p + 13))
				snprintf(out->v[out->n - 1].device, 16, "%.12s", p + 13);
		} else if (ll > 0 && split_record(p, ll, &prio, &usec, &off) == 0) {
			char stamp[40], *text;
			size_t tl = ll - off;
			int rc;

			text = malloc(tl + 1);
			if (!text)
				return -ENOMEM;
			memcpy(text, p + off, tl);
			tl = unescape(text, tl);
			snprintf(stamp, sizeof(stamp), "[%5llu.%06llu]", usec / 1000000,
			         usec % 1000000);
			rc = push(out, stamp, text, tl, (int)(prio & 7), NULL);
			free(text);
			if (rc)
				return rc;
			device_of(out->v[out->n - 1].text, out->v[out->n - 1].device);
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* "Nov 09 03:24:52 host tag: msg" (journalctl's short format, also syslog files). */
static bool journal_line(const char *s, size_t len, size_t *stamp_len, size_t *msg_off)
{
	size_t i = 0, sp;

	if (len < 17 || !isupper((unsigned char)s[0]) || !islower((unsigned char)s[1]) ||
	    !islower((unsigned char)s[2]) || s[3] != ' ')
		return false;
	if (!(isdigit((unsigned char)s[4]) || s[4] == ' ') || !isdigit((unsigned char)s[5]) ||
	    s[6] != ' ' || !isdigit((unsigned char)s[7]) || s[9] != ':' || s[12] != ':' ||
	    s[15] != ' ')
		return false;
	*stamp_len = 15;
	i = 16; /* host name */
	while (i < len && s[i] != ' ')
		i++;
	if (i >= len)
		return false;
	sp = i + 1;
	/* the kernel's own lines carry the tag "kernel: "; other tags stay in the message */
	if (len - sp >= 8 && memcmp(s + sp, "kernel: ", 8) == 0)
		sp += 8;
	*msg_off = sp;
	return true;
}

int host_klog_parse_text(const char *data, size_t len, struct host_klog *out)
{
	const char *p = data, *end = data + len;
	bool later = false; /* a line after 0.000000 was seen: a 0.000000 line starts a new boot */

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char stamp[40] = "";
		size_t off = 0, sl;
		int rc;

		while (ll > 0 && (p[ll - 1] == '\r' || p[ll - 1] == ' '))
			ll--;
		if (ll >= 7 && memcmp(p, "-- Boot", 7) == 0) {
			drop_all(out); /* journalctl: a later boot follows */
			later = false;
			ll = 0;
		} else if (ll > 0 && p[0] == '[') {
			const char *close = memchr(p, ']', ll < 40 ? ll : 40);

			if (close) {
				sl = (size_t)(close - p) + 1;
				snprintf(stamp, sizeof(stamp), "%.*s", (int)sl, p);
				off = sl;
				while (off < ll && p[off] == ' ')
					off++;
				if (strspn(stamp + 1, " ") + 8 <= sl &&
				    strncmp(stamp + 1 + strspn(stamp + 1, " "), "0.000000]", 9) ==
				            0) {
					if (later)
						drop_all(out);
				} else {
					later = true;
				}
			}
		} else if (journal_line(p, ll, &sl, &off)) {
			snprintf(stamp, sizeof(stamp), "%.*s", (int)sl, p);
			later = true;
		}
		if (ll > off) {
			rc = push(out, stamp, p + off, ll - off, -1, NULL);
			if (rc)
				return rc;
			device_of(out->v[out->n - 1].text, out->v[out->n - 1].device);
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* /dev/kmsg of a live host: one record per read(), O_NONBLOCK, until EAGAIN (the end of what the
 * ring buffer holds now).  EPIPE means records were overwritten while reading: go on. */
static int read_kmsg_device(int fd, struct host_klog *out)
{
	/* larger than any record the kernel hands out (CONSOLE_EXT_LOG_MAX, 8 KiB): a smaller
	 * buffer makes read() fail with EINVAL */
	char *buf = malloc(2 * HOST_KLOG_RECORD_MAX);
	size_t total = 0;
	int rc = 0;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t r = read(fd, buf, 2 * HOST_KLOG_RECORD_MAX);

		if (r < 0) {
			if (errno == EINTR || errno == EPIPE)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				rc = -errno;
			break;
		}
		if (r == 0)
			break;
		total += (size_t)r;
		rc = host_klog_parse_records(buf, (size_t)r, out);
		if (rc || total >= HOST_KLOG_READ_MAX)
			break;
	}
	free(buf);
	return rc;
}

/* The first non-empty line is a /dev/kmsg record ("6,1234,5678,-;..."). */
static bool looks_like_records(const char *s, size_t len)
{
	long prio;
	unsigned long long usec;
	size_t off;

	while (len > 0 && (*s == '\n' || *s == '\r')) {
		s++;
		len--;
	}
	const char *nl = memchr(s, '\n', len);

	return split_record(s, nl ? (size_t)(nl - s) : len, &prio, &usec, &off) == 0;
}

int host_klog_read(const struct util_paths *p, const char *file, struct host_klog *out,
                   struct util_err *e)
{
	char path[PP_PATH_MAX];
	struct stat st;
	char *data = NULL;
	size_t len = 0;
	int fd, rc;

	memset(out, 0, sizeof(*out));
	if (file) {
		snprintf(out->source, sizeof(out->source), "%s", file);
		rc = util_file_read(file, HOST_KLOG_READ_MAX, &data, &len, e);
		if (rc)
			return rc;
		rc = looks_like_records(data, len) ? host_klog_parse_records(data, len, out)
		                                   : host_klog_parse_text(data, len, out);
		free(data);
		return rc ? util_err_set(e, rc, _("%s: out of memory"), file) : 0;
	}
	if (util_path(p, path, sizeof(path), PP_DEV_KMSG) != 0)
		return util_err_set(e, -ENAMETOOLONG, _("%s: path too long"), PP_DEV_KMSG);
	snprintf(out->source, sizeof(out->source), "%s", PP_DEV_KMSG);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return util_err_errno(e, -errno, _("cannot read the kernel log %s"), PP_DEV_KMSG);
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		close(fd);
		return util_err_errno(e, rc, "%s", PP_DEV_KMSG);
	}
	if (S_ISCHR(st.st_mode)) {
		/* a new reader starts at the oldest record still in the ring buffer */
		rc = read_kmsg_device(fd, out);
		close(fd);
		return rc ? util_err_errno(e, rc, _("reading %s"), PP_DEV_KMSG) : 0;
	}
	close(fd);
	if (!S_ISREG(st.st_mode))
		return util_err_set(e, -EINVAL,
		                    _("%s is neither the kernel's device nor a file of records"),
		                    util_path_display(p, path));
	rc = util_file_read(path, HOST_KLOG_READ_MAX, &data, &len, e);
	if (rc)
		return rc;
	rc = host_klog_parse_records(data, len, out);
	free(data);
	return rc ? util_err_set(e, rc, _("%s: out of memory"), PP_DEV_KMSG) : 0;
}
