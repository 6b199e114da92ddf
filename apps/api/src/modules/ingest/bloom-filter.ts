/**
 * A Bloom filter of strings that grows (a scalable Bloom filter): it answers "certainly absent" or "maybe present",
 * never a false "absent". The first layer holds up to its capacity at 10 bits and 7 probes per key (under 1% false
 * "maybe" when full). When the newest layer is full a new one twice as large is added with 1.5 more bits per key and
 * a probe more or less to match, which halves its false "maybe" rate, so the rate of the whole stays under twice the
 * first layer's (under 2%) whatever the count, at about 11-14 bits per key.
 */
export class GrowingBloomFilter {
  private readonly layers: Layer[] = [];
  private count = 0;

  constructor(initialCapacity = 65_536) {
    if (!(initialCapacity >= 1)) throw new Error('GrowingBloomFilter: the capacity must be positive');
    this.layers.push(newLayer(initialCapacity, 0));
  }

  /** Keys held (a key added again, or one the filter already answered "maybe" for, is not counted twice). */
  get size(): number {
    return this.count;
  }

  /** Memory held by the bit arrays. */
  get bytes(): number {
    return this.layers.reduce((sum, l) => sum + l.bits.byteLength, 0);
  }

  add(key: string): void {
    // Already "maybe" (held, or a false positive): it stays so, since bits are never cleared; do not fill a layer.
    if (this.mightContain(key)) return;
    let layer = this.layers.at(-1)!;
    if (layer.count >= layer.capacity) {
      layer = newLayer(layer.capacity * 2, this.layers.length);
      this.layers.push(layer);
    }
    const [h1, h2] = hashes(key);
    for (let i = 0; i < layer.probes; i++) {
      const bit = (h1 + Math.imul(i, h2)) >>> 0;
      const at = bit % layer.size;
      const word = at >>> 5;
      layer.bits[word] = (layer.bits[word] ?? 0) | (1 << (at & 31));
    }
    layer.count++;
    this.count++;
  }

  /** False only when the key was certainly never added. */
  mightContain(key: string): boolean {
    const [h1, h2] = hashes(key);
    for (const layer of this.layers) {
      let all = true;
      for (let i = 0; i < layer.probes && all; i++) {
        const at = ((h1 + Math.imul(i, h2)) >>> 0) % layer.size;
        all = (layer.bits[at >>> 5]! & (1 << (at & 31))) !== 0;
      }
      if (all) return true;
    }
    return false;
  }
}

interface Layer {
  readonly capacity: number;
  readonly probes: number;
  /** Bits in the layer (a multiple of 32). */
  readonly size: number;
  readonly bits: Uint32Array;
  count: number;
}

/** Layer `index` (0 first): 10 + 1.5 * index bits per key, probes = bits per key * ln 2 (the optimum), rounded. */
function newLayer(capacity: number, index: number): Layer {
  const bitsPerKey = 10 + 1.5 * index;
  const words = Math.max(1, Math.ceil((capacity * bitsPerKey) / 32));
  return { capacity, probes: Math.round(bitsPerKey * Math.LN2), size: words * 32, bits: new Uint32Array(words), count: 0 };
}

/**
 * Two independent 32-bit hashes of the string's UTF-16 code units (FNV-1a and a murmur3-style mix with another
 * seed), for double hashing: probe i is h1 + i * h2. h2 is odd, so the probes of a key differ.
 */
function hashes(key: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  b ^= b >>> 13;
  b = Math.imul(b, 0xc2b2ae35);
  b ^= b >>> 16;
  return [a >>> 0, (b | 1) >>> 0];
}
