#!/bin/sh
# no-libcurl.sh BINARY - the main binary is also the pre-start hookscript and must not link libcurl
# or libssl (several ms per start): pveapi/ loads them with dlopen() only when an API command runs.
set -u
bin=${1:-${PP_BIN:-./pve-passthrough}}
p=0; f=0
needed=$(readelf -d "$bin" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | tr '\n' ' ')
if echo "$needed" | grep -Eq 'libcurl|libssl|libgnutls'; then
	echo "no-libcurl: $bin links: $needed"; f=$((f + 1))
else
	p=$((p + 1))
fi
if nm -u "$bin" | grep -Eq ' (curl_|SSL_)'; then
	echo "no-libcurl: $bin has undefined curl_/SSL_ symbols:"; nm -u "$bin" | grep -E ' (curl_|SSL_)'
	f=$((f + 1))
else
	p=$((p + 1))
fi
echo "no-libcurl: $p passed, $f failed"
[ "$f" -eq 0 ]
