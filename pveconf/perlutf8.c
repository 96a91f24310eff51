/* pveconf/perlutf8.c - Encode::decode("utf8", BYTES) as Debian 12 runs it (Encode 3.17, Perl 5.36):
 * the decoder PVE's decode_text puts comment bytes through (cause 4 of issue 11).
 *
 * What Encode's process_utf8 does, and so what this file does:
 *  - the longest run of well-formed characters is kept as it is; "well-formed" is Perl's extended
 *    UTF-8 (is_utf8_string_loc with no flags): surrogates, code points above U+10FFFF and the
 *    5..13-byte forms are characters, overlongs and overflowing sequences are not;
 *  - at the first malformed byte it asks Perl's utf8n_to_uvchr(UTF8_ALLOW_ANY) how long the bad
 *    sequence is, writes one U+FFFD for those bytes and goes on after them.
 * That length has a quirk that matters for real inputs: utf8n_to_uvchr first runs Perl's strict
 * DFA (perl.h PL_strict_utf8_dfa_tab, inline.h Perl_utf8n_to_uvchr_msgs), and when the first byte
 * already rejects it keeps walking the table from the reject state, so "F8 E2 82 AC" is one
 * U+FFFD while "F8 E2 BF BF" is U+FFFD then U+2FFF.  Only when that walk rejects or runs out does
 * the slow path count the bad sequence: its start byte and the continuation bytes that follow, at
 * most as many as the start byte announces.  All of this was learnt by running Perl 5.36 on this
 * machine; the unit tests (tests/unit/pveconf_perlutf8.c) hold what it answered.  Pure code. */
#include "pveconf/perlutf8.h"

#include <stdbool.h>

static bool is_cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

/* How many bytes a start byte announces in Perl's extended UTF-8 (C0/C1: 2, they start overlongs). */
static size_t start_len(unsigned char c)
{
	return c < 0xe0    ? 2
	       : c < 0xf0  ? 3
	       : c < 0xf8  ? 4
	       : c < 0xfc  ? 5
	       : c < 0xfe  ? 6
	       : c == 0xfe ? 7
	                   : 13;
}

size_t pveconf_perl_utf8_char(const unsigned char *s, size_t n)
{
	/* the smallest second byte of a shortest form, per start byte (E0 A0, F0 90, F8 88, ...) */
	unsigned char c = s[0], min2 = 0x80;
	size_t len;

	if (c < 0x80)
		return 1;
	if (c < 0xc2) /* a continuation byte, or C0/C1 (always overlong) */
		return 0;
	len = start_len(c);
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++)
		if (!is_cont(s[i]))
			return 0;
	switch (c) {
	case 0xe0: min2 = 0xa0; break;
	case 0xf0: min2 = 0x90; break;
	case 0xf8: min2 = 0x88; break;
	case 0xfc: min2 = 0x84; break;
	case 0xfe: min2 = 0x82; break;
	case 0xff: {
		/* 12 continuation bytes, 72 bits: Perl's code points stop at IV_MAX (2^63 - 1), so
		 * the top 9 bits stay clear (else it overflows), and a 13-byte form needs more than
		 * 36 bits (else the 7-byte form is shorter: an overlong) */
		unsigned bits36_62;

		if (s[1] != 0x80 || (s[2] & 0x38))
			return 0;
		bits36_62 = s[2] & 0x07;
		for (size_t i = 3; i <= 6; i++)
			bits36_62 |= s[i] & 0x3f;
		return bits36_62 ? len : 0;
	}
	default: break;
	}
	return s[1] >= min2 ? len : 0;
}

/* Perl's strict DFA: the class of each byte, and the transitions, flat as Perl lays them out
 * (state = row offset, a multiple of NCLASS; 0 accepts, 1 rejects).  Classes: 0 ASCII, 1 never
 * valid (C0 C1 ED F5..FF), 2 C2..DF, 3 E1..EC EE, 4 EF, 5 F4, 6 F1..F3, 7 E0, 8 F0, 9..18 the
 * continuation bytes by range (80..8E, 8F, 90..9E, 9F, A0..AE, AF, B0..B6 B8..BD, B7, BE, BF). */
#define NCLASS 19
static unsigned char dfa_class(unsigned char c)
{
	if (c < 0x80)
		return 0;
	if (c < 0xc0) {
		switch (c) {
		case 0x8f: return 10;
		case 0x9f: return 12;
		case 0xaf: return 14;
		case 0xb7: return 16;
		case 0xbe: return 17;
		case 0xbf: return 18;
		default: return c < 0x90 ? 9 : c < 0xa0 ? 11 : c < 0xb0 ? 13 : 15;
		}
	}
	if (c < 0xc2 || c == 0xed || c >= 0xf5)
		return 1;
	if (c < 0xe0)
		return 2;
	if (c == 0xe0)
		return 7;
	if (c == 0xef)
		return 4;
	if (c < 0xf0)
		return 3;
	return c == 0xf0 ? 8 : c == 0xf4 ? 5 : 6;
}

