// The loader of dnz_web.wasm (web/wasm/web_api.cc), for the page and for Node alike: the
// module imports nothing, so this is all the JavaScript it needs. Every call copies its
// inputs into the module's memory and its outputs out, so callers hold plain typed arrays.
//
//   const dnz = await Dnz.create(wasmBytes);   // the bytes of moduleFile(), as an ArrayBuffer
//   dnz.loadModel(modelBytes);                  // throws Error with the module's one line
//   dnz.useBackend('ref');                      // or 'mcu'
//   const frame = dnz.convertRgba(rgba, 280, 280);      // Uint8Array(784), the 28x28 digit
//   const noisy = dnz.addNoise(0.7, 20261125n);          // the digit with noise, as pixels
//   const denoised = dnz.run(noisy);                     // Uint8Array(784 * count)

export const DIGIT_PIXELS = 28 * 28;
export const FRAMING = {auto: 0, mnist: 1, none: 2};

// A module of one function, i8x16.popcnt(i8x16.splat(0)): it validates where the engine has
// WebAssembly SIMD128 (the probe of the wasm-feature-detect project).
const SIMD128_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2,
  1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

// The module to load here: dnz_web.wasm (mcu with SIMD128) where the engine has SIMD128, else
// dnz_web_portable.wasm. Both give the same bytes.
export function moduleFile() {
  return WebAssembly.validate(SIMD128_PROBE) ? 'dnz_web.wasm' : 'dnz_web_portable.wasm';
}

export class Dnz {
  static async create(wasmBytes) {
    const {instance} = await WebAssembly.instantiate(wasmBytes, {});
    instance.exports._initialize();  // a reactor: static constructors, once
    return new Dnz(instance.exports);
  }

  constructor(exports) {
    this.exports = exports;
  }

  // ---- memory: fresh views each time, since the memory's buffer changes when it grows
  bytes(pointer, length) {
    return new Uint8Array(this.exports.memory.buffer, pointer, length);
  }
  withBuffer(length, use) {
    const pointer = this.exports.dnz_web_alloc(Math.max(length, 1));
    if (pointer === 0) throw new Error(`out of memory (${length} bytes)`);
    try {
      return use(pointer);
    } finally {
      this.exports.dnz_web_free(pointer);
    }
  }
  copyIn(data, use) {
    return this.withBuffer(data.length, (pointer) => {
      this.bytes(pointer, data.length).set(data);
      return use(pointer);
    });
  }
  cString(pointer) {
    const memory = new Uint8Array(this.exports.memory.buffer);
    let end = pointer;
    while (memory[end] !== 0) end++;
    return new TextDecoder().decode(memory.subarray(pointer, end));
  }
  text() {
    return this.cString(this.exports.dnz_web_text());
  }
  check(result) {
    if (result !== 0) throw new Error(this.text());
  }

  // ---- the model and the backend
  loadModel(modelBytes) {
    const data = new Uint8Array(modelBytes);
    this.copyIn(data, (pointer) => this.check(this.exports.dnz_web_load_model(pointer, data.length)));
  }
  useBackend(name) {
    const encoded = new TextEncoder().encode(name + '\0');
    this.copyIn(encoded, (pointer) => this.check(this.exports.dnz_web_use_backend(pointer)));
  }
  backendName() {
    return this.cString(this.exports.dnz_web_backend_name());
  }
  modelInfo() {
    return this.cString(this.exports.dnz_web_model_info());
  }

  // `count` digits of 784 pixels in, as many out (the runtime's dnz_run_u8).
  run(pixels, count = 1) {
    if (pixels.length !== DIGIT_PIXELS * count) throw new Error('run: wrong input length');
    return this.copyIn(pixels, (input) =>
      this.withBuffer(pixels.length, (output) => {
        this.check(this.exports.dnz_web_run(input, output, count));
        return this.bytes(output, pixels.length).slice();
      }));
  }

  // ---- images to the 28x28 digit (runtime_demo's conversion); the digit is kept for addNoise
  convertRgba(rgba, width, height, framing = 'auto') {
    return this.copyIn(rgba, (input) => this.withBuffer(DIGIT_PIXELS, (frame) => {
      this.check(this.exports.dnz_web_convert_rgba(input, width, height, FRAMING[framing], frame));
      return this.bytes(frame, DIGIT_PIXELS).slice();
    }));
  }
  convertFile(fileBytes, framing = 'auto') {
    const data = new Uint8Array(fileBytes);
    return this.copyIn(data, (input) => this.withBuffer(DIGIT_PIXELS, (frame) => {
      this.check(this.exports.dnz_web_convert_file(input, data.length, FRAMING[framing], frame));
      return this.bytes(frame, DIGIT_PIXELS).slice();
    }));
  }
  conversionReport() {
    return this.text();
  }
  setDigit(frame) {
    this.copyIn(frame, (pointer) => this.exports.dnz_web_set_digit(pointer));
  }

  // The current digit with noise from the stream of (seed, image index): runtime_demo
  // --add-noise FACTOR --seed SEED gives index 0. `seed` is a BigInt (64 bits).
  addNoise(factor, seed, imageIndex = 0) {
    const low = Number(BigInt.asUintN(32, seed));
    const high = Number(BigInt.asUintN(32, seed >> 32n));
    return this.withBuffer(DIGIT_PIXELS, (noisy) => {
      this.exports.dnz_web_add_noise(factor, low, high, imageIndex, noisy);
      return this.bytes(noisy, DIGIT_PIXELS).slice();
    });
  }
}
