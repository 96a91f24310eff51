# status on the demo host: the Raptor Lake-P PF with 7 VFs, as a table and the iGPU summary
"$PP" --root "$DEMO" status
