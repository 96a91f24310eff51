/* Unit tests: pveconf/vmconf's minimal-diff editor - every edit is checked byte for byte: the
 * changed line, PVE's sorted position for a new key, [PENDING] created where PVE puts it, the
 * delete: list as qm set keeps it, and no other byte touched. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pveconf/vmconf.h"
#include "support/tmpdir.h"
#include "util/fileio.h"

enum op { SET, UNSET, PDEL_ADD, PDEL_REMOVE };

struct edit_case {
	const char *name;
	const char *before;
	enum op op;
	const char *section, *key, *value;
	int rc;
	const char *after; /* NULL: unchanged */
};

static const struct edit_case cases[] = {
        {"replace a value in place", "#d\ncores: 2\nmemory: 512\n", SET, NULL, "cores", "4", 0,
         "#d\ncores: 4\nmemory: 512\n"},
        {"new key at its sorted place (byte-wise: hostpci10 < hostpci2)",
         "hostpci1: 00:02.1\nhostpci2: 00:02.2\nmemory: 512\n", SET, NULL, "hostpci10", "00:02.3",
         0, "hostpci1: 00:02.1\nhostpci10: 00:02.3\nhostpci2: 00:02.2\nmemory: 512\n"},
        {"new key after the last one", "cores: 2\n\n[snap]\ncores: 1\n", SET, "main", "vga", "none",
         0, "cores: 2\nvga: none\n\n[snap]\ncores: 1\n"},
        {"unsorted files: before the first greater key", "name: x\ncores: 1\nboot: c\n", SET, NULL,
         "memory", "512", 0, "memory: 512\nname: x\ncores: 1\nboot: c\n"},
        {"keeps CRLF on the line it replaces", "cores: 2\r\nname: a\r\n", SET, NULL, "cores", "8",
         0, "cores: 8\r\nname: a\r\n"},
        {"new line in a CRLF file", "cores: 2\r\nname: a\r\n", SET, NULL, "memory", "64", 0,
         "cores: 2\r\nmemory: 64\r\nname: a\r\n"},
        {"no final newline stays so (append)", "cores: 2", SET, NULL, "name", "a", 0,
         "cores: 2\nname: a"},
        {"no final newline stays so (replace)", "cores: 2", SET, NULL, "cores", "3", 0, "cores: 3"},
        {"duplicates: the last line is the one that wins and changes",
         "cores: 1\ncores: 2\nname: a\n", SET, NULL, "cores", "3", 0,
         "cores: 1\ncores: 3\nname: a\n"},
        {"[PENDING] created after main, before snapshots",
         "#d\nmemory: 512\n\n[snap]\nmemory: 256\n", SET, "PENDING", "hostpci0", "0000:00:02.1", 0,
         "#d\nmemory: 512\n\n[PENDING]\nhostpci0: 0000:00:02.1\n\n[snap]\nmemory: 256\n"},
        {"[PENDING] created at the end", "memory: 512\n", SET, "PENDING", "cores", "2", 0,
         "memory: 512\n\n[PENDING]\ncores: 2\n"},
        {"[PENDING] created in an empty file", "", SET, "PENDING", "cores", "2", 0,
         "[PENDING]\ncores: 2\n"},
        {"[PENDING] created when a section follows without a blank", "memory: 512\n[snap]\n", SET,
         "PENDING", "cores", "2", 0, "memory: 512\n\n[PENDING]\ncores: 2\n\n[snap]\n"},
        {"set in [PENDING] cancels its pending delete",
         "cores: 1\n\n[PENDING]\ndelete: hostpci0,net0\n", SET, "PENDING", "hostpci0", "00:02.1", 0,
         "cores: 1\n\n[PENDING]\ndelete: net0\nhostpci0: 00:02.1\n"},
        {"unset removes every line of the key", "cores: 1\nname: a\ncores: 2\n", UNSET, NULL,
         "cores", NULL, 0, "name: a\n"},
        {"unset of an absent key", "cores: 1\n", UNSET, NULL, "name", NULL, -ENOENT, NULL},
        {"unset does not touch snapshots", "cores: 1\n\n[snap]\ncores: 1\n", UNSET, NULL, "cores",
         NULL, 0, "\n[snap]\ncores: 1\n"},
        {"unset of the last pending key drops [PENDING]",
         "cores: 1\n\n[PENDING]\ncores: 2\n\n[snap]\ncores: 1\n", UNSET, "PENDING", "cores", NULL,
         0, "cores: 1\n\n[snap]\ncores: 1\n"},
        {"pending delete creates [PENDING]", "hostpci0: 00:02.1\n", PDEL_ADD, NULL, "hostpci0",
         NULL, 0, "hostpci0: 00:02.1\n\n[PENDING]\ndelete: hostpci0\n"},
        {"pending delete joins the list sorted by key, keeps forces",
         "cores: 1\n\n[PENDING]\ndelete: net0;!hostpci3\nname: x\n", PDEL_ADD, NULL, "hostpci1",
         NULL, 0, "cores: 1\n\n[PENDING]\ndelete: hostpci1,!hostpci3,net0\nname: x\n"},
        {"pending delete replaces a pending value",
         "cores: 1\n\n[PENDING]\nhostpci1: 00:02.2\nname: x\n", PDEL_ADD, NULL, "hostpci1", NULL, 0,
         "cores: 1\n\n[PENDING]\ndelete: hostpci1\nname: x\n"},
        {"removing the last pending delete drops [PENDING]",
         "cores: 1\n\n[PENDING]\ndelete: hostpci1\n", PDEL_REMOVE, NULL, "hostpci1", NULL, 0,
         "cores: 1\n"},
        {"removing one pending delete", "cores: 1\n\n[PENDING]\ndelete: a1, !b2\n", PDEL_REMOVE,
         NULL, "a1", NULL, 0, "cores: 1\n\n[PENDING]\ndelete: !b2\n"},
        {"removing an absent pending delete", "cores: 1\n", PDEL_REMOVE, NULL, "a1", NULL, -ENOENT,
         NULL},
        {"bad key", "cores: 1\n", SET, NULL, "Cores", "1", -EINVAL, NULL},
        {"bad value", "cores: 1\n", SET, NULL, "name", "a\nb", -EINVAL, NULL},
        {"value with surrounding blank", "cores: 1\n", SET, NULL, "name", " a", -EINVAL, NULL},
        {"a value PVE would drop is refused", "cores: 1\n", SET, NULL, "hostpci0", "0000:00:0A.0",
         -EINVAL, NULL},
        {"an unknown key is refused", "cores: 1\n", SET, NULL, "hostpci16", "00:02.0", -EINVAL,
         NULL},
        {"snapshot sections are not edited", "[snap]\n", SET, "snap", "cores", "1", -EINVAL, NULL},
};

