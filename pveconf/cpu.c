/* pveconf/cpu.c - `cpu:` of a VM config as qemu-server 9.2 checks it (CPUConfig.pm: $cpu_fmt,
 * validate_vm_cpu_conf, get_custom_model, initialize_cpu_models; CPUFlags.pm: the VM-specific
 * flags), and the CPU models of a node (cpu-models.conf through SectionConfig's rules, QEMU's
 * model list when /usr/share/kvm ships one).  Facts learnt from qemu-server, our own code. */
#include "pveconf/cpu.h"

#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pveconf/format.h"
#include "pveconf/keys.h"
#include "pveconf/seccfg.h"
#include "util/fileio.h"
#include "util/i18n.h"

struct pveconf_cpu_models {
	char **custom; /* section ids of cpu-models.conf (without "custom-") */
	size_t n_custom;
	bool custom_known; /* false: the node's custom models are unknown, not judged */
	char **qemu;       /* the model names of QEMU's JSON lists; NULL: qemu-server's own list */
	size_t n_qemu;
};

/* qemu-server's models when QEMU ships no list (x86_64 and aarch64, the arches PVE knows), with
 * `host` (it exists for the host's arch, x86_64 here) and its own x86-64-v2..v4 models */
static const char *const builtin[] = {
        "486",
        "pentium",
        "pentium2",
        "pentium3",
        "coreduo",
        "core2duo",
        "Conroe",
        "Penryn",
        "Nehalem",
        "Nehalem-IBRS",
        "Westmere",
        "Westmere-IBRS",
        "SandyBridge",
        "SandyBridge-IBRS",
        "IvyBridge",
        "IvyBridge-IBRS",
        "Haswell",
        "Haswell-IBRS",
        "Haswell-noTSX",
        "Haswell-noTSX-IBRS",
        "Broadwell",
        "Broadwell-IBRS",
        "Broadwell-noTSX",
        "Broadwell-noTSX-IBRS",
        "Skylake-Client",
        "Skylake-Client-IBRS",
        "Skylake-Client-noTSX-IBRS",
        "Skylake-Client-v4",
        "Skylake-Server",
        "Skylake-Server-IBRS",
        "Skylake-Server-noTSX-IBRS",
        "Skylake-Server-v4",
        "Skylake-Server-v5",
        "Cascadelake-Server",
        "Cascadelake-Server-v2",
        "Cascadelake-Server-noTSX",
        "Cascadelake-Server-v4",
        "Cascadelake-Server-v5",
        "Cooperlake",
        "Cooperlake-v2",
        "KnightsMill",
        "Icelake-Client",
        "Icelake-Client-noTSX",
        "Icelake-Server",
        "Icelake-Server-noTSX",
        "Icelake-Server-v3",
        "Icelake-Server-v4",
        "Icelake-Server-v5",
        "Icelake-Server-v6",
        "Icelake-Server-v7",
        "SapphireRapids",
        "SapphireRapids-v2",
        "SapphireRapids-v3",
        "SapphireRapids-v4",
        "GraniteRapids",
        "GraniteRapids-v2",
        "GraniteRapids-v3",
        "SierraForest",
        "SierraForest-v2",
        "SierraForest-v3",
        "ClearwaterForest",
        "athlon",
        "phenom",
        "Opteron_G1",
        "Opteron_G2",
        "Opteron_G3",
        "Opteron_G4",
        "Opteron_G5",
        "EPYC",
        "EPYC-IBPB",
        "EPYC-v3",
        "EPYC-v4",
        "EPYC-v5",
        "EPYC-Rome",
        "EPYC-Rome-v2",
        "EPYC-Rome-v3",
        "EPYC-Rome-v4",
        "EPYC-Rome-v5",
        "EPYC-Milan",
        "EPYC-Milan-v2",
        "EPYC-Milan-v3",
        "EPYC-Genoa",
        "EPYC-Genoa-v2",
        "EPYC-Turin",
        "kvm32",
        "kvm64",
        "qemu32",
        "qemu64",
        "max",
        "a64fx",
        "cortex-a35",
        "cortex-a53",
        "cortex-a55",
        "cortex-a57",
        "cortex-a710",
        "cortex-a72",
        "cortex-a76",
        "neoverse-n1",
        "neoverse-n2",
        "neoverse-v1",
};
/* always there, whatever QEMU ships */
static const char *const always[] = {"host", "x86-64-v2", "x86-64-v2-AES", "x86-64-v3",
                                     "x86-64-v4"};
