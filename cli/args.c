/* cli/args.c - the argument grammar every command shares: a VMID (pveconf's one parser), a PCI
 * address (pveconf's one PCI-id grammar), a count of seconds.  The VMID and seconds checks print
 * the usage error naming the command themselves, so every command words them alike; the PCI
 * address check returns -EINVAL and the caller says which example fits its option.  No I/O. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "pveconf/hostpci.h"
#include "pveconf/vmlist.h"

int cli_arg_vmid(const struct cli_ctx *ctx, const char *cmd, const char *s, unsigned *vmid)
{
	if (pveconf_vmid_parse(s, vmid) < 0)
		return cli_usage_error(ctx, cmd, _("'%s' is not a VMID (100..999999999)"), s);
	return 0;
}

int cli_arg_bdf(const char *s, char *out, size_t n)
{
	struct pveconf_pci_id id;
	const char *colon = strchr(s, ':'), *last = strrchr(s, ':');

	/* pveconf's PCI-id grammar, any case; a domain has 4 digits, a slot is 0..1f */
	if (pveconf_pci_id_parse(s, strlen(s), PVECONF_PCI_ID_ANY_CASE, &id) < 0 ||
	    (id.has_domain && (colon == last || colon - s != 4)) || id.slot > 0x1f ||
	    (id.has_function && id.function > 7))
		return -EINVAL;
	/* function-less = every function of the slot (the plan refuses it where it must) */
	pveconf_pci_id_format(&id, out, n);
	return 0;
}

int cli_arg_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end || errno || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int cli_arg_seconds(const struct cli_ctx *ctx, const char *cmd, const char *opt, const char *s,
                    int *out)
{
	long v;

	if (cli_arg_long(s, 0, 3600, &v) < 0)
		return cli_usage_error(ctx, cmd, _("%s '%s': seconds, 0..3600"), opt, s);
	*out = (int)v;
	return 0;
}
