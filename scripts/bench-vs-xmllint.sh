#!/usr/bin/env bash
# Times, in one run, `vmxml check` over the 573 corpus documents against
# `xmllint --noout --relaxng domain.rng` over the same files. Prints both and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -q -p vmxml-cli
corpus=core/tests/corpus/libvirt-9.0.0
mapfile -t files < <(tail -n +2 "$corpus/verdicts.tsv" | cut -f1 | sed "s|^|$corpus/|")
echo "files: ${#files[@]}"
now() { date +%s.%N; }
best() { # best of 5 runs, seconds
  local best=999999 t0 t1 d
  for _ in 1 2 3 4 5; do
    t0=$(now); "$@" >/dev/null 2>&1 || true; t1=$(now)
    d=$(echo "$t1 - $t0" | bc -l); if (( $(echo "$d < $best" | bc -l) )); then best=$d; fi
  done
  echo "$best"
}
v=$(best target/release/vmxml check "${files[@]}")
x=$(best xmllint --noout --relaxng /usr/share/libvirt/schemas/domain.rng "${files[@]}")
printf 'vmxml check : %.3f s\nxmllint     : %.3f s\nvmxml is %.1fx faster\n' "$v" "$x" "$(echo "$x / $v" | bc -l)"
