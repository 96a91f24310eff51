/* libFuzzer target: the hostpci property-string parser.  Property: a value that parses formats to
 * a canonical form that parses again and formats to itself (a fixed point). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pveconf/hostpci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pveconf_hostpci h, h2;
	struct util_err e = {0};
	struct util_buf a = {0}, b = {0};
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (pveconf_hostpci_parse(s, &h, &e) == 0) {
		if (pveconf_hostpci_format(&h, &a) < 0)
			abort();
		if (pveconf_hostpci_parse(a.s ? a.s : "", &h2, &e) != 0)
			abort();
		if (pveconf_hostpci_format(&h2, &b) < 0 ||
		    strcmp(a.s ? a.s : "", b.s ? b.s : "") != 0)
			abort();
		for (size_t i = 0; i < h.n_ids; i++) {
			char id[64];

			pveconf_pci_id_format(&h.ids[i], id, sizeof(id));
			if (!pveconf_pci_id_match(&h.ids[i], id) && h.ids[i].has_function)
				abort();
		}
	} else if (!e.msg[0]) {
		abort(); /* every refusal says why */
	}
	util_buf_free(&a);
	util_buf_free(&b);
	free(s);
	return 0;
}
