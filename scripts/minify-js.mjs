#!/usr/bin/env node
// Trunk post_build hook: minifies the wasm-bindgen JS glue, which Trunk's own minifier
// leaves as it is (it cannot parse `export { ... as default }`: trunk-rs/trunk#1044), and
// puts the new file's hash in index.html's integrity attributes so subresource integrity
// still holds. About 1.6 KB brotli of the size budget.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const esbuild = createRequire(join(root, 'tools/package.json'))('esbuild');

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error('TRUNK_STAGING_DIR is not set: run this as a Trunk post_build hook');
if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);

const sri = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
const htmlPath = join(staging, 'index.html');
let html = readFileSync(htmlPath, 'utf8');
for (const name of readdirSync(staging).filter((f) => f.endsWith('.js'))) {
  const path = join(staging, name);
  const before = readFileSync(path);
  const { code } = esbuild.transformSync(before.toString('utf8'), {
    minify: true,
    format: 'esm',
    target: 'es2020',
    legalComments: 'none',
  });
  writeFileSync(path, code);
  const old = sri(before);
  // A hash left as it was would make the browser refuse the file.
  if (html.includes('integrity=') && !html.includes(old)) {
    throw new Error(`index.html has no integrity hash for ${name} to update`);
  }
  html = html.split(old).join(sri(Buffer.from(code)));
  console.log(`minify-js: ${name} ${before.length} -> ${code.length} bytes`);
}
writeFileSync(htmlPath, html);
