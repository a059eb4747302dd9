#!/usr/bin/env node
// Trunk post_build hook, release builds only. Five steps on the staged dist/, each part of
// the size budget, and then index.html's integrity hashes for the files they changed (a stale
// hash would make the browser refuse the file):
//  - drop the exports of wasm-streams, which the app never uses, and the code they keep
//    (1.4 KB brotli; see dropStreamExports);
//  - order the wasm's functions so that similar code sits together, where brotli finds it
//    cheaply (its nearby and repeated match distances cost the fewest bits): about 7 KB
//    brotli (see similarityOrder); binaryen's reorder-functions-by-name does the moving,
//    given names that spell that order;
//  - shorten the import and export names the wasm and the glue share (3.8 KB brotli over
//    both files);
//  - drop the wasm's custom sections, which nothing reads at run time (0.3 KB brotli);
//  - minify the wasm-bindgen JS glue, which Trunk's own minifier leaves as it is (it cannot
//    parse `export { ... as default }`: trunk-rs/trunk#1044): about 1.6 KB brotli.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const esbuild = createRequire(join(root, 'tools/package.json'))('esbuild');
const wasmOpt = join(root, 'tools/node_modules/.bin/wasm-opt');

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error('TRUNK_STAGING_DIR is not set: run this as a Trunk post_build hook');
if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);

const sri = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
const htmlPath = join(staging, 'index.html');
let html = readFileSync(htmlPath, 'utf8');

/** Writes `after` over the staged file `name` and moves index.html's hash along. */
function replace(name, before, after) {
  writeFileSync(join(staging, name), after);
  const old = sri(before);
  if (html.includes('integrity=') && !html.includes(old)) {
    throw new Error(`index.html has no integrity hash for ${name} to update`);
  }
  html = html.split(old).join(sri(after));
}

function minifyJs(name) {
  const before = readFileSync(join(staging, name));
  const { code } = esbuild.transformSync(before.toString('utf8'), {
    minify: true,
    format: 'esm',
    target: 'es2020',
    legalComments: 'none',
  });
  const after = Buffer.from(code);
  replace(name, before, after);
  console.log(`post-build: ${name} minified, ${before.length} -> ${after.length} bytes`);
}

// ---- wasm: just enough of the binary format to find the function bodies ----------------

function readU32(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    if (b === undefined) throw new Error('wasm: truncated LEB128');
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return [value, at];
  }
}

function u32(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return Buffer.from(out);
}

const vec = (parts) => Buffer.concat([u32(parts.length), ...parts]);
const named = (s) => Buffer.concat([u32(Buffer.byteLength(s)), Buffer.from(s)]);

function sections(bytes) {
  const out = [];
  for (let at = 8; at < bytes.length; ) {
    const id = bytes[at];
    const [size, body] = readU32(bytes, at + 1);
    out.push({ id, start: at, body, end: body + size });
    at = body + size;
  }
  return out;
}

/** A length-prefixed UTF-8 name at `at`: [name, next]. */
function readString(bytes, at) {
  const [len, start] = readU32(bytes, at);
  return [bytes.subarray(start, start + len).toString('utf8'), start + len];
}

/** The imports of a module, in order: { module, kind } (kind 0 is a function). */
function imports(bytes) {
  const section = sections(bytes).find((s) => s.id === 2);
  if (!section) return [];
  return vectorOf(bytes, section, (start) => {
    const [module, afterModule] = readString(bytes, start);
    let [, at] = readString(bytes, afterModule);
    const kind = bytes[at++];
    const skip = () => ([, at] = readU32(bytes, at));
    const skipLimits = () => {
      const [flags, next] = readU32(bytes, at);
      at = next;
      skip();
      if (flags & 1) skip();
    };
    if (kind === 0) {
      skip();
    } else if (kind === 1) {
      at++;
      skipLimits();
    } else if (kind === 2) {
      skipLimits();
    } else if (kind === 3) {
      at += 2;
    } else if (kind === 4) {
      at++;
      skip();
    } else {
      throw new Error(`wasm: unknown import kind ${kind}`);
    }
    return [{ module, kind }, at];
  });
}

