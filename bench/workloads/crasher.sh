#!/bin/sh
# Bench workload: fails at once. Appends its pid to the file named by $1 so every start can be
# counted the same way whichever supervisor runs it, then exits 1.
echo $$ >> "$1"
exit 1
