# status --format json on the demo host (docs/cli.md schema); must be valid JSON
"$PP" --root "$DEMO" status --format json | tee out.json
python3 -c 'import json,sys; d=json.load(open("out.json")); print("valid json,", len(d["devices"]), "devices")'
