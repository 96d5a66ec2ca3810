#!/usr/bin/env python3
"""An independent golden for the example digits (examples/digit_<i>_{clean,noisy}.png).

The examples are written by examples/make_examples.cc with the project's own noise
generator and PNG encoder, and tests use them as inputs: checked only against themselves
they would prove nothing. This script recomputes them from the MNIST IDX bytes with a
second implementation written from the documented recipe alone (Python standard library:
its own IDX reader, xoshiro256** seeded through SplitMix64, Box-Muller, float32 rounding,
its own PNG decoder), and compares every pixel.

The recipe (docs/reference.md "Noise", examples/README.md): clean = p / 255 in float32;
image i of the test set draws its noise from xoshiro256** seeded with
ImageNoiseSeed(20261125, 0, i); noisy = float32(clip(clean + 0.7 * gaussian, 0, 1)); a PNG
pixel is lround(v * 255) in float32.

  tests/golden/check_example_digits.py MNIST_DIR EXAMPLES_DIR     (exit 0: all match)
"""
import math
import struct
import sys
import zlib

MASK = (1 << 64) - 1
TEST_NOISE_SEED = 20261125
NOISE_FACTOR = 0.7
EXAMPLES = 5


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


def image_noise_seed(seed, epoch, index):
    _, mixed = splitmix64(seed)
    _, mixed = splitmix64(mixed ^ ((epoch * 0xD1B54A32D192ED03) & MASK))
    _, mixed = splitmix64(mixed ^ ((index * 0xAEF17502108EF2D9) & MASK))
    return mixed


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK


class Xoshiro256:
    def __init__(self, seed):
        self.s = []
        state = seed
        for _ in range(4):
            state, word = splitmix64(state)
            self.s.append(word)
        self.spare = None

    def next(self):
        s = self.s
        result = (rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def next_double(self):
        return (self.next() >> 11) * 2.0 ** -53

    def gaussian(self):  # Box-Muller, the cosine first and the sine kept for the next call
        if self.spare is not None:
            value, self.spare = self.spare, None
            return value
        u1 = 1.0 - self.next_double()
        u2 = self.next_double()
        radius = math.sqrt(-2.0 * math.log(u1))
        angle = 6.283185307179586476925286766559 * u2
        self.spare = radius * math.sin(angle)
        return radius * math.cos(angle)


def read_idx_images(path, count):
    with open(path, "rb") as f:
        magic, n, rows, cols = struct.unpack(">IIII", f.read(16))
        assert magic == 0x803 and rows == 28 and cols == 28 and n >= count
        return [list(f.read(784)) for _ in range(count)]


def read_gray_png(path):
    """8-bit grayscale, non-interlaced PNG (what the examples are) -> list of rows."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    pos, idat, width = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and color == 0 and interlace == 0, path
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    rows, previous, stride = [], [0] * width, width + 1
    for y in range(height):
        kind, line = raw[y * stride], list(raw[y * stride + 1:(y + 1) * stride])
        for x in range(width):
            a = line[x - 1] if x > 0 else 0
            b, c = previous[x], previous[x - 1] if x > 0 else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        previous = line
    return [v for row in rows for v in row]


def to_pixel(v):
    v = f32(f32(min(max(v, 0.0), 1.0)) * f32(255.0))
    return int(math.floor(v + 0.5))  # lround: halves away from zero (v >= 0)


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    mnist, examples = sys.argv[1], sys.argv[2]
    images = read_idx_images(mnist + "/t10k-images-idx3-ubyte", EXAMPLES)
    mismatches = 0
    for i, pixels in enumerate(images):
        clean = [f32(f32(p) / f32(255.0)) for p in pixels]
        rng = Xoshiro256(image_noise_seed(TEST_NOISE_SEED, 0, i))
        noisy = []
        for c in clean:
            value = c + NOISE_FACTOR * rng.gaussian()
            noisy.append(f32(0.0 if value < 0.0 else 1.0 if value > 1.0 else value))
        for kind, values in (("clean", clean), ("noisy", noisy)):
            want = [to_pixel(v) for v in values]
            got = read_gray_png("%s/digit_%d_%s.png" % (examples, i, kind))
            bad = sum(1 for a, b in zip(want, got) if a != b)
            print("digit_%d_%s.png: %d of 784 pixels differ" % (i, kind, bad))
            mismatches += bad
    print("check_example_digits: %s" % ("all match" if mismatches == 0 else "MISMATCH"))
    return 0 if mismatches == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