/** The items of a section that is one vector; `item(at)` reads one, giving [value, next]. */
function vectorOf(bytes, { body }, item) {
  let [count, at] = readU32(bytes, body);
  const out = [];
  for (; count > 0; count--) {
    const [value, next] = item(at);
    out.push(value);
    at = next;
  }
  return out;
}

function functionBodies(bytes, section) {
  return vectorOf(bytes, section, (at) => {
    const [size, start] = readU32(bytes, at);
    return [bytes.subarray(start, start + size), start + size];
  });
}

/** Each function type's bytes (`0x60`, parameters, results), in type-index order. */
function functionTypes(bytes, section) {
  return vectorOf(bytes, section, (start) => {
    let at = start;
    if (bytes[at++] !== 0x60) throw new Error('wasm: a type that is not a plain function type');
    for (let list = 0; list < 2; list++) {
      const [n, next] = readU32(bytes, at);
      at = next + n; // one byte per value type without the GC proposal
    }
    return [bytes.subarray(start, at), at];
  });
}

/** The type index of each defined function. */
function functionTypeIndexes(bytes, section) {
  return vectorOf(bytes, section, (at) => readU32(bytes, at));
}

/** The distinct 4-byte sequences of a body, sorted: what two bodies share measures them. */
function grams(body) {
  const out = new Int32Array(Math.max(0, body.length - 3));
  for (let i = 0; i < out.length; i++) out[i] = body.readInt32LE(i);
  out.sort();
  let n = 0;
  for (let i = 0; i < out.length; i++) if (i === 0 || out[i] !== out[n - 1]) out[n++] = out[i];
  return out.subarray(0, n);
}

/** |a ∩ b| / |a ∪ b| of two sorted sets. */
function jaccard(a, b) {
  let i = 0;
  let j = 0;
  let both = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      both++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return both / (a.length + b.length - both || 1);
}

/**
 * Functions grouped by signature; within a group, a chain that always goes on to the body
 * most like the last one (Jaccard similarity of their 4-byte sequences), from the first by
 * byte order. About 2 KB brotli less than byte order alone.
 */
function similarityOrder(bodies, signature) {
  const groups = new Map();
  bodies.forEach((_, f) => {
    const key = signature(f).toString('hex');
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(f);
  });
  const order = [];
  for (const key of [...groups.keys()].sort()) {
    const left = groups.get(key).sort((a, b) => Buffer.compare(bodies[a], bodies[b]) || a - b);
    const sets = new Map(left.map((f) => [f, grams(bodies[f])]));
    let current = left.shift();
    order.push(current);
    while (left.length > 0) {
      let best = 0;
      let bestScore = -1;
      for (let k = 0; k < left.length; k++) {
        const score = jaccard(sets.get(current), sets.get(left[k]));
        if (score > bestScore) {
          bestScore = score;
          best = k;
        }
      }
      [current] = left.splice(best, 1);
      order.push(current);
    }
  }
  return order;
}