/* CPUFlags.pm: the flags a VM's own cpu: may set (sorted, as PVE lists them) */
static const char *const vm_flags[] = {
        "aes",         "amd-no-ssb", "amd-ssbd", "hv-evmcs",  "hv-tlbflush", "ibpb",     "md-clear",
        "nested-virt", "pcid",       "pdpe1gb",  "spec-ctrl", "ssbd",        "virt-ssbd"};

#define OPT PVECONF_P_OPTIONAL
static const struct pveconf_prop cpu_props[] = {
        {.name = "cputype", .type = PVECONF_PT_STR, .flags = OPT | PVECONF_P_DEFAULT_KEY},
        {.name = "reported-model", .type = PVECONF_PT_STR, .flags = OPT},
        {.name = "hidden", .type = PVECONF_PT_BOOL, .flags = OPT},
        {.name = "hv-vendor-id",
         .type = PVECONF_PT_STR,
         .flags = OPT,
         .pattern = "[a-zA-Z0-9]{1,12}"},
        {.name = "flags",
         .type = PVECONF_PT_STR,
         .flags = OPT,
         .pattern = "[+-][a-zA-Z0-9_.-]+(;[+-][a-zA-Z0-9_.-]+)*"},
        {.name = "guest-phys-bits",
         .type = PVECONF_PT_INT,
         .flags = OPT | PVECONF_P_MIN | PVECONF_P_MAX,
         .min = 32,
         .max = 64},
        {.name = "phys-bits", .type = PVECONF_PT_STR, .flags = OPT, .fmt = pveconf_fmt_phys_bits},
        {.name = "level",
         .type = PVECONF_PT_INT,
         .flags = OPT | PVECONF_P_MIN | PVECONF_P_MAX,
         .min = 0,
         .max = 4294967295.0},
};
static const struct pveconf_format cpu_fmt = {"pve-vm-cpu-conf", cpu_props,
                                              sizeof(cpu_props) / sizeof(cpu_props[0]), NULL};

static bool in_list(const char *const *list, size_t n, const char *v, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(list[i]) == len && memcmp(list[i], v, len) == 0)
			return true;
	return false;
}

static bool is_model(const struct pveconf_cpu_models *m, const char *v, size_t n)
{
	if (in_list(always, sizeof(always) / sizeof(always[0]), v, n))
		return true;
	if (m && m->qemu)
		return in_list((const char *const *)m->qemu, m->n_qemu, v, n);
	return in_list(builtin, sizeof(builtin) / sizeof(builtin[0]), v, n);
}

static bool rep_is_host(const char *v, size_t n)
{
	return n == 4 && memcmp(v, "host", 4) == 0;
}

/* flags=: every ';'-separated entry is +FLAG or -FLAG with FLAG one of vm_flags */
static bool vm_flags_ok(const char *v, size_t n)
{
	size_t pos = 0;

	while (pos <= n) {
		const char *semi = memchr(v + pos, ';', n - pos);
		size_t l = semi ? (size_t)(semi - (v + pos)) : n - pos;

		if (l < 2 || (v[pos] != '+' && v[pos] != '-') ||
		    !in_list(vm_flags, sizeof(vm_flags) / sizeof(vm_flags[0]), v + pos + 1, l - 1))
			return false;
		pos += l + 1;
	}
	return true;
}