static void test_edit_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct edit_case *c = &cases[i];
		struct pveconf_vm *vm = NULL;
		struct util_err e = {0};
		struct util_buf out = {0};
		const char *want = c->after ? c->after : c->before;
		char digest[64];
		int r = 0;

		assert_int_equal(pveconf_vm_parse(c->before, strlen(c->before), c->name, &vm, &e),
		                 0);
		snprintf(digest, sizeof(digest), "%s", pveconf_vm_digest(vm));
		switch (c->op) {
		case SET: r = pveconf_vm_set(vm, c->section, c->key, c->value, &e); break;
		case UNSET: r = pveconf_vm_unset(vm, c->section, c->key, &e); break;
		case PDEL_ADD: r = pveconf_vm_pending_delete(vm, c->key, true, &e); break;
		case PDEL_REMOVE: r = pveconf_vm_pending_delete(vm, c->key, false, &e); break;
		}
		if (r != c->rc)
			fail_msg("%s: returned %d (%s), want %d", c->name, r, e.msg, c->rc);
		if (r < 0 && !e.msg[0])
			fail_msg("%s: error without a message", c->name);
		assert_int_equal(pveconf_vm_serialize(vm, &out), 0);
		if (strcmp(util_buf_str(&out), want) != 0)
			fail_msg("%s: got\n%s---\nwant\n%s---", c->name, util_buf_str(&out), want);
		/* the digest is the one the change was planned against */
		assert_string_equal(pveconf_vm_digest(vm), digest);
		util_buf_free(&out);
		pveconf_vm_free(vm);
	}
}

