/* Unit tests: pveconf/perlutf8 - Encode::decode("utf8") as Debian 12's Perl 5.36 / Encode 3.17 does
 * it (cause 4 of issue 11).  Every expected output below is what that Perl printed for the input
 * (perl -MEncode: unpack "H*", encode("utf8", decode("utf8", pack "H*", IN))): the comment lines of
 * the corpus cases in ../shared/corpus/pveconf-diff/ after PVE's %XX unescaping, then the edges
 * of Perl's extended UTF-8 and the one-U+FFFD-per-sequence rule.  The reader test at the end runs
 * the corpus lines through the whole reader and writer. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pveconf/perlutf8.h"
#include "pveconf/vmconf.h"

struct utf8_case {
	const char *why;
	const char *in;  /* hex */
	const char *out; /* hex: what Perl's decode + encode gave */
};

static const struct utf8_case cases[] = {
        /* corpus pveconf-diff: the comment lines PVE's writer changed (after uri_unescape) */
        {"9095 line 2: FF starts a 13-byte form; A9 after it joins E2 82 AC into one U+FFFD",
         "c32532ffe282aca9", "efbfbd2532efbfbdefbfbd"},
        {"9114: FF, a lone surrogate start ED B0 80 is kept, C1 BF is one overlong",
         "ffedb08025f09f9880c1bf25320a", "efbfbdefbfbd25f09f9880efbfbd25320a"},
        {"9317: a lone continuation, C3 80 80, C3 before A, U+10FFFF kept",
         "80c38080c341c3f48fbfbf", "efbfbdefbfbd41efbfbdf48fbfbf"},
        {"9564: FF, C1 BF 80 as one, a truncated C3 at the end", "ffc1bf8023c3",
         "efbfbdefbfbd23efbfbd"},
        {"9564: U+10FFFF three times, then A9 C1 BF as one and FF A9 as one",
         "f48fbfbff48fbfbf09f48fbfbfa9c1bfffa9", "f48fbfbff48fbfbf09f48fbfbfefbfbdefbfbd"},
        {"9587: a continuation byte swallows the euro sign after it", "80e282ac0a80800041",
         "efbfbd0aefbfbdefbfbd0041"},
        {"9587: C3 before a valid E0 A0 80 is one U+FFFD alone", "7fe0a080c3e0a08001203ac3",
         "7fe0a080efbfbde0a08001203aefbfbd"},
        {"9602: A9 C3 A9 is U+FFFD then e-acute", "7f613ae0a080a9c3a9e282ac",
         "7f613ae0a080efbfbdc3a9e282ac"},
        {"9653: A9 E2 82 AC is one U+FFFD, a final FF another",
         "f09f9880e0a080a9e282ace0a0807ff48fbfbfff", "f09f9880e0a080efbfbde0a0807ff48fbfbfefbfbd"},
        {"9653: FF before % and before NUL", "ff2532ff00", "efbfbd2532efbfbd00"},
        /* Perl's strict DFA walking on from its reject state */
        {"F8 then a valid euro sign: one U+FFFD for all four", "f8e282ac", "efbfbd"},
        {"F8 then U+2FFF: the walk rejects, U+2FFF stays", "f8e2bfbf", "efbfbde2bfbf"},
        {"F8 then U+D7FF: F8 ED 9F and BF", "f8ed9fbf", "efbfbdefbfbd"},
        /* one U+FFFD per malformed sequence */
        {"C0 alone", "c0", "efbfbd"},
        {"overlong C0 80", "c080", "efbfbd"},
        {"overlong E0 80 80", "e08080", "efbfbd"},
        {"truncated E2 82", "e282", "efbfbd"},
        {"truncated F0 9F 98", "f09f98", "efbfbd"},
        /* lax: what strict UTF-8 refuses is kept */
        {"surrogate U+D800", "eda080", "eda080"},
        {"U+110000", "f4908080", "f4908080"},
        {"U+1FFFFF", "f7bfbfbf", "f7bfbfbf"},
        {"5-byte U+200000", "f888808080", "f888808080"},
        {"7-byte 0x80000000, then a stray continuation", "fe8280808080808041",
         "fe828080808080efbfbd41"},
        {"7-byte overlong", "fe8180808080808041", "efbfbdefbfbd41"},
        {"13-byte 2^36", "ff808080808081808080808080", "ff808080808081808080808080"},
        {"13-byte just below 2^63", "ff808780808080808080808080", "ff808780808080808080808080"},
        {"13-byte 2^63 overflows Perl's IV_MAX", "ff808880808080808080808080", "efbfbd"},
        {"13-byte overlong, then one more byte", "ff80808080808080808080808080", "efbfbdefbfbd"},
};

