# Issue 13 defect 8: the API token file must be the invoking user's (or root's) and private,
# whatever else is true; checked before any connection (the address is a closed port, so a run
# that got past the checks would say "cannot connect"; libcurl's own words after it differ between
# bookworm and trixie, so they are not compared).  A FIFO in its place is refused at once.
fp=AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA:AA
api() { timeout 20 "$PP" --root "$DEMO" audit --api --api-url 127.0.0.1:1 --api-token-file token \
	--api-fingerprint "$fp" >/dev/null 2>err; echo "rc=$?"; sed -e 's/(uid [0-9]*)/(uid N)/' -e 's/\(cannot connect: \).*/\1(libcurl'"'"'s words)/' err; }
printf 'root@pam!t=00000000-0000-0000-0000-000000000000\n' >token
echo "== mode 0600, owned by uid 4242"
chmod 600 token; chown 4242:4242 token
api
echo "== mode 0644, ours"
chown "$(id -u):$(id -g)" token; chmod 644 token
api
echo "== mode 0600, ours: the checks pass, the connection fails"
chmod 600 token
api
echo "== a FIFO"
rm token; mkfifo token
api
