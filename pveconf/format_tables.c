/* pveconf/format_tables.c - the hash formats of qemu-server 9.2's VM config schema as data: each
 * property with its type, optionality, default key, enum, pattern (as POSIX ERE), named format,
 * bounds and aliases.  Transcribed facts (qemu-server 9.2.6 Drive.pm, Network.pm, Memory.pm,
 * USB.pm, Agent.pm, ...); pveconf/format.c applies them.  Patterns use [0-9] for Perl's \d. */
#include "pveconf/format.h"
#include "pveconf/keys.h"

#include <stddef.h>
#include <string.h>

#define OPT PVECONF_P_OPTIONAL
#define DEF PVECONF_P_DEFAULT_KEY
#define MIN PVECONF_P_MIN
#define MAX PVECONF_P_MAX

#define STR(n, f, ...)                                                                             \
	{                                                                                          \
		.name = n, .type = PVECONF_PT_STR, .flags = (f), __VA_ARGS__                       \
	}
#define INT(n, f, ...)                                                                             \
	{                                                                                          \
		.name = n, .type = PVECONF_PT_INT, .flags = (f), __VA_ARGS__                       \
	}
#define NUM(n, f, ...)                                                                             \
	{                                                                                          \
		.name = n, .type = PVECONF_PT_NUM, .flags = (f), __VA_ARGS__                       \
	}
#define BOOL(n, f)                                                                                 \
	{                                                                                          \
		.name = n, .type = PVECONF_PT_BOOL, .flags = (f)                                   \
	}
#define ALIAS(n, to)                                                                               \
	{                                                                                          \
		.name = n, .type = PVECONF_PT_ALIAS, .alias = to                                   \
	}
#define KALIAS(n, to, k)                                                                           \
	{                                                                                          \
		.name = n, .type = PVECONF_PT_ALIAS, .alias = to, .key_alias = k                   \
	}
#define FORMAT(var, nm, tab)                                                                       \
	const struct pveconf_format var = {nm, tab, sizeof(tab) / sizeof(tab[0]), NULL}

/* ------------------------------------------------------------------ drives */

#define QM_IMAGE_FORMAT "raw|qcow|qed|qcow2|vmdk|cloop"

#define DRIVE_FILE(fn)                                                                             \
	ALIAS("volume", "file"), STR("file", DEF, .fmt = fn),                                      \
	        STR("format", OPT, .enm = QM_IMAGE_FORMAT),                                        \
	        STR("size", OPT, .fmt = pveconf_fmt_disk_size)

#define THROTTLE(n, T) T(n, OPT)
#define DRIVE_BASE                                                                                 \
	DRIVE_FILE(pveconf_fmt_volume_id_or_qm_path), STR("media", OPT, .enm = "cdrom|disk"),      \
	        BOOL("snapshot", OPT),                                                             \
	        STR("cache", OPT, .enm = "none|writethrough|writeback|unsafe|directsync"),         \
	        BOOL("backup", OPT), BOOL("replicate", OPT),                                       \
	        STR("rerror", OPT, .enm = "ignore|report|stop"),                                   \
	        STR("werror", OPT, .enm = "enospc|ignore|report|stop"),                            \
	        STR("aio", OPT, .enm = "native|threads|io_uring"),                                 \
	        STR("discard", OPT, .enm = "ignore|on"), BOOL("detect_zeroes", OPT),               \
	        STR("serial", OPT, .fmt = pveconf_fmt_urlencoded, .maxlen = 60),                   \
	        BOOL("shared", OPT), INT("bps", OPT), INT("bps_rd", OPT), INT("bps_wr", OPT),      \
	        NUM("mbps", OPT), NUM("mbps_rd", OPT), NUM("mbps_wr", OPT), INT("iops", OPT),      \
	        INT("iops_rd", OPT), INT("iops_wr", OPT), NUM("mbps_max", OPT),                    \
	        NUM("mbps_rd_max", OPT), NUM("mbps_wr_max", OPT), INT("iops_max", OPT),            \
	        INT("iops_rd_max", OPT), INT("iops_wr_max", OPT),                                  \
	        INT("bps_max_length", OPT | MIN, .min = 1),                                        \
	        INT("bps_rd_max_length", OPT | MIN, .min = 1),                                     \
	        INT("bps_wr_max_length", OPT | MIN, .min = 1),                                     \
	        INT("iops_max_length", OPT | MIN, .min = 1),                                       \
	        INT("iops_rd_max_length", OPT | MIN, .min = 1),                                    \
	        INT("iops_wr_max_length", OPT | MIN, .min = 1),                                    \
	        ALIAS("bps_rd_length", "bps_rd_max_length"),                                       \
	        ALIAS("bps_wr_length", "bps_wr_max_length"),                                       \
	        ALIAS("iops_rd_length", "iops_rd_max_length"),                                     \
	        ALIAS("iops_wr_length", "iops_wr_max_length")

