/* libFuzzer target: the setup journal (/var/lib/pve-passthrough/journal/<id>/journal) as every
 * reader of it sees it - the interrupted-journal search (doctor, setup, rollback), the last
 * applied setup, its PF, and the rollback plan built from it.  Properties: no crash or leak; a
 * failed read always says why. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host/probe.h"
#include "host/setup.h"
#include "fuzz_root.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define JDIR HOST_JOURNAL_DIR "/20260101T000000Z-001-setup"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct util_paths p;
	struct util_err e = {0};
	struct host_facts f;
	struct host_plan plan;
	struct host_rollback_opts o = {0};
	char id[128], kind[32], mode[64], pf[16], setup_id[128];
	bool found = false;

	fuzz_root(&p);
	fuzz_put(JDIR "/journal", data, size);
	/* a backup the journal may name, and a file it may have written */
	fuzz_put(JDIR "/1.old", "GRUB_CMDLINE_LINUX=\"\"\n", 22);
	fuzz_put("/etc/default/grub.d/pve-passthrough.cfg", data, size < 64 ? size : 64);
	if (host_journal_interrupted(&p, id, sizeof(id), kind, sizeof(kind), &e) < 0 && !e.msg[0])
		abort();
	memset(&e, 0, sizeof(e));
	if (host_journal_last_setup(&p, id, sizeof(id), mode, sizeof(mode), &e) == 0 && id[0])
		host_journal_setup_pf(&p, id, pf, sizeof(pf), &e);
	memset(&e, 0, sizeof(e));
	memset(&f, 0, sizeof(f));
	f.totalvfs = f.numvfs = -1;
	memset(&plan, 0, sizeof(plan));
	if (host_rollback_plan(&p, &o, &f, &plan, &found, setup_id, sizeof(setup_id), &e) < 0 &&
	    !e.msg[0])
		abort();
	host_plan_free(&plan);
	return 0;
}
