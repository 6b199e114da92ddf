import { createHmac, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const KEY_CACHE_SIZE = 256;

/**
 * The pseudonymous patient key: HMAC-SHA256 over the hospital and the PatientID under a secret key, so the
 * index never holds the identifier, and the same patient gets different keys in different hospitals.
 */
export class PatientKeyer {
  /**
   * The keys of the patients seen last (a study's instances arrive one after the other: one HMAC per patient instead
   * of one per instance), at most KEY_CACHE_SIZE, in process memory only.
   */
  private readonly recent = new Map<string, string>();

  constructor(private readonly secret: string) {}

  keyOf(tenantId: string, patientId: string): string {
    const input = `${tenantId}\u0000${patientId.trim()}`;
    const cached = this.recent.get(input);
    if (cached !== undefined) return cached;
    const key = createHmac('sha256', this.secret).update(input).digest('hex');
    if (this.recent.size >= KEY_CACHE_SIZE) this.recent.delete(this.recent.keys().next().value!);
    this.recent.set(input, key);
    return key;
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
