#!/usr/bin/env bash
# Size of dist/ (raw, gzip -9, brotli -q 11), per file and in total.
set -euo pipefail
cd "$(dirname "$0")/../dist"
command -v brotli >/dev/null || { echo "size report: brotli not installed"; exit 0; }
printf '%-44s %10s %10s %10s\n' file raw gzip brotli
tr=0; tg=0; tb=0
for f in $(ls | sort); do
  [ -f "$f" ] || continue
  r=$(wc -c <"$f"); g=$(gzip -9c "$f" | wc -c); b=$(brotli -q 11 -c "$f" | wc -c)
  tr=$((tr + r)); tg=$((tg + g)); tb=$((tb + b))
  printf '%-44s %10d %10d %10d\n' "$f" "$r" "$g" "$b"
done
printf '%-44s %10d %10d %10d\n' TOTAL "$tr" "$tg" "$tb"
# The budget for everything in dist/ (issue 3): 250 KB brotli, counted in decimal kilobytes
# (the stricter reading). Reported here; the README says how to stay under it.
budget=250000
if [ "$tb" -le "$budget" ]; then
  echo "brotli total $tb bytes: within the 250 KB budget ($((budget - tb)) bytes to spare)"
else
  echo "brotli total $tb bytes: OVER the 250 KB budget by $((tb - budget)) bytes"
fi