function orderWasm(name) {
  const path = join(staging, name);
  const before = readFileSync(path);
  const all = sections(before);
  const code = all.find((s) => s.id === 10);
  if (!code) throw new Error(`${name} has no code section`);
  // Imported functions take the first indexes; the defined ones follow.
  const first = imports(before).filter((i) => i.kind === 0).length;
  const bodies = functionBodies(before, code);
  const types = functionTypes(before, all.find((s) => s.id === 1));
  const typeOf = functionTypeIndexes(before, all.find((s) => s.id === 3));
  if (typeOf.length !== bodies.length) throw new Error(`${name}: functions and bodies disagree`);
  const order = similarityOrder(bodies, (f) => types[typeOf[f]]);
  // Names whose string order is that order; a release build has no name section to lose.
  const width = String(bodies.length).length;
  const entries = order
    .map((f, rank) => [first + f, `f${String(rank).padStart(width, '0')}`])
    .sort((a, b) => a[0] - b[0])
    .map(([index, n]) => Buffer.concat([u32(index), named(n)]));
  const functionNames = vec(entries);
  const nameSection = Buffer.concat([named('name'), Buffer.from([1]), u32(functionNames.length), functionNames]);
  const kept = all.filter((s) => !(s.id === 0 && readString(before, s.body)[0] === 'name'));
  const input = Buffer.concat([
    before.subarray(0, 8),
    ...kept.map((s) => before.subarray(s.start, s.end)),
    Buffer.from([0]),
    u32(nameSection.length),
    nameSection,
  ]);
  const tmpIn = `${path}.named`;
  const tmpOut = `${path}.ordered`;
  writeFileSync(tmpIn, input);
  try {
    // No -g: the output keeps no names.
    execFileSync(wasmOpt, ['--reorder-functions-by-name', tmpIn, '-o', tmpOut], { stdio: 'inherit' });
    const after = readFileSync(tmpOut);
    if (functionBodies(after, sections(after).find((s) => s.id === 10)).length !== bodies.length) {
      throw new Error(`${name}: reordering changed the number of functions`);
    }
    replace(name, before, after);
    console.log(`post-build: ${name} functions ordered, ${before.length} -> ${after.length} bytes`);
  } finally {
    rmSync(tmpIn, { force: true });
    rmSync(tmpOut, { force: true });
  }
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Shortens the names the wasm and its JS glue know each other by (wasm-bindgen's carry a
 * 16-digit hash each, in both files) with binaryen's minifier, and renames them in the glue:
 * imports are the keys of its import object, exports are read as `wasm.NAME`.
 */
function minifyNames(wasmName, jsName) {
  const wasmPath = join(staging, wasmName);
  const before = readFileSync(wasmPath);
  const tmpOut = `${wasmPath}.minified`;
  let mapping;
  try {
    const printed = execFileSync(
      wasmOpt,
      ['--minify-imports-and-exports-and-modules', '--strip-producers', wasmPath, '-o', tmpOut],
      { encoding: 'utf8' },
    );
    mapping = JSON.parse(printed);
    const after = readFileSync(tmpOut);
    const [oldModules, newModules] = [before, after].map((b) => imports(b).map((i) => i.module));
    const modules = new Map(oldModules.map((m, i) => [m, newModules[i]]));
    let js = readFileSync(join(staging, jsName), 'utf8');
    const jsBefore = Buffer.from(js);
    // Each import is defined once; an export the glue never reads (`main`) is found 0 times.
    const rename = (pattern, to, what) => {
      const re = new RegExp(pattern, 'gm');
      const found = js.match(re)?.length ?? 0;
      if (what !== 'export' && found !== 1) throw new Error(`post-build: ${what} found ${found} times in ${jsName}: ${re}`);
      js = js.replace(re, (_, indent) => to(indent));
    };
    for (const [from, to] of modules) {
      if (from !== to) rename(`^(\\s*)"${escape(from)}": `, (i) => `${i}"${to}": `, 'import module');
    }
    for (const [, from, to] of mapping.imports) {
      rename(`^(\\s*)${escape(from)}: function\\(`, (i) => `${i}${to}: function(`, 'import');
    }
    for (const [from, to] of mapping.exports) rename(`()\\bwasm\\.${escape(from)}\\b`, () => `wasm.${to}`, 'export');
    replace(wasmName, before, after);
    replace(jsName, jsBefore, Buffer.from(js));
    console.log(`post-build: ${wasmName} ${mapping.imports.length} imports and ${mapping.exports.length} exports renamed, ${before.length} -> ${after.length} bytes`);
  } finally {
    rmSync(tmpOut, { force: true });
  }
}

/** A module with the wasm's sections in `parts` replaced: id -> section body. */
function withSections(bytes, parts) {
  return Buffer.concat([
    bytes.subarray(0, 8),
    ...sections(bytes).map((s) =>
      parts.has(s.id) ? Buffer.concat([Buffer.from([s.id]), u32(parts.get(s.id).length), parts.get(s.id)]) : bytes.subarray(s.start, s.end),
    ),
  ]);
}

// wasm-streams (through server_fn, which Leptos always links) exports JS classes that turn
// Rust streams into web streams. The app never makes one, but an export keeps its code.
const STREAM_CLASSES = ['IntoUnderlyingByteSource', 'IntoUnderlyingSink', 'IntoUnderlyingSource'];
const isStreamExport = (n) => /^(__wbg_)?intounderlying/.test(n);

/** Drops wasm-streams' exports, the code only they reach, and their classes in the glue. */
function dropStreamExports(wasmName, jsName) {
  const wasmPath = join(staging, wasmName);
  const before = readFileSync(wasmPath);
  const exports = vectorOf(before, sections(before).find((s) => s.id === 7), (start) => {
    const [name, next] = readString(before, start);
    const [, end] = readU32(before, next + 1); // the kind byte, then the index
    return [{ name, bytes: before.subarray(start, end) }, end];
  });
  const kept = exports.filter((e) => !isStreamExport(e.name)).map((e) => e.bytes);
  const tmpIn = `${wasmPath}.exports`;
  const tmpOut = `${wasmPath}.dce`;
  writeFileSync(tmpIn, withSections(before, new Map([[7, vec(kept)]])));
  let js = readFileSync(join(staging, jsName), 'utf8');
  const jsBefore = Buffer.from(js);
  for (const c of STREAM_CLASSES) {
    const pieces = [
      new RegExp(`^export class ${c} \\{\\n[\\s\\S]*?^\\}\\n`, 'm'),
      new RegExp(`^if \\(Symbol\\.dispose\\) ${c}\\.prototype\\[Symbol\\.dispose\\] = ${c}\\.prototype\\.free;\\n`, 'm'),
      new RegExp(`^const ${c}Finalization = [\\s\\S]*?\\);\\n`, 'm'),
    ];
    for (const re of pieces) {
      if (!re.test(js)) throw new Error(`post-build: ${jsName} has no ${re}`);
      js = js.replace(re, '');
    }
  }
  if (/intounderlying|IntoUnderlying/.test(js)) throw new Error(`post-build: ${jsName} still uses wasm-streams' classes`);
  try {
    execFileSync(wasmOpt, ['--remove-unused-module-elements', tmpIn, '-o', tmpOut], { stdio: 'inherit' });
    const after = readFileSync(tmpOut);
    replace(wasmName, before, after);
    replace(jsName, jsBefore, Buffer.from(js));
    console.log(`post-build: ${wasmName} without wasm-streams' exports, ${before.length} -> ${after.length} bytes`);
  } finally {
    rmSync(tmpIn, { force: true });
    rmSync(tmpOut, { force: true });
  }
}

// Custom sections: binaryen's `target_features` (for tools that read the module again; none
// does after this) and a marker its function moving leaves. Browsers ignore both.
function dropCustomSections(wasmName) {
  const wasmPath = join(staging, wasmName);
  const before = readFileSync(wasmPath);
  const all = sections(before);
  const after = Buffer.concat([before.subarray(0, 8), ...all.filter((s) => s.id !== 0).map((s) => before.subarray(s.start, s.end))]);
  replace(wasmName, before, after);
  console.log(`post-build: ${wasmName} without ${all.length - sections(after).length} custom sections, ${before.length} -> ${after.length} bytes`);
}

const files = readdirSync(staging);
const wasmFiles = files.filter((f) => f.endsWith('.wasm'));
const jsFiles = files.filter((f) => f.endsWith('.js'));
if (wasmFiles.length !== 1 || jsFiles.length !== 1) {
  throw new Error(`post-build: expected one wasm and its JS glue, found ${[...wasmFiles, ...jsFiles].join(', ')}`);
}
dropStreamExports(wasmFiles[0], jsFiles[0]);
orderWasm(wasmFiles[0]);
minifyNames(wasmFiles[0], jsFiles[0]);
dropCustomSections(wasmFiles[0]);
minifyJs(jsFiles[0]);
writeFileSync(htmlPath, html);
