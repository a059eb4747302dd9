// Self time by function from Chrome CPU profiles (CDP Profiler.stop), for e2e/profile.mjs
// and e2e/startup.mjs.

/** Adds `profile`'s self time per function name (microseconds, idle left out) to `into`. */
export function addSelfTimes(profile, into) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  profile.samples.forEach((id, i) => {
    const n = byId.get(id);
    const f = n.callFrame.functionName || `(${n.callFrame.url.split('/').pop()})`;
    if (f !== '(idle)') into.set(f, (into.get(f) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return into;
}

/** Prints the `count` busiest functions of `times`, in milliseconds divided by `per`. */
export function printTop(times, count, per = 1) {
  const top = [...times].sort((a, b) => b[1] - a[1]).slice(0, count);
  for (const [f, us] of top) console.log(`${(us / 1000 / per).toFixed(1).padStart(8)} ms  ${f.slice(0, 150)}`);
}
