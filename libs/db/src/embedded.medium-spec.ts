import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from './embedded.js';

describe('startEmbeddedPostgres', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('when the server exits while starting (its port is taken), the error says so with the server’s own last output', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cruciate-embedded-'));
    dirs.push(dataDir);
    await chmod(dataDir, 0o755); // the postgres user (when we are root) must enter it
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const started = startEmbeddedPostgres({ dataDir, port });
      await expect(started).rejects.toThrow(new RegExp(`exited while starting[\\s\\S]*port ${port}|port ${port}[\\s\\S]*exited while starting`));
      await expect(started).rejects.toThrow(/could not bind|Address already in use|could not create any TCP\/IP sockets/);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  }, 120_000);
});
