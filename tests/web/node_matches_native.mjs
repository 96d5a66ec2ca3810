// The WebAssembly modules in Node against the host build, byte for byte (docs/web.md, "Tests"),
// both of them: dnz_web.wasm (mcu with SIMD128) and dnz_web_portable.wasm.
//   1. the example files (the ten digits and the photo), in each module: the 28x28 frame, the
//      noisy input (noise 0.7 and 1.5, seed 20261125) and the output of ref and of mcu;
//   2. 1,000 MNIST test digits: the noise the module adds to each clean digit (its stream
//      index i, as the trainer's evaluation), and the outputs against the host's ref: mcu in
//      each module, ref once (the modules share its code: only the mcu kernels differ);
//   3. small random models whose convs take the mcu kernels' other paths (web_reference
//      shapes), 100 digits each, ref and mcu in each module against the host's ref;
//   4. bad files (not an image, truncated, a header claiming 100000x100000): the module
//      refuses each with runtime_demo's error line.
// The host's bytes come from web_reference (tests/web/host), run now, never from a file.
//   node node_matches_native.mjs SITE WEB_REFERENCE MODEL EXAMPLES MNIST WORK
import {execFileSync, spawnSync} from 'node:child_process';
import {mkdirSync, readFileSync, readdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';

const [site, reference, model, examples, mnist, work] = process.argv.slice(2);
const {Dnz, DIGIT_PIXELS} = await import(pathToFileURL(join(site, 'dnz_wasm.js')));
const MODULES = ['dnz_web.wasm', 'dnz_web_portable.wasm'];
const modules = {};
for (const name of MODULES) {
  modules[name] = await Dnz.create(readFileSync(join(site, name)));
  modules[name].loadModel(readFileSync(model));
}
mkdirSync(work, {recursive: true});

const SEED = 20261125n;
const BACKENDS = ['ref', 'mcu'];
let checks = 0;
const failures = [];
function same(what, got, want) {
  checks++;
  if (got.length !== want.length) {
    failures.push(`${what}: ${got.length} bytes, expected ${want.length}`);
    return;
  }
  for (let i = 0; i < want.length; i++) {
    if (got[i] !== want[i]) {
      failures.push(`${what}: byte ${i} is ${got[i]}, the host's ${want[i]}`);
      return;
    }
  }
}
const host = (...args) => execFileSync(reference, args, {stdio: ['ignore', 'pipe', 'inherit']});

// ---- 1. the example files
const files = readdirSync(examples).filter((f) => /^digit_.*\.png$|^photo_digit\.jpg$/.test(f)).sort();
if (files.length !== 11) throw new Error(`expected 10 digits and a photo in ${examples}, found ${files}`);
for (const file of files) {
  const bytes = readFileSync(join(examples, file));
  for (const factor of ['0.7', '1.5']) {
    const out = join(work, `${file}.${factor}`);
    host('image', model, join(examples, file), factor, String(SEED), out);
    for (const [name, dnz] of Object.entries(modules)) {
      same(`${name}: ${file}: frame`, dnz.convertFile(bytes), readFileSync(`${out}.frame`));
      const noisy = dnz.addNoise(Number(factor), SEED);
      same(`${name}: ${file}: noise ${factor}`, noisy, readFileSync(`${out}.noisy`));
      for (const backend of BACKENDS) {
        dnz.useBackend(backend);
        same(`${name}: ${file}: noise ${factor}: ${backend} output`, dnz.run(noisy),
             readFileSync(`${out}.denoised`));
      }
    }
  }
}
const dnz = modules['dnz_web.wasm'];

// ---- 2. 1,000 noisy MNIST test digits
const COUNT = 1000;
const prefix = join(work, 'mnist');
host('mnist', model, mnist, String(COUNT), prefix);
const clean = readFileSync(`${prefix}.clean`);
const hostNoisy = readFileSync(`${prefix}.noisy`);
const noisy = new Uint8Array(COUNT * DIGIT_PIXELS);
for (let i = 0; i < COUNT; i++) {
  dnz.setDigit(clean.subarray(i * DIGIT_PIXELS, (i + 1) * DIGIT_PIXELS));
  noisy.set(dnz.addNoise(0.7, SEED, i), i * DIGIT_PIXELS);
}
same(`MNIST: the noise of ${COUNT} test digits`, noisy, hostNoisy);
const hostDenoised = readFileSync(`${prefix}.denoised`);
for (const [name, backend] of [['dnz_web.wasm', 'mcu'], ['dnz_web_portable.wasm', 'mcu'],
  ['dnz_web_portable.wasm', 'ref']]) {
  modules[name].useBackend(backend);
  same(`${name}: MNIST: ${backend} on ${COUNT} noisy test digits`,
       modules[name].run(hostNoisy, COUNT), hostDenoised);
}

// ---- 3. the mcu kernels' other paths: small random models from web_reference (its `shapes`:
// tails of input channels, odd and even group counts, single output channels, 1x1 to 5x5,
// pools, polyphase, the patch kernel), 100 noisy digits each, both backends, both modules
const SHAPE_DIGITS = 100;
const shapeInput = join(work, 'shapes.noisy');
writeFileSync(shapeInput, hostNoisy.subarray(0, SHAPE_DIGITS * DIGIT_PIXELS));
const shapeCount = Number(host('shapes', join(work, 'shape')).toString());
for (let i = 0; i < shapeCount; i++) {
  const shapeModel = join(work, `shape.${i}.dnz`);
  host('run', shapeModel, 'ref', shapeInput, `${shapeModel}.ref`);
  const want = readFileSync(`${shapeModel}.ref`);
  for (const [name, module] of Object.entries(modules)) {
    module.loadModel(readFileSync(shapeModel));
    for (const backend of BACKENDS) {
      module.useBackend(backend);
      same(`${name}: shape model ${i}: ${backend}`, module.run(readFileSync(shapeInput), SHAPE_DIGITS),
           want);
    }
  }
}
for (const module of Object.values(modules)) module.loadModel(readFileSync(model));

// ---- 4. bad files: the module's line is runtime_demo's, with "the file" for the path
const photo = readFileSync(join(examples, 'photo_digit.jpg'));
const png = readFileSync(join(examples, 'digit_0_clean.png'));
const huge = Buffer.from('P5\n100000 100000\n255\n' + 'x'.repeat(64));  // a forged header
const bad = {
  'not_an_image.png': Buffer.from('this is not an image\n'),
  'truncated.jpg': photo.subarray(0, photo.length >> 1),
  'huge.pgm': huge,
};
for (const [name, bytes] of Object.entries(bad)) {
  const path = join(work, name);
  writeFileSync(path, bytes);
  const native = spawnSync(reference, ['image', model, path, '0.7', String(SEED), join(work, name)]);
  const want = native.stdout.toString().trim().replace(path, 'the file');
  checks++;
  if (native.status !== 3) {
    failures.push(`${name}: the host read it (exit ${native.status}); expected a refusal`);
    continue;
  }
  try {
    dnz.convertFile(bytes);
    failures.push(`${name}: the module read it; the host said: ${want}`);
  } catch (error) {
    if (error.message !== want) failures.push(`${name}: "${error.message}", the host "${want}"`);
  }
}
// After the refusals the module still converts and runs.
same('after the bad files: frame', dnz.convertFile(png), readFileSync(join(work, 'digit_0_clean.png.0.7.frame')));

for (const failure of failures) console.log(`MISMATCH ${failure}`);
console.log(`node_matches_native: ${checks} comparisons, ${failures.length} mismatches ` +
            `(${files.length} example files x 2 noise factors x ${BACKENDS.length} backends x ` +
            `${MODULES.length} modules, ` +
            `${COUNT} MNIST digits, ${shapeCount} shape models, ${Object.keys(bad).length} bad files)`);
process.exit(failures.length === 0 ? 0 : 1);
