import { describe, expect, it } from 'vitest';
import { PduGuard } from './pdu-guard.js';

function pdu(type: number, length: number, body = true): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(length, 2);
  return body ? Buffer.concat([header, Buffer.alloc(length, 0x41)]) : header;
}

describe('PduGuard', () => {
  it('follows PDU boundaries across arbitrary chunking', () => {
    const stream = Buffer.concat([pdu(0x01, 300), pdu(0x04, 1000), pdu(0x04, 0), pdu(0x05, 4)]);
    for (const size of [1, 5, 6, 7, 64, stream.length]) {
      const guard = new PduGuard(1000);
      for (let i = 0; i < stream.length; i += size) expect(guard.push(stream.subarray(i, i + size))).toEqual({ ok: true });
    }
  });

  it('refuses an unknown PDU type, even after valid PDUs', () => {
    const guard = new PduGuard(1000);
    expect(guard.push(pdu(0x04, 10)).ok).toBe(true);
    const verdict = guard.push(Buffer.from('GET / HTTP/1.1\r\n'));
    expect(verdict).toEqual({ ok: false, reason: 'unknown PDU type 0x47' });
    expect(guard.push(pdu(0x04, 10)).ok).toBe(false);
  });

  it('refuses a PDU longer than the limit at its header, before the body arrives', () => {
    const guard = new PduGuard(1000);
    expect(guard.push(pdu(0x04, 0xfffffff0, false).subarray(0, 3)).ok).toBe(true);
    expect(guard.push(pdu(0x04, 0xfffffff0, false).subarray(3))).toEqual({ ok: false, reason: 'PDU of 4294967280 bytes exceeds the limit of 1000' });
  });
});
