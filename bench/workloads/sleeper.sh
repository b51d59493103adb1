#!/bin/sh
# Bench workload: a shell sleeper. Writes its pid to the file named by $1 (atomically, via rename)
# and then becomes `sleep`, so the pid a supervisor started stays the running main process.
echo $$ > "$1.tmp" && mv "$1.tmp" "$1"
exec sleep 1000000