#define P_IOTHREAD BOOL("iothread", OPT)
#define P_PRODUCT  STR("product", OPT, .pattern = "[A-Za-z0-9_[:space:]-]{0,16}")
#define P_VENDOR   STR("vendor", OPT, .pattern = "[A-Za-z0-9_[:space:]-]{0,8}")
#define P_MODEL    STR("model", OPT, .fmt = pveconf_fmt_urlencoded, .maxlen = 120)
#define P_QUEUES   INT("queues", OPT | MIN, .min = 2)
#define P_RO       BOOL("ro", OPT)
#define P_SCSIBLK  BOOL("scsiblock", OPT)
#define P_SSD      BOOL("ssd", OPT)
#define P_WWN      STR("wwn", OPT, .pattern = "0x[0-9a-fA-F]{16}")

static const struct pveconf_prop ide[] = {DRIVE_BASE, P_MODEL, P_SSD, P_WWN};
static const struct pveconf_prop scsi[] = {DRIVE_BASE, P_IOTHREAD, P_PRODUCT, P_QUEUES, P_RO,
                                           P_SCSIBLK,  P_SSD,      P_VENDOR,  P_WWN};
static const struct pveconf_prop sata[] = {DRIVE_BASE, P_SSD, P_WWN};
static const struct pveconf_prop virtio[] = {DRIVE_BASE, P_IOTHREAD, P_RO};
static const struct pveconf_prop efidisk[] = {
        DRIVE_FILE(pveconf_fmt_volume_id_or_qm_path),
        STR("efitype", OPT, .enm = "2m|4m"),
        BOOL("pre-enrolled-keys", OPT),
        STR("ms-cert", OPT, .enm = "2011|2023|2023w|2023k"),
};
static const struct pveconf_prop tpmstate[] = {
        ALIAS("volume", "file"),
        STR("file", DEF, .fmt = pveconf_fmt_volume_id_or_qm_path),
        STR("format", OPT, .enm = "raw|qcow2|vmdk"),
        STR("size", OPT, .fmt = pveconf_fmt_disk_size),
        STR("version", OPT, .enm = "v1.2|v2.0"),
};
static const struct pveconf_prop unused[] = {
        ALIAS("volume", "file"),
        STR("file", DEF, .fmt = pveconf_fmt_volume_id),
};
FORMAT(pveconf_fmt_ide, "pve-qm-ide", ide);
FORMAT(pveconf_fmt_scsi, "pve-qm-scsi", scsi);
FORMAT(pveconf_fmt_sata, "pve-qm-sata", sata);
FORMAT(pveconf_fmt_virtio, "pve-qm-virtio", virtio);
FORMAT(pveconf_fmt_efidisk, "pve-qm-efidisk", efidisk);
FORMAT(pveconf_fmt_tpmstate, "pve-qm-tpmstate", tpmstate);
FORMAT(pveconf_fmt_unused, "pve-qm-unused", unused);

/* ------------------------------------------------------------------ network */

#define NIC_MODELS                                                                                 \
	"e1000|e1000-82540em|e1000-82544gc|e1000-82545em|e1000e|i82551|i82557b|i82559er|"          \
	"ne2k_isa|ne2k_pci|pcnet|rtl8139|virtio|vmxnet3"
#define NIC(m) KALIAS(m, "macaddr", "model")

