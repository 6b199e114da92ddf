/** PDU types of the upper layer protocol (PS3.8 9.3). */
const PDU_TYPES: ReadonlySet<number> = new Set([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07]);

export type PduGuardVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Follows PDU boundaries on the raw byte stream of one connection and refuses a PDU whose type is unknown or whose
 * declared length exceeds `maxPduBytes`. dcmjs-dimse buffers a whole PDU before it looks at it, so without this a
 * peer could make it hold up to 4 GiB for one connection; the listener destroys the socket on the first refusal.
 */
export class PduGuard {
  /** Bytes of the current PDU's body still to come; 0 at a boundary. */
  private remaining = 0;
  /** Header bytes seen so far at a boundary (a header can straddle chunks). */
  private readonly header = Buffer.alloc(6);
  private headerBytes = 0;
  private failed: string | null = null;

  constructor(private readonly maxPduBytes: number) {}

  push(chunk: Uint8Array): PduGuardVerdict {
    if (this.failed !== null) return { ok: false, reason: this.failed };
    let offset = 0;
    while (offset < chunk.length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - offset);
        this.remaining -= take;
        offset += take;
        continue;
      }
      const take = Math.min(6 - this.headerBytes, chunk.length - offset);
      this.header.set(chunk.subarray(offset, offset + take), this.headerBytes);
      this.headerBytes += take;
      offset += take;
      if (this.headerBytes < 6) break;
      this.headerBytes = 0;
      const type = this.header.readUInt8(0);
      const length = this.header.readUInt32BE(2);
      if (!PDU_TYPES.has(type)) return this.fail(`unknown PDU type 0x${type.toString(16).padStart(2, '0')}`);
      if (length > this.maxPduBytes) return this.fail(`PDU of ${length} bytes exceeds the limit of ${this.maxPduBytes}`);
      this.remaining = length;
    }
    return { ok: true };
  }

  private fail(reason: string): PduGuardVerdict {
    this.failed = reason;
    return { ok: false, reason };
  }
}