enum {
	R = 1,             /* reject */
	S1 = 1 * NCLASS,   /* one continuation byte to go */
	S2 = 2 * NCLASS,   /* two to go */
	S3 = 3 * NCLASS,   /* after E0: A0..BF, then one */
	S4 = 4 * NCLASS,   /* after EF: one, but EF B7 and EF BF lead to the noncharacter checks */
	S5 = 5 * NCLASS,   /* after F0 */
	S6 = 6 * NCLASS,   /* after F1..F3 */
	S7 = 7 * NCLASS,   /* after F4 */
	S8 = 8 * NCLASS,   /* EF B7: not FDD0..FDEF */
	S9 = 9 * NCLASS,   /* EF BF: not FFFE/FFFF */
	S10 = 10 * NCLASS, /* plane-end path of 4-byte forms */
	S11 = 11 * NCLASS,
};

static const unsigned char dfa_next[12 * NCLASS] = {
        /* class:  0   1   2   3   4   5   6   7   8   9  10  11  12  13  14  15  16  17  18 */
        /* S0 */ 0,  R,  S1,  S2, S4,  S7, S6, S3, S5,  R,
        R,           R,  R,   R,  R,   R,  R,  R,  R,
        /* S1 */ R,  R,  R,   R,  R,   R,  R,  R,  R,   0,
        0,           0,  0,   0,  0,   0,  0,  0,  0,
        /* S2 */ R,  R,  R,   R,  R,   R,  R,  R,  R,   S1,
        S1,          S1, S1,  S1, S1,  S1, S1, S1, S1,
        /* S3 */ R,  R,  R,   R,  R,   R,  R,  R,  R,   R,
        R,           R,  R,   S1, S1,  S1, S1, S1, S1,
        /* S4 */ R,  R,  R,   R,  R,   R,  R,  R,  R,   S1,
        S1,          S1, S1,  S1, S1,  S1, S8, S1, S9,
        /* S5 */ R,  R,  R,   R,  R,   R,  R,  R,  R,   R,
        R,           S2, S10, S2, S10, S2, S2, S2, S10,
        /* S6 */ R,  R,  R,   R,  R,   R,  R,  R,  R,   S2,
        S10,         S2, S10, S2, S10, S2, S2, S2, S10,
        /* S7 */ R,  R,  R,   R,  R,   R,  R,  R,  R,   S2,
        S10,         R,  R,   R,  R,   R,  R,  R,  R,
        /* S8 */ R,  R,  R,   R,  R,   R,  R,  R,  R,   0,
        0,           R,  R,   R,  R,   0,  0,  0,  0,
        /* S9 */ R,  R,  R,   R,  R,   R,  R,  R,  R,   0,
        0,           0,  0,   0,  0,   0,  0,  R,  R,
        /* S10 */ R, R,  R,   R,  R,   R,  R,  R,  R,   S1,
        S1,          S1, S1,  S1, S1,  S1, S1, S1, S11,
        /* S11 */ R, R,  R,   R,  R,   R,  R,  R,  R,   0,
        0,           0,  0,   0,  0,   0,  0,  R,  R,
};

size_t pveconf_perl_utf8_bad(const unsigned char *s, size_t n)
{
	unsigned state = dfa_next[dfa_class(s[0])];
	size_t want, i;

	/* the fast path, walking on from the reject state as Perl's does */
	for (i = 1; i < n; i++) {
		state = dfa_next[state + dfa_class(s[i])];
		if (state == 0)
			return i + 1;
		if (state == R)
			break;
	}
	/* the slow path: the start byte and the continuation bytes it announces that are there */
	if (is_cont(s[0]))
		return 1;
	want = start_len(s[0]);
	for (i = 1; i < n && i < want && is_cont(s[i]); i++)
		;
	return i;
}

int pveconf_perl_utf8_decode(struct util_buf *out, const unsigned char *s, size_t n)
{
	size_t i = 0;
	int r;

	while (i < n) {
		size_t start = i, l;

		while (i < n && (l = pveconf_perl_utf8_char(s + i, n - i)) > 0)
			i += l;
		if (i > start && (r = util_buf_add(out, s + start, i - start)) < 0)
			return r;
		if (i == n)
			break;
		i += pveconf_perl_utf8_bad(s + i, n - i);
		if ((r = util_buf_add(out, "\xef\xbf\xbd", 3)) < 0)
			return r;
	}
	return 0;
}
