import { describe, expect, it } from 'vitest';
import { encodeResponse, parseCommand } from './command-set.js';
import { associateAccept, associateReject, parseAssociateRequest, pDataTf, PduError, PduStream, PduType, PDV_COMMAND, PDV_LAST } from './pdu.js';

function pdu(type: number, length: number, body = true): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(length, 2);
  return body ? Buffer.concat([header, Buffer.alloc(length, 0x41)]) : header;
}

function pdv(contextId: number, control: number, data: Buffer): Buffer {
  const head = Buffer.alloc(6);
  head.writeUInt32BE(data.length + 2, 0);
  head.writeUInt8(contextId, 4);
  head.writeUInt8(control, 5);
  return Buffer.concat([head, data]);
}

function pData(...items: Buffer[]): Buffer {
  const body = Buffer.concat(items);
  return Buffer.concat([pdu(PduType.P_DATA_TF, body.length, false), body]);
}

interface Seen {
  pdus: { type: number; body: Buffer }[];
  pdvs: Map<string, Buffer[]>;
  ends: string[];
}

function collect(maxPdu = 1 << 20): { stream: PduStream; seen: Seen } {
  const seen: Seen = { pdus: [], pdvs: new Map(), ends: [] };
  const stream = new PduStream(maxPdu, {
    pdu: (type, body) => seen.pdus.push({ type, body: Buffer.from(body) }),
    pdv: (contextId, control, data, end) => {
      const key = `${contextId}/${control}`;
      seen.pdvs.set(key, [...(seen.pdvs.get(key) ?? []), Buffer.from(data)]);
      if (end) seen.ends.push(key);
    },
  });
  return { stream, seen };
}

/** An A-ASSOCIATE-RQ body as dcmtk would send it. */
function associateRequestBody(): Buffer {
  const item = (type: number, value: Buffer) => {
    const h = Buffer.alloc(4);
    h.writeUInt8(type, 0);
    h.writeUInt16BE(value.length, 2);
    return Buffer.concat([h, value]);
  };
  const text = (s: string) => Buffer.from(s, 'latin1');
  const fixed = Buffer.alloc(68, 0x20);
  fixed.writeUInt16BE(1, 0);
  fixed.writeUInt16BE(0, 2);
  fixed.write('GOODAE', 4, 'latin1');
  fixed.write('MODALITY1', 20, 'latin1');
  fixed.fill(0, 36, 68);
  const maxLength = Buffer.alloc(4);
  maxLength.writeUInt32BE(16384);
  return Buffer.concat([
    fixed,
    item(0x10, text('1.2.840.10008.3.1.1.1')),
    item(
      0x20,
      Buffer.concat([
        Buffer.from([1, 0, 0, 0]),
        item(0x30, text('1.2.840.10008.5.1.4.1.1.4\0')),
        item(0x40, text('1.2.840.10008.1.2.1')),
        item(0x40, text('1.2.840.10008.1.2')),
      ]),
    ),
    item(0x20, Buffer.concat([Buffer.from([3, 0, 0, 0]), item(0x30, text('1.2.840.10008.1.1')), item(0x40, text('1.2.840.10008.1.2'))])),
    item(0x50, Buffer.concat([item(0x51, maxLength), item(0x52, text('1.2.276.0.7230010.3.0.3.6.7')), item(0x99, text('unknown sub-item'))])),
  ]);
}

