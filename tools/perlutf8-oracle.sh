#!/bin/sh
# tools/perlutf8-oracle.sh [N] - compares pveconf/perlutf8.c with the machine's own Perl on N (default
# 100000) random byte strings: for each, how Encode::decode("utf8") cuts it into characters and
# U+FFFD runs.  Meaningful only where that Perl is Debian 12's 5.36 with Encode 3.17 (what PVE 9's
# harness ran); prints the number of disagreements and the first ones, exits 1 on any.  Not part of
# `make check` (it depends on the machine's Perl); run it after touching the decoder.
set -eu
cd "$(dirname "$0")/.."
N=${1:-100000}
t=$(mktemp -d /tmp/pp-perlutf8-XXXXXX)
trap 'rm -rf "$t"' EXIT
perl -MEncode -e 'print "perl $^V, Encode $Encode::VERSION\n"'
cat >"$t/seg.c" <<'C'
#include <stdio.h>
#include <string.h>
#include "pveconf/perlutf8.h"
int main(void)
{
	char line[8192];
	unsigned char b[4096];

	while (fgets(line, sizeof(line), stdin)) {
		size_t n = 0, i = 0;

		line[strcspn(line, "\n")] = '\0';
		for (char *p = line; p[0] && p[1]; p += 2) {
			unsigned x;
			sscanf(p, "%2x", &x);
			b[n++] = (unsigned char)x;
		}
		printf("%s ", line);
		while (i < n) {
			size_t l = pveconf_perl_utf8_char(b + i, n - i);
			if (l)
				printf("c%zu", l);
			else
				printf("[%zu]", l = pveconf_perl_utf8_bad(b + i, n - i));
			i += l;
		}
		printf("\n");
	}
	return 0;
}
C
${CC:-cc} -std=c11 -I. -O2 -o "$t/seg" "$t/seg.c" pveconf/perlutf8.c util/buf.c
python3 - "$N" >"$t/in" <<'PY'
import random, sys
random.seed(int(sys.argv[1]))
pool = [0x41, 0x25] + list(range(0x80, 0x100))
for i in range(int(sys.argv[1])):
    b = []
    if i % 2:
        while len(b) < random.randint(1, 24):
            b.append(random.randint(0xc0, 0xff))
            b += [random.randint(0x80, 0xbf) if random.random() < .85 else random.choice(pool)
                  for _ in range(random.randint(0, 12))]
    else:
        b = [random.choice(pool) for _ in range(random.randint(1, 24))]
    print(bytes(b).hex())
PY
"$t/seg" <"$t/in" >"$t/ours"
perl -MEncode -ne 'chomp; my $h = $_; my $r = "";
	my $s = Encode::decode("utf8", pack("H*", $h), sub { "\x{1}" . scalar(@_) . "\x{2}" });
	for my $c ($s =~ /(\x{1}\d+\x{2}|.)/sg) {
		$r .= $c =~ /^\x{1}(\d+)\x{2}$/ ? "[$1]" : "c" . length(Encode::encode("utf8", $c));
	}
	print "$h $r\n"' <"$t/in" >"$t/perl"
bad=$(diff "$t/ours" "$t/perl" | grep -c '^<' || true)
echo "perlutf8-oracle: $N random byte strings, $bad disagree"
[ "$bad" -eq 0 ] || { diff "$t/ours" "$t/perl" | head -20; exit 1; }
