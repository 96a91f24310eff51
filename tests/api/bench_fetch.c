/* tests/api/bench_fetch.c - the bench driver for pveapi/ until `audit --api` exists: fetches one
 * cluster snapshot (VM list, every VM config, ?current=1 for running VMs, PCI hardware, mdev
 * types, mappings) and prints one line of figures.  Also prints every error message (-v), which
 * is how the messages were checked by eye. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pveapi/pveapi.h"
#include "pveapi/snapshot.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct settings_api s = {0};
	struct settings_api_overrides o = {0};
	struct pveapi_client *c;
	struct pveapi_snapshot snap;
	struct util_err e = {0};
	unsigned parallel = 16, deadline = 0, verbose = 0;
	size_t nconf = 0, unreachable = 0;
	double t0, t;
	int r;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "-v") == 0) {
			verbose = 1;
			continue;
		}
		if (!v) {
			fprintf(stderr, "bench_fetch: %s needs a value\n", a);
			return 2;
		}
		i++;
		if (strcmp(a, "--url") == 0)
			o.url = v;
		else if (strcmp(a, "--token-file") == 0)
			o.token_file = v;
		else if (strcmp(a, "--ca-file") == 0)
			o.ca_file = v;
		else if (strcmp(a, "--fingerprint") == 0)
			o.fingerprint = v;
		else if (strcmp(a, "--parallel") == 0)
			parallel = (unsigned)atoi(v);
		else if (strcmp(a, "--deadline-ms") == 0)
			deadline = (unsigned)atoi(v);
		else {
			fprintf(stderr,
			        "usage: bench_fetch --url URL --token-file F (--ca-file F | "
			        "--fingerprint FP) [--parallel N] [--deadline-ms MS] [-v]\n");
			return 2;
		}
	}
	if (settings_api_override(&s, &o, &e) || pveapi_client_new(&s, &c, &e)) {
		fprintf(stderr, "bench_fetch: %s\n", e.msg);
		return 3;
	}
	pveapi_client_set_limits(c, parallel, deadline);
	t0 = now();
	r = pveapi_snapshot_fetch(c, NULL, &snap, &e);
	t = now() - t0;
	if (r) {
		fprintf(stderr, "bench_fetch: %s\n", e.msg);
		pveapi_snapshot_free(&snap);
		pveapi_client_free(c);
		return 3;
	}
	for (size_t i = 0; i < snap.nvms; i++) {
		nconf += snap.vms[i].nconfig > 0;
		if (verbose && snap.vms[i].err)
			fprintf(stderr, "vm %u: %s\n", snap.vms[i].vmid, snap.vms[i].errmsg);
	}
	for (size_t i = 0; i < snap.nnodes; i++) {
		unreachable += !snap.nodes[i].reachable;
		if (verbose && snap.nodes[i].err)
			fprintf(stderr, "node %s: %s\n", snap.nodes[i].name, snap.nodes[i].errmsg);
	}
	printf("pveapi: %u requests, %u in flight at most, %.2f s, %.0f requests/s "
	       "(%zu nodes, %zu unreachable, %zu VMs, %zu configs, %u failed)\n",
	       snap.requests, parallel, t, snap.requests / t, snap.nnodes, unreachable, snap.nvms,
	       nconf, snap.failed);
	pveapi_snapshot_free(&snap);
	pveapi_client_free(c);
	return 0;
}