describe('PduStream', () => {
  it('follows PDU boundaries across arbitrary chunking', () => {
    const stream = Buffer.concat([pdu(0x01, 300), pdu(0x05, 4), pdu(0x07, 4)]);
    for (const size of [1, 5, 6, 7, 64, stream.length]) {
      const { stream: s, seen } = collect(1000);
      for (let i = 0; i < stream.length; i += size) s.push(stream.subarray(i, i + size));
      expect(seen.pdus.map((p) => [p.type, p.body.length])).toEqual([
        [0x01, 300],
        [0x05, 4],
        [0x07, 4],
      ]);
    }
  });

  it('reassembles fragmented P-DATA: PDVs split over PDUs and over chunks, command and data kept apart', () => {
    const command = Buffer.from('command-bytes!');
    const data = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
    const wire = Buffer.concat([
      pData(pdv(1, PDV_COMMAND, command.subarray(0, 5))),
      pData(pdv(1, PDV_COMMAND | PDV_LAST, command.subarray(5)), pdv(1, 0, data.subarray(0, 1000))),
      pData(pdv(1, 0, data.subarray(1000, 4000))),
      pData(pdv(1, PDV_LAST, data.subarray(4000))),
    ]);
    for (const size of [1, 3, 6, 7, 100, 4096, wire.length]) {
      const { stream, seen } = collect();
      for (let i = 0; i < wire.length; i += size) stream.push(wire.subarray(i, i + size));
      const commandBytes = Buffer.concat([...(seen.pdvs.get('1/1') ?? []), ...(seen.pdvs.get('1/3') ?? [])]);
      const dataBytes = Buffer.concat([...(seen.pdvs.get('1/0') ?? []), ...(seen.pdvs.get('1/2') ?? [])]);
      expect(commandBytes.equals(command)).toBe(true);
      expect(dataBytes.equals(data)).toBe(true);
      expect(seen.ends).toEqual(['1/1', '1/3', '1/0', '1/0', '1/2']);
    }
  });

  it('hands data on in pieces as they arrive, without waiting for the whole PDU', () => {
    const { stream, seen } = collect();
    const wire = pData(pdv(1, PDV_LAST, Buffer.alloc(10_000, 1)));
    stream.push(wire.subarray(0, 4000));
    expect(Buffer.concat(seen.pdvs.get('1/2') ?? []).length).toBe(4000 - 12);
    expect(seen.ends).toEqual([]);
    stream.push(wire.subarray(4000));
    expect(seen.ends).toEqual(['1/2']);
  });

  it('refuses an unknown PDU type, even after valid PDUs, and keeps refusing', () => {
    const { stream } = collect(1000);
    stream.push(pdu(0x05, 4));
    expect(() => stream.push(Buffer.from('GET / HTTP/1.1\r\n'))).toThrow('unknown PDU type 0x47');
    expect(() => stream.push(pdu(0x05, 4))).toThrow(PduError);
  });

  it('refuses a PDU longer than the limit at its header, before the body arrives', () => {
    const { stream } = collect(1000);
    stream.push(pdu(0x04, 0xfffffff0, false).subarray(0, 3));
    expect(() => stream.push(pdu(0x04, 0xfffffff0, false).subarray(3))).toThrow('PDU of 4294967280 bytes exceeds the limit of 1000');
  });

  it('refuses a PDV item that claims more than its P-DATA-TF holds, or less than its header', () => {
    const lying = pData(pdv(1, 0, Buffer.alloc(10)));
    lying.writeUInt32BE(100, 6);
    expect(() => collect().stream.push(lying)).toThrow(/does not fit its P-DATA-TF/);
    const tiny = pData(pdv(1, 0, Buffer.alloc(0)));
    tiny.writeUInt32BE(1, 6);
    expect(() => collect().stream.push(tiny)).toThrow(PduError);
  });
});