static const struct pveconf_prop net[] = {
        STR("macaddr", OPT, .fmt = pveconf_fmt_mac),
        STR("model", DEF, .enm = NIC_MODELS),
        NIC("e1000"),
        NIC("e1000-82540em"),
        NIC("e1000-82544gc"),
        NIC("e1000-82545em"),
        NIC("e1000e"),
        NIC("i82551"),
        NIC("i82557b"),
        NIC("i82559er"),
        NIC("ne2k_isa"),
        NIC("ne2k_pci"),
        NIC("pcnet"),
        NIC("rtl8139"),
        NIC("virtio"),
        NIC("vmxnet3"),
        STR("bridge", OPT, .fmt = pveconf_fmt_bridge),
        INT("queues", OPT | MIN | MAX, .min = 0, .max = 64),
        NUM("rate", OPT | MIN, .min = 0),
        INT("tag", OPT | MIN | MAX, .min = 1, .max = 4094),
        STR("trunks", OPT, .pattern = "[0-9]+(-[0-9]+)?(;[0-9]+(-[0-9]+)?)*"),
        BOOL("firewall", OPT),
        BOOL("link_down", OPT),
        INT("mtu", OPT | MIN | MAX, .min = 1, .max = 65520),
        BOOL("host-tunnel", OPT),
};
FORMAT(pveconf_fmt_net, "pve-qm-net", net);

static const struct pveconf_prop ipconfig[] = {
        STR("ip", OPT, .fmt = pveconf_fmt_ipv4_config),
        STR("gw", OPT, .fmt = pveconf_fmt_ipv4, .requires = "ip"),
        STR("ip6", OPT, .fmt = pveconf_fmt_ipv6_config),
        STR("gw6", OPT, .fmt = pveconf_fmt_ipv6, .requires = "ip6"),
};
FORMAT(pveconf_fmt_ipconfig, "pve-qm-ipconfig", ipconfig);

/* ------------------------------------------------------------------ the other keys */

#define NUMBER_SETS "[0-9]+(-[0-9]+)?(;[0-9]+(-[0-9]+)?)*"
static const struct pveconf_prop numa[] = {
        STR("cpus", 0, .pattern = NUMBER_SETS),
        NUM("memory", OPT),
        STR("hostnodes", OPT, .pattern = NUMBER_SETS),
        STR("policy", OPT, .enm = "preferred|bind|interleave"),
};
FORMAT(pveconf_fmt_numa, "pve-qm-numanode", numa);

#define B64 "[A-Za-z0-9+/]+={0,2}"
static const struct pveconf_prop smbios1[] = {
        STR("uuid", OPT, .pattern = "[a-fA-F0-9]{8}(-[a-fA-F0-9]{4}){3}-[a-fA-F0-9]{12}"),
        STR("version", OPT, .pattern = B64),
        STR("serial", OPT, .pattern = B64),
        STR("manufacturer", OPT, .pattern = B64),
        STR("product", OPT, .pattern = B64),
        STR("sku", OPT, .pattern = B64),
        STR("family", OPT, .pattern = B64),
        BOOL("base64", OPT),
};
FORMAT(pveconf_fmt_smbios1, "pve-qm-smbios1", smbios1);

static const struct pveconf_prop meta[] = {
        INT("ctime", OPT | MIN, .min = 0),
        STR("creation-qemu", OPT, .pattern = "[0-9]+(\\.[0-9]+)+"),
};
FORMAT(pveconf_fmt_meta, "pve-qm-meta", meta);

static const struct pveconf_prop vga[] = {
        STR("type", OPT | DEF,
            .enm = "cirrus|qxl|qxl2|qxl3|qxl4|none|serial0|serial1|serial2|serial3|std|virtio|"
                   "virtio-gl|vmware"),
        INT("memory", OPT | MIN | MAX, .min = 4, .max = 512),
        STR("clipboard", OPT, .enm = "vnc"),
};
FORMAT(pveconf_fmt_vga, "pve-qm-vga", vga);

static const struct pveconf_prop machine[] = {
        STR("type", OPT | DEF, .maxlen = 40,
            .pattern = "pc|pc(-i440fx)?-[0-9]+(\\.[0-9]+)+(\\+pve[0-9]+)?(\\.pxe)?|q35|"
                       "pc-q35-[0-9]+(\\.[0-9]+)+(\\+pve[0-9]+)?(\\.pxe)?|"
                       "virt(-[0-9]+(\\.[0-9]+)+)?(\\+pve[0-9]+)?"),
        STR("viommu", OPT, .enm = "intel|virtio"),
        NUM("aw-bits", OPT | MIN | MAX, .min = 32, .max = 64),
        BOOL("enable-s3", OPT),
        BOOL("enable-s4", OPT),
};
FORMAT(pveconf_fmt_machine, "pve-qemu-machine-fmt", machine);