/* The editor's result is what PVE itself writes for the same change (pve-generated example). */
static void test_same_as_pve_for_its_example(void **state)
{
	static const char before[] =
	        "#line1\n#\n#line3%3A x\nhostpci0: 00:02.3\nmemory: 512\n"
	        "name: b\n\n[s1]\n#snap desc\nhostpci0: 00:02.1\nsnaptime: 1\n";
	struct pveconf_vm *vm = NULL;
	struct util_err e = {0};
	struct util_buf out = {0}, w = {0};
	char *pve, *body;
	size_t len;

	(void)state;
	assert_int_equal(
	        util_file_read(tt_shared("corpus/pve-generated/pending-example.pve-written"),
	                       1 << 20, &pve, &len, &e),
	        0);
	body = strchr(pve, '\n') + 1; /* the first line lists the parsed values */
	assert_int_equal(pveconf_vm_parse(before, sizeof(before) - 1, "ex", &vm, &e), 0);
	assert_int_equal(pveconf_vm_set(vm, "PENDING", "hostpci1", "0000:00:02.2,pcie=1", &e), 0);
	assert_int_equal(pveconf_vm_pending_delete(vm, "hostpci0", true, &e), 0);
	assert_int_equal(pveconf_vm_serialize(vm, &out), 0);
	assert_string_equal(util_buf_str(&out), body);
	assert_int_equal(pveconf_vm_write_pve(vm, &w), 0);
	assert_string_equal(util_buf_str(&w), body);
	assert_true(pveconf_vm_pending_deletes(vm, "hostpci0", NULL));
	assert_string_equal(pveconf_vm_get(vm, "PENDING", "hostpci1", NULL), "0000:00:02.2,pcie=1");
	util_buf_free(&out);
	util_buf_free(&w);
	pveconf_vm_free(vm);
	free(pve);
}

/* A mix of edits leaves comments, odd lines and unknown sections exactly where they were. */
static void test_edits_touch_nothing_else(void **state)
{
	static const char in[] = "#keep %this\n\ncores: 1\n  odd line stays\nzz: unknown\n\n"
	                         "[weird one]\nx\n[snap]\ncores: 9\n";
	struct pveconf_vm *vm = NULL;
	struct util_err e = {0};
	struct util_buf out = {0};

	(void)state;
	assert_int_equal(pveconf_vm_parse(in, sizeof(in) - 1, "t", &vm, &e), 0);
	assert_int_equal(pveconf_vm_set(vm, NULL, "memory", "1024", &e), 0);
	assert_int_equal(pveconf_vm_set(vm, "PENDING", "cores", "2", &e), 0);
	assert_int_equal(pveconf_vm_unset(vm, NULL, "cores", &e), 0);
	assert_int_equal(pveconf_vm_serialize(vm, &out), 0);
	assert_string_equal(util_buf_str(&out),
	                    "#keep %this\n\n  odd line stays\nmemory: 1024\nzz: unknown\n\n"
	                    "[PENDING]\ncores: 2\n\n[weird one]\nx\n[snap]\ncores: 9\n");
	util_buf_free(&out);
	pveconf_vm_free(vm);
}

/* On every corpus file: a pending set adds at most 3 lines ("", "[PENDING]", the key) and keeps
 * every other line, in order, byte for byte; PVE's reading then sees the new value. */
static void test_pending_set_on_whole_corpus(void **state)
{
	const char *dir = tt_shared("corpus/pveconf");
	char cmd[4200];
	FILE *ls;
	char name[512];
	size_t files = 0;

	(void)state;
	snprintf(cmd, sizeof(cmd), "ls '%s' | grep '\\.conf$'", dir);
	ls = popen(cmd, "r");
	assert_non_null(ls);
	while (fgets(name, sizeof(name), ls)) {
		char path[4800], *data;
		size_t len, o = 0, extra = 0;
		struct pveconf_vm *vm = NULL;
		struct util_err e = {0};
		struct util_buf out = {0};

		name[strcspn(name, "\n")] = '\0';
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		assert_int_equal(util_file_read(path, 1 << 20, &data, &len, &e), 0);
		assert_int_equal(pveconf_vm_parse(data, len, name, &vm, &e), 0);
		assert_int_equal(pveconf_vm_set(vm, "PENDING", "hostpci5", "0000:00:02.5", &e), 0);
		assert_string_equal(pveconf_vm_get(vm, "PENDING", "hostpci5", NULL),
		                    "0000:00:02.5");
		assert_int_equal(pveconf_vm_serialize(vm, &out), 0);
		/* walk the new text line by line, matching the old lines in order */
		for (size_t i = 0; i < out.len;) {
			const char *nl = memchr(out.s + i, '\n', out.len - i);
			size_t l = nl ? (size_t)(nl - (out.s + i)) + 1 : out.len - i;

			if (o + l <= len && memcmp(data + o, out.s + i, l) == 0)
				o += l;
			else
				extra++;
			i += l;
		}
		if (o != len || extra > 3)
			fail_msg(
			        "%s: the pending set changed other bytes (%zu of %zu kept, %zu new "
			        "lines)",
			        name, o, len, extra);
		files++;
		util_buf_free(&out);
		pveconf_vm_free(vm);
		free(data);
	}
	pclose(ls);
	assert_int_equal(files, 230);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_edit_table),
	        cmocka_unit_test(test_same_as_pve_for_its_example),
	        cmocka_unit_test(test_edits_touch_nothing_else),
	        cmocka_unit_test(test_pending_set_on_whole_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
