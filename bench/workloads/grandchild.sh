#!/bin/sh
# Bench workload: leaves a grandchild in its own session (setsid), as a daemonising helper would,
# and records its pid in "$1.grandchild"; then writes its own pid to "$1" and sleeps in the foreground.
setsid /bin/sh -c 'echo $$ > "$1.grandchild.tmp" && mv "$1.grandchild.tmp" "$1.grandchild"; exec sleep 1000001' grandchild "$1" &
echo $$ > "$1.tmp" && mv "$1.tmp" "$1"
exec sleep 1000000