static size_t unhex(const char *h, unsigned char *b)
{
	size_t n = 0;

	for (; h[0] && h[1]; h += 2) {
		unsigned x;

		assert_int_equal(sscanf(h, "%2x", &x), 1);
		b[n++] = (unsigned char)x;
	}
	return n;
}

static void test_perl_answers(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned char in[64], want[64];
		size_t n = unhex(cases[i].in, in), wn = unhex(cases[i].out, want);
		struct util_buf out = {0};

		assert_int_equal(pveconf_perl_utf8_decode(&out, in, n), 0);
		if (out.len != wn || memcmp(out.s, want, wn) != 0) {
			fprintf(stderr, "case '%s': %s gave %zu bytes, Perl %s\n", cases[i].why,
			        cases[i].in, out.len, cases[i].out);
			fail();
		}
		util_buf_free(&out);
	}
}

/* The two primitives on their own: a character's length, and how much one U+FFFD covers. */
static void test_char_and_bad_lengths(void **state)
{
	static const struct {
		const char *in;
		size_t chr, bad;
	} t[] = {
	        {"41", 1, 0},       {"c3a9", 2, 0},     {"e282ac", 3, 0},
	        {"f09f9880", 4, 0}, {"80", 0, 1},       {"c1bf", 0, 2},
	        {"c3", 0, 1},       {"e2e282ac", 0, 1}, {"f8e282ac41", 0, 4},
	        {"a9e282ac", 0, 4}, {"ff41", 0, 1},     {"ff8080", 0, 3},
	        {"f8c3a9", 0, 1},   {"eda080", 3, 0},   {"fe828080808080", 7, 0},
	        {"f0808080", 0, 4},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		unsigned char b[32];
		size_t n = unhex(t[i].in, b);

		assert_int_equal(pveconf_perl_utf8_char(b, n), t[i].chr);
		if (!t[i].chr)
			assert_int_equal(pveconf_perl_utf8_bad(b, n), t[i].bad);
	}
}

/* Through the reader: a comment's %XX bytes decoded, written back percent-encoded (corpus 9095). */
static void test_reader_comment(void **state)
{
	static const char in[] = "#%0a\xc3\xf0\x9f\x98\x80%\xc3%2%41%41\n"
	                         "#%c3%2%ff\xe2\x82\xac%a9\n"
	                         "memory: 512\n";
	static const char want[] = "#\n#%EF%BF%BD%F0%9F%98%80%25%EF%BF%BD%252AA\n"
	                           "#%EF%BF%BD%252%EF%BF%BD%EF%BF%BD\nmemory: 512\n";
	struct pveconf_vm *vm = NULL;
	struct util_err e = {0};
	struct util_buf out = {0};

	(void)state;
	assert_int_equal(pveconf_vm_parse(in, sizeof(in) - 1, "t", &vm, &e), 0);
	assert_int_equal(pveconf_vm_write_pve(vm, &out), 0);
	assert_string_equal(util_buf_str(&out), want);
	util_buf_free(&out);
	pveconf_vm_free(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_perl_answers),
	        cmocka_unit_test(test_char_and_bad_lengths),
	        cmocka_unit_test(test_reader_comment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