int pveconf_cpu_check(const char *v, size_t n, const struct pveconf_cpu_models *m, char *err,
                      size_t errn)
{
	const char *vals[PVECONF_FORMAT_MAX_PROPS];
	size_t lens[PVECONF_FORMAT_MAX_PROPS];
	const char *type, *fl, *rep;
	size_t tl;

	if (pveconf_format_parse(&cpu_fmt, v, n, vals, lens, err, errn) < 0)
		return -1;
	type = vals[0], tl = lens[0], rep = vals[1], fl = vals[4];
	/* validate_cpu_conf: Perl truth of cputype */
	if (!type || !pveconf_perl_true(type, tl)) {
		snprintf(err, errn, "CPU is missing cputype");
		return -1;
	}
	if (tl >= 7 && memcmp(type, "custom-", 7) == 0) {
		if (m && m->custom_known &&
		    !in_list((const char *const *)m->custom, m->n_custom, type + 7, tl - 7)) {
			snprintf(err, errn, "Custom cputype '%.*s' not found",
			         (int)(tl - 7 > 200 ? 200 : tl - 7), type + 7);
			return -1;
		}
	} else if (!is_model(m, type, tl)) {
		snprintf(err, errn,
		         "Built-in cputype '%.*s' is not defined (missing 'custom-' prefix?)",
		         (int)(tl > 200 ? 200 : tl), type);
		return -1;
	}
	if (fl && lens[4] && !(lens[4] == 1 && fl[0] == '0') && !vm_flags_ok(fl, lens[4])) {
		size_t o =
		        (size_t)snprintf(err, errn, "VM-specific CPU flags must be a subset of: ");

		for (size_t i = 0; i < sizeof(vm_flags) / sizeof(vm_flags[0]) && o < errn; i++)
			o += (size_t)snprintf(err + o, errn - o, "%s%s", i ? ", " : "",
			                      vm_flags[i]);
		return -1;
	}
	if (rep) {
		/* the enum of reported-model is QEMU's models and host; either way PVE refuses it */
		bool known =
		        (rep_is_host(rep, lens[1]) || is_model(m, rep, lens[1])) &&
		        !in_list(always + 1, sizeof(always) / sizeof(always[0]) - 1, rep, lens[1]);

		if (known)
			snprintf(
			        err, errn,
			        "Property 'reported-model' not allowed in VM-specific CPU config.");
		else
			snprintf(err, errn,
			         "reported-model: value '%.*s' does not have a value in the "
			         "enumeration",
			         (int)(lens[1] > 200 ? 200 : lens[1]), rep);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ the node's models */

static int add_name(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	if (!(nv[*n] = strdup(s)))
		return -ENOMEM;
	(*n)++;
	return 0;
}

/* SectionConfig's header m/^(\S+):\s*(\S+)\s*$/ on line l: the type is l[0..*tl), the id
 * NUL-terminated in place at *id.  Perl's greedy (\S+) takes the last colon of the first word
 * that leaves a match ("a:b:" is type "a", id "b:"). */
static bool header_match(char *l, size_t *tl, char **id)
{
	size_t w = 0;

	while (l[w] && !pveconf_seccfg_space(l[w]))
		w++;
	for (size_t i = w; i-- > 1;) {
		char *s = l + i + 1, *e;

		if (l[i] != ':')
			continue;
		while (*s && pveconf_seccfg_space(*s))
			s++;
		e = s;
		while (*e && !pveconf_seccfg_space(*e))
			e++;
		if (e == s)
			continue;
		for (const char *t = e; *t; t++)
			if (!pveconf_seccfg_space(*t))
				return false; /* a second word: no shorter $1 helps either */
		*e = '\0';
		*tl = i;
		*id = s;
		return true;
	}
	return false;
}

/* SectionConfig's parse_config on cpu-models.conf: a block starts at a line that is not empty,
 * a header of type cpu-model names a model; the body runs to the next empty line (lines in it
 * are never headers).  Sections of other types are skipped, as PVE skips them. */
static int parse_custom(struct pveconf_cpu_models *m, char *buf, size_t len)
{
	struct pveconf_seccfg_lines ls;
	char *l, *id;
	size_t tl;

	pveconf_seccfg_init(&ls, buf, len);
	while ((l = pveconf_seccfg_next(&ls)) != NULL) {
		if (!pveconf_seccfg_truthy(l))
			continue;
		if (header_match(l, &tl, &id) && tl == 9 && memcmp(l, "cpu-model", 9) == 0 &&
		    add_name(&m->custom, &m->n_custom, id) < 0)
			return -ENOMEM;
		while ((l = pveconf_seccfg_next(&ls)) != NULL && pveconf_seccfg_truthy(l))
			; /* the body */
	}
	return 0;
}

int pveconf_cpu_models_parse(const char *text, size_t len, struct pveconf_cpu_models **out)
{
	struct pveconf_cpu_models *m = calloc(1, sizeof(*m));
	char *buf = malloc(len + 1);
	int r = -ENOMEM;

	*out = NULL;
	if (m && buf) {
		memcpy(buf, text, len);
		buf[len] = '\0';
		m->custom_known = true;
		r = parse_custom(m, buf, len);
	}
	free(buf);
	if (r < 0) {
		pveconf_cpu_models_free(m);
		return r;
	}
	*out = m;
	return 0;
}

/* QEMU's list (pve-qemu-kvm ships /usr/share/kvm/cpu-models-ARCH.json: {"model": "vendor"}) */
static int read_qemu_list(const struct util_paths *p, const char *arch,
                          struct pveconf_cpu_models *m, struct util_err *e)
{
	char path[PP_PATH_MAX];
	json_error_t je;
	json_t *root, *v;
	const char *k;
	int r = 0;

	if (util_path(p, path, sizeof(path), PP_USR_SHARE_KVM "/cpu-models-%s.json", arch) < 0)
		return util_err_set(e, -ENAMETOOLONG, _("path too long under the root"));
	root = json_load_file(path, 0, &je);
	if (!root || !json_is_object(root)) {
		json_decref(root);
		return util_err_set(
		        e, -EINVAL,
		        _("%s: unable to decode the CPU model list (%s); PVE's "
		          "qemu-server refuses to load with it too: reinstall pve-qemu-kvm"),
		        path, je.text);
	}
	json_object_foreach(root, k, v)
	{
		(void)v;
		if ((r = add_name(&m->qemu, &m->n_qemu, k)) < 0)
			break;
	}
	json_decref(root);
	return r < 0 ? util_err_set(e, r, _("out of memory")) : 0;
}

int pveconf_cpu_models_load(const struct util_paths *p, struct pveconf_cpu_models **out,
                            struct util_err *e)
{
	char path[PP_PATH_MAX], *data = NULL;
	struct pveconf_cpu_models *m;
	struct stat st;
	size_t len = 0;
	int r;

	*out = NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return util_err_set(e, -ENOMEM, _("out of memory"));
	/* initialize_cpu_models: QEMU's lists when the x86_64 one is there */
	if (util_path(p, path, sizeof(path), PP_USR_SHARE_KVM "/cpu-models-x86_64.json") == 0 &&
	    stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
		m->qemu = calloc(1, sizeof(*m->qemu));
		if (!m->qemu) {
			r = util_err_set(e, -ENOMEM, _("out of memory"));
			goto fail;
		}
		if ((r = read_qemu_list(p, "x86_64", m, e)) < 0 ||
		    (r = read_qemu_list(p, "aarch64", m, e)) < 0)
			goto fail;
	}
	util_path(p, path, sizeof(path), PP_ETC_PVE);
	m->custom_known = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
	if (m->custom_known) {
		util_path(p, path, sizeof(path), PP_ETC_PVE_CPU_MODELS);
		r = pveconf_seccfg_read(path, PP_ETC_PVE_CPU_MODELS, &data, &len, e);
		if (r < 0)
			goto fail;
		r = parse_custom(m, data, len);
		free(data);
		if (r < 0) {
			r = util_err_set(e, r, _("out of memory"));
			goto fail;
		}
	}
	*out = m;
	return 0;
fail:
	pveconf_cpu_models_free(m);
	return r;
}

size_t pveconf_cpu_models_custom_count(const struct pveconf_cpu_models *m)
{
	return m ? m->n_custom : 0;
}

void pveconf_cpu_models_free(struct pveconf_cpu_models *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_custom; i++)
		free(m->custom[i]);
	for (size_t i = 0; i < m->n_qemu; i++)
		free(m->qemu[i]);
	free(m->custom);
	free(m->qemu);
	free(m);
}