static const struct pveconf_prop agent[] = {
        BOOL("enabled", DEF),
        BOOL("fstrim_cloned_disks", OPT),
        ALIAS("freeze-fs-on-backup", "freeze-fs"),
        ALIAS("guest-fsfreeze", "freeze-fs"),
        BOOL("freeze-fs", OPT),
        STR("type", OPT, .enm = "virtio|isa"),
};
FORMAT(pveconf_fmt_agent, "pve-qm-agent", agent);

static const struct pveconf_prop usb[] = {
        STR("host", OPT | DEF,
            .pattern = "(0x)?[0-9A-Fa-f]{4}:(0x)?[0-9A-Fa-f]{4}|[0-9]+-[0-9]+(\\.[0-9]+)*|"
                       "[Ss][Pp][Ii][Cc][Ee]"),
        STR("mapping", OPT, .fmt = pveconf_fmt_configid),
        BOOL("usb3", OPT),
};
FORMAT(pveconf_fmt_usb, "pve-qm-usb", usb);

static const struct pveconf_prop virtiofs[] = {
        STR("dirid", DEF, .fmt = pveconf_fmt_configid),
        STR("cache", OPT, .enm = "auto|always|metadata|never"),
        BOOL("direct-io", OPT),
        BOOL("expose-xattr", OPT),
        BOOL("expose-acl", OPT),
};
FORMAT(pveconf_fmt_virtiofs, "pve-qm-virtiofs", virtiofs);

static const struct pveconf_prop audio[] = {
        STR("device", 0, .enm = "ich9-intel-hda|intel-hda|AC97"),
        STR("driver", OPT, .enm = "spice|none"),
};
FORMAT(pveconf_fmt_audio, "pve-qm-audio", audio);

static const struct pveconf_prop rng[] = {
        STR("source", DEF, .enm = "/dev/urandom|/dev/random|/dev/hwrng"),
        INT("max_bytes", OPT),
        INT("period", OPT),
};
FORMAT(pveconf_fmt_rng, "pve-qm-rng", rng);

static const struct pveconf_prop watchdog[] = {
        STR("model", OPT | DEF, .enm = "i6300esb|ib700"),
        STR("action", OPT, .enm = "reset|shutdown|poweroff|pause|debug|none"),
};
FORMAT(pveconf_fmt_watchdog, "pve-qm-watchdog", watchdog);

static const struct pveconf_prop spice[] = {
        BOOL("foldersharing", OPT),
        STR("videostreaming", OPT, .enm = "off|all|filter"),
};
FORMAT(pveconf_fmt_spice, "pve-qm-spice-enhancements", spice);

static const struct pveconf_prop ivshmem[] = {
        INT("size", MIN, .min = 1),
        STR("name", OPT, .pattern = "[a-zA-Z0-9-]+"),
};
FORMAT(pveconf_fmt_ivshmem, "pve-qm-ivshmem", ivshmem);

static const struct pveconf_prop cicustom[] = {
        STR("meta", OPT, .fmt = pveconf_fmt_volume_id),
        STR("network", OPT, .fmt = pveconf_fmt_volume_id),
        STR("user", OPT, .fmt = pveconf_fmt_volume_id),
        STR("vendor", OPT, .fmt = pveconf_fmt_volume_id),
};
FORMAT(pveconf_fmt_cicustom, "pve-qm-cicustom", cicustom);

static const struct pveconf_prop boot[] = {
        STR("legacy", OPT | DEF, .pattern = "[acdn]{1,4}"),
        STR("order", OPT, .fmt = pveconf_fmt_bootdev_list),
};
FORMAT(pveconf_fmt_boot, "pve-qm-boot", boot);

static const struct pveconf_prop tdx[] = {
        STR("type", DEF, .enm = "tdx"),
        BOOL("attestation", 0),
        INT("vsock-cid", OPT | MIN, .min = 2),
        INT("vsock-port", OPT | MIN, .min = 0),
};
FORMAT(pveconf_fmt_tdx, "pve-qemu-tdx-fmt", tdx);

