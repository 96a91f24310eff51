#!/bin/sh
# mkcerts.sh DIR - a throwaway CA and a server certificate for 127.0.0.1/localhost signed by it,
# plus a second, unrelated CA (for the "wrong CA" tests).  Made per test run with the openssl CLI.
# The extensions are the ones strict X.509 checking wants (Python >= 3.13 verifies with
# VERIFY_X509_STRICT: a CA with keyUsage, certificates with key identifiers).
set -eu
d=$1
mkdir -p "$d"
cd "$d"
q() { "$@" >/dev/null 2>&1 || { echo "mkcerts: $* failed" >&2; exit 1; }; }
for ca in ca other-ca; do
	q openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-keyout "$ca.key" -out "$ca.pem" -subj "/CN=pve-passthrough test $ca" \
		-addext "keyUsage=critical,keyCertSign,cRLSign"
done
q openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key \
	-out server.csr -subj "/CN=localhost"
ids='subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid,issuer\n'
printf "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n$ids" >server.ext
q openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
	-extfile server.ext -out server.pem
q openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout wrongname.key \
	-out wrongname.csr -subj "/CN=elsewhere.invalid"
printf "subjectAltName=DNS:elsewhere.invalid\nextendedKeyUsage=serverAuth\n$ids" >wrongname.ext
q openssl x509 -req -in wrongname.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
	-extfile wrongname.ext -out wrongname.pem
openssl x509 -in wrongname.pem -noout -fingerprint -sha256 | sed 's/^.*=//' >wrongname.fp
# the pin as Proxmox shows it: SHA-256 of the DER certificate, AA:BB:...
openssl x509 -in server.pem -noout -fingerprint -sha256 | sed 's/^.*=//' >server.fp
chmod 600 ./*.key