describe('A-ASSOCIATE', () => {
  it('decodes a request: AE titles, application context, contexts with their syntaxes, max PDU; unknown items ignored', () => {
    const request = parseAssociateRequest(associateRequestBody());
    expect(request).toMatchObject({
      protocolVersion: 1,
      calledAe: 'GOODAE',
      callingAe: 'MODALITY1',
      applicationContext: '1.2.840.10008.3.1.1.1',
      maxPduLength: 16384,
      contexts: [
        { id: 1, abstractSyntaxUid: '1.2.840.10008.5.1.4.1.1.4', transferSyntaxUids: ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2'] },
        { id: 3, abstractSyntaxUid: '1.2.840.10008.1.1', transferSyntaxUids: ['1.2.840.10008.1.2'] },
      ],
    });
  });

  it('refuses a request whose items run past its end, or that is too short', () => {
    const body = associateRequestBody();
    expect(() => parseAssociateRequest(body.subarray(0, body.length - 3))).toThrow(PduError);
    expect(() => parseAssociateRequest(body.subarray(0, 40))).toThrow(/too short/);
  });

  it('encodes the accept with the titles echoed and one result per context, and the reject', () => {
    const request = parseAssociateRequest(associateRequestBody());
    const ac = associateAccept(
      request,
      [
        { id: 1, result: 0, transferSyntaxUid: '1.2.840.10008.1.2.1' },
        { id: 3, result: 3, transferSyntaxUid: '1.2.840.10008.1.2' },
      ],
      { maxPduLength: 262144, implementationClassUid: '2.25.1', implementationVersion: 'X' },
    );
    expect(ac.readUInt8(0)).toBe(PduType.ASSOCIATE_AC);
    expect(ac.readUInt32BE(2)).toBe(ac.length - 6);
    expect(ac.toString('latin1', 10, 26).trim()).toBe('GOODAE');
    expect(ac.includes(Buffer.from([0x21, 0, 0, 27, 1, 0, 0, 0]))).toBe(true);
    expect(ac.includes(Buffer.from([0x51, 0, 0, 4, 0, 4, 0, 0]))).toBe(true);
    expect(associateReject(1, 1, 7)).toEqual(Buffer.from([0x03, 0, 0, 0, 0, 4, 0, 1, 1, 7]));
  });
});

describe('DIMSE command sets and P-DATA-TF', () => {
  it('round-trips a response through the request parser, padded to even lengths', () => {
    const bytes = encodeResponse({
      commandField: 0x8001,
      messageIdBeingRespondedTo: 7,
      affectedSopClassUid: '1.2.840.10008.5.1.4.1.1.4',
      affectedSopInstanceUid: '1.2.3',
      status: 0xa900,
      errorComment: 'bad',
    });
    expect(bytes.readUInt32LE(8)).toBe(bytes.length - 12);
    const parsed = parseCommand(Buffer.concat([bytes, Buffer.from([0x00, 0x00, 0x10, 0x01, 2, 0, 0, 0, 7, 0])]));
    expect(parsed).toEqual({
      commandField: 0x8001,
      messageId: 7,
      affectedSopClassUid: '1.2.840.10008.5.1.4.1.1.4',
      affectedSopInstanceUid: '1.2.3',
      hasDataSet: false,
    });
  });

  it('refuses command sets that are cut short or lack required elements', () => {
    const bytes = encodeResponse({ commandField: 0x8030, messageIdBeingRespondedTo: 1, affectedSopClassUid: '1.2.840.10008.1.1', status: 0 });
    expect(() => parseCommand(bytes.subarray(0, bytes.length - 1))).toThrow(PduError);
    expect(() => parseCommand(bytes)).toThrow(/MessageID/);
  });

  it('splits a message part into PDVs that fit the peer maximum PDU length', () => {
    const parts = pDataTf(5, false, Buffer.alloc(100, 9), 46);
    const wire = Buffer.concat(parts);
    const { stream, seen } = collect();
    stream.push(wire);
    expect(Buffer.concat([...(seen.pdvs.get('5/0') ?? []), ...(seen.pdvs.get('5/2') ?? [])]).equals(Buffer.alloc(100, 9))).toBe(true);
    expect(seen.ends).toEqual(['5/0', '5/0', '5/2']);
    expect(Buffer.concat(pDataTf(1, true, Buffer.alloc(10), 0)).readUInt32BE(2)).toBe(16);
  });
});
