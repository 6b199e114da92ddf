import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PatientKeyer } from './patient-key.js';

const TENANT_A = '11111111-1111-1111-1111-111111111111';
const TENANT_B = '22222222-2222-2222-2222-222222222222';

function expected(secret: string, tenantId: string, patientId: string): string {
  return createHmac('sha256', secret).update(`${tenantId}\u0000${patientId}`).digest('hex');
}

describe('PatientKeyer', () => {
  it('is the HMAC-SHA256 of hospital and trimmed PatientID under the secret; another hospital or secret, another key', () => {
    const keys = new PatientKeyer('secret-one');
    const key = keys.keyOf(TENANT_A, ' PAT-001 ');
    expect(key).toBe(expected('secret-one', TENANT_A, 'PAT-001'));
    expect(keys.keyOf(TENANT_A, 'PAT-001')).toBe(key);
    expect(keys.keyOf(TENANT_B, 'PAT-001')).not.toBe(key);
    expect(new PatientKeyer('secret-two').keyOf(TENANT_A, 'PAT-001')).not.toBe(key);
  });

  it('answers the same keys while patients come and go through its cache of recent ones', () => {
    const keys = new PatientKeyer('secret-one');
    const ids = Array.from({ length: 600 }, (_, i) => `PAT-${i}`);
    // Three passes over more patients than it keeps: every answer is the HMAC, cached or evicted.
    for (let pass = 0; pass < 3; pass++) {
      for (const id of ids) expect(keys.keyOf(pass % 2 ? TENANT_B : TENANT_A, id)).toBe(expected('secret-one', pass % 2 ? TENANT_B : TENANT_A, id));
    }
  });
});
