/* pveconf/perlutf8.h - private to pveconf/: the UTF-8 decoder PVE's comments go through
 * (decode_text = uri_unescape + Encode::decode("utf8", ...), Encode 3.17 on Perl 5.36, the versions
 * of Debian 12 that PVE 9's harness ran).  Cause 4 of issue 11. */
#ifndef PP_PVECONF_PERLUTF8_H
#define PP_PVECONF_PERLUTF8_H

#include <stddef.h>

#include "util/buf.h"

/* Length of the well-formed character at s (Perl's extended UTF-8: surrogates, code points above
 * U+10FFFF and the 5..13-byte forms are characters; overlongs and overflows are not), or 0. */
size_t pveconf_perl_utf8_char(const unsigned char *s, size_t n);

/* At a position where pveconf_perl_utf8_char() is 0: how many bytes Encode replaces by one
 * U+FFFD (1 <= result <= n). */
size_t pveconf_perl_utf8_bad(const unsigned char *s, size_t n);

/* Appends what Encode::encode("utf8", Encode::decode("utf8", s)) gives: the well-formed characters
 * as they are, each malformation as EF BF BD.  0 or -ENOMEM. */
int pveconf_perl_utf8_decode(struct util_buf *out, const unsigned char *s, size_t n);

#endif