static const struct pveconf_prop sev[] = {
        STR("type", DEF, .enm = "std|es|snp", .maxlen = 3),
        BOOL("no-debug", OPT),
        BOOL("no-key-sharing", OPT),
        BOOL("allow-smt", OPT),
        BOOL("kernel-hashes", OPT),
};
FORMAT(pveconf_fmt_sev, "pve-qemu-sev-fmt", sev);

/* ------------------------------------------------------------------ parse_drive */

static bool truthy(const char *v, size_t n)
{
	return v && pveconf_perl_true(v, n);
}

static const char *prop_val(const struct pveconf_format *f, const char **vals, const size_t *lens,
                            const char *name, size_t *len)
{
	int i = pveconf_format_prop(f, name);

	if (len)
		*len = i >= 0 ? lens[i] : 0;
	return i >= 0 ? vals[i] : NULL;
}

static size_t prop_len(const struct pveconf_format *f, const char **vals, const size_t *lens,
                       const char *name)
{
	size_t l;

	prop_val(f, vals, lens, name, &l);
	return l;
}

int pveconf_drive_parse(const struct pveconf_format *f, bool is_virtio, const char *v, size_t n,
                        const char **file, size_t *flen)
{
	const char *vals[PVECONF_FORMAT_MAX_PROPS];
	size_t lens[PVECONF_FORMAT_MAX_PROPS];
	char err[256];
	static const char *const bps[][2] = {
	        {"bps", "mbps"}, {"bps_rd", "mbps_rd"}, {"bps_wr", "mbps_wr"}};
	static const char *const req[][2] = {{"mbps_max", "mbps"},
	                                     {"mbps_rd_max", "mbps_rd"},
	                                     {"mbps_wr_max", "mbps_wr"},
	                                     {"bps_max_length", "mbps_max"},
	                                     {"bps_rd_max_length", "mbps_rd_max"},
	                                     {"bps_wr_max_length", "mbps_wr_max"},
	                                     {"iops_max_length", "iops_max"},
	                                     {"iops_rd_max_length", "iops_rd_max"},
	                                     {"iops_wr_max_length", "iops_wr_max"}};
	static const char *const excl[][2] = {
	        {"mbps_rd", "mbps"}, {"mbps_wr", "mbps"}, {"iops_rd", "iops"}, {"iops_wr", "iops"}};
	bool mset[3] = {false, false, false};

#define VAL(name) prop_val(f, vals, lens, name, NULL)
#define LEN(name) prop_len(f, vals, lens, name)
	if (pveconf_format_parse(f, v, n, vals, lens, err, sizeof(err)) < 0)
		return -1;
	/* bps* becomes mbps* ("0.000", true in Perl); with mbps* as well it is an error */
	for (size_t k = 0; k < 3; k++) {
		if (!VAL(bps[k][0]))
			continue;
		if (VAL(bps[k][1]))
			return -1;
		mset[k] = true;
	}
	for (size_t k = 0; k < sizeof(req) / sizeof(req[0]); k++) {
		bool have = truthy(VAL(req[k][1]), LEN(req[k][1]));

		for (size_t b = 0; b < 3; b++)
			have |= mset[b] && strcmp(req[k][1], bps[b][1]) == 0;
		if (truthy(VAL(req[k][0]), LEN(req[k][0])) && !have)
			return -1;
	}
	for (size_t k = 0; k < sizeof(excl) / sizeof(excl[0]); k++) {
		bool a = truthy(VAL(excl[k][0]), LEN(excl[k][0])),
		     b = truthy(VAL(excl[k][1]), LEN(excl[k][1]));

		for (size_t m = 0; m < 3; m++) {
			a |= mset[m] && strcmp(excl[k][0], bps[m][1]) == 0;
			b |= mset[m] && strcmp(excl[k][1], bps[m][1]) == 0;
		}
		if (a && b)
			return -1;
	}
	if (VAL("media") && LEN("media") == 5 && memcmp(VAL("media"), "cdrom", 5) == 0) {
		if (truthy(VAL("snapshot"), LEN("snapshot")) ||
		    truthy(VAL("format"), LEN("format")))
			return -1;
		if (is_virtio)
			return -1;
	}
	*file = VAL("file");
	*flen = LEN("file");
#undef VAL
#undef LEN
	return *file ? 0 : -1;
}
