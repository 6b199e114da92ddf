import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GrowingBloomFilter } from './bloom-filter.js';

const uid = (): string => `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString()}`;

describe('GrowingBloomFilter', () => {
  it('never says "absent" for a key it holds, across several growths', () => {
    const filter = new GrowingBloomFilter(1000);
    const keys = Array.from({ length: 20_000 }, uid);
    for (const k of keys) filter.add(k);
    expect(keys.every((k) => filter.mightContain(k))).toBe(true);
    // A false "maybe" at add time is not counted (the key is answered "maybe" anyway).
    expect(filter.size).toBeGreaterThan(19_700);
    for (const k of keys.slice(0, 100)) filter.add(k);
    expect(filter.size).toBeLessThanOrEqual(20_000);
    // 1000 + 2000 + ... + 16000 >= 20000: five layers of 10, 11.5, 13, 14.5 and 16 bits per key.
    const bits = 1000 * 10 + 2000 * 11.5 + 4000 * 13 + 8000 * 14.5 + 16000 * 16;
    expect(filter.bytes).toBeGreaterThan(bits / 8 - 5 * 4);
    expect(filter.bytes).toBeLessThan(bits / 8 + 5 * 4);
  });

  it('says "maybe" for under 2% of keys it never held, also for UIDs that differ in one digit', () => {
    const filter = new GrowingBloomFilter(1000);
    const keys = Array.from({ length: 20_000 }, uid);
    for (const k of keys) filter.add(k);
    const others = Array.from({ length: 20_000 }, uid);
    const falseMaybes = others.filter((k) => filter.mightContain(k)).length;
    expect(falseMaybes / others.length).toBeLessThan(0.02);
    const neighbours = keys.slice(0, 20_000).map((k) => k.slice(0, -1) + String((Number(k.at(-1)) + 1) % 10));
    const neighbourMaybes = neighbours.filter((k) => filter.mightContain(k)).length;
    expect(neighbourMaybes / neighbours.length).toBeLessThan(0.02);
  });

  it('an empty filter holds nothing; bad sizes are refused', () => {
    const filter = new GrowingBloomFilter();
    expect(filter.mightContain('1.2.3')).toBe(false);
    filter.add('1.2.3');
    expect(filter.mightContain('1.2.3')).toBe(true);
    expect(filter.mightContain('1.2.4')).toBe(false);
    expect(() => new GrowingBloomFilter(0)).toThrow(/positive/);
  });
});
