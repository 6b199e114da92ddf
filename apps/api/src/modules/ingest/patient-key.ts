import { createHmac, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The pseudonymous patient key: HMAC-SHA256 over the hospital and the PatientID under a secret key, so the
 * index never holds the identifier, and the same patient gets different keys in different hospitals.
 */
export class PatientKeyer {
  constructor(private readonly secret: string) {}

  keyOf(tenantId: string, patientId: string): string {
    return createHmac('sha256', this.secret).update(`${tenantId}\u0000${patientId.trim()}`).digest('hex');
  }

  /** Configured secret, or (embedded/dev) one generated once under DATA_DIR and kept. */
  static async load(configured: string | undefined, dataDir: string): Promise<PatientKeyer> {
    if (configured) return new PatientKeyer(configured);
    const file = path.join(dataDir, 'patient-key-secret');
    const existing = await readFile(file, 'utf8').catch(() => null);
    if (existing) return new PatientKeyer(existing.trim());
    const secret = randomBytes(32).toString('base64url');
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, secret, { mode: 0o600, flag: 'wx' }).catch(() => undefined);
    return new PatientKeyer((await readFile(file, 'utf8')).trim());
  }
}
