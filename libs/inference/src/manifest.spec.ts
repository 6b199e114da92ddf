import { describe, expect, it } from 'vitest';
import { isNotForClinicalUse, ManifestError, parseManifest } from './manifest.js';
import { validManifest } from './test-manifest.js';

describe('parseManifest', () => {
  it('accepts a complete manifest', () => {
    const manifest = parseManifest(validManifest());
    expect(manifest.labels).toHaveLength(4);
    expect(isNotForClinicalUse(manifest)).toBe(true);
    expect(isNotForClinicalUse({ intended_use: 'CE-marked for triage' })).toBe(false);
  });

  it('lists every problem with its path', () => {
    const bad = { ...validManifest(), sha256: 'xyz', healthy_label: 'normal', labels: ['healthy', 'healthy'] };
    try {
      parseManifest(bad);
      expect.unreachable('the manifest is invalid');
    } catch (error) {
      expect(error).toBeInstanceOf(ManifestError);
      const issues = (error as ManifestError).issues;
      expect(issues.some((i) => i.startsWith('sha256:'))).toBe(true);
      expect(issues).toContain('healthy_label: "normal" is not one of labels');
      expect(issues).toContain('labels: labels repeat');
    }
  });

  it('refuses inconsistent ranges, repeated output names and unknown methods', () => {
    const m = validManifest();
    expect(() => parseManifest({ ...m, input: { ...m.input, slices: { min: 10, max: 2 } } })).toThrow(/input.slices: min is greater than max/);
    expect(() => parseManifest({ ...m, outputs: { logits: 'x', cam: 'x' } })).toThrow(/output names repeat/);
    expect(() => parseManifest({ ...m, input: { ...m.input, resample: 'nearest' } })).toThrow(/input.resample/);
    expect(() => parseManifest({ ...m, schema_version: 2 })).toThrow(/schema_version/);
  });
});
