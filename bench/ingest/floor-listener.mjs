#!/usr/bin/env node
// The floor of a Node C-STORE listener on this machine (bench/ingest/floor.mjs starts it): one process that does
// nothing but the protocol (the API's own PDU and command-set code, built), writing each data set to a new file, one
// fdatasync (third argument 1) and the response. No parsing, hashing, index or queue. Listens on 127.0.0.1 only.
// Arguments: port, folder for the files, 1|0 (fdatasync each instance before answering or not).
import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
// eslint-disable-next-line no-restricted-imports -- a benchmark of the built API's framing code, not a lib or app
import { CommandField, encodeResponse, parseCommand } from '../../apps/api/dist/modules/dimse/command-set.js';
// eslint-disable-next-line no-restricted-imports -- as above
import {
  ContextResult,
  PDV_COMMAND,
  PDV_LAST,
  PduStream,
  PduType,
  associateAccept,
  pDataTf,
  parseAssociateRequest,
  releaseResponse,
} from '../../apps/api/dist/modules/dimse/pdu.js';

const [port, dir, flush] = [Number(process.argv[2]), process.argv[3], process.argv[4] === '1'];
let seq = 0;

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  let peerMax = 16384;
  let command = [];
  let request = null;
  let fd = -1;
  const stream = new PduStream(1 << 20, {
    pdu(type, body) {
      if (type === PduType.ASSOCIATE_RQ) {
        const rq = parseAssociateRequest(body);
        peerMax = rq.maxPduLength;
        const answers = rq.contexts.map((c) => ({
          id: c.id,
          result: ContextResult.ACCEPT,
          transferSyntaxUid: c.transferSyntaxUids.includes('1.2.840.10008.1.2.1') ? '1.2.840.10008.1.2.1' : c.transferSyntaxUids[0],
        }));
        socket.write(associateAccept(rq, answers, { maxPduLength: 1 << 20, implementationClassUid: '1.2.3.4', implementationVersion: 'FLOOR' }));
      } else if (type === PduType.RELEASE_RQ) {
        socket.end(releaseResponse());
      } else socket.destroy();
    },
    pdv(contextId, control, data, end) {
      const last = end && (control & PDV_LAST) !== 0;
      if (control & PDV_COMMAND) {
        command.push(Buffer.from(data));
        if (!last) return;
        request = parseCommand(Buffer.concat(command));
        command = [];
        if (request.hasDataSet) fd = openSync(path.join(dir, `${process.pid}-${seq++}.dcm`), 'w');
        else answer(contextId, CommandField.C_ECHO_RSP);
        return;
      }
      for (let done = 0; done < data.length;) done += writeSync(fd, data, done, data.length - done);
      if (!last) return;
      if (flush) fdatasyncSync(fd);
      closeSync(fd);
      answer(contextId, CommandField.C_STORE_RSP);
    },
  });
  const answer = (contextId, commandField) => {
    const rsp = encodeResponse({
      commandField,
      messageIdBeingRespondedTo: request.messageId,
      affectedSopClassUid: request.affectedSopClassUid,
      affectedSopInstanceUid: request.affectedSopInstanceUid,
      status: 0,
    });
    for (const part of pDataTf(contextId, true, rsp, peerMax)) socket.write(part);
  };
  socket.on('data', (chunk) => stream.push(chunk));
  socket.on('error', () => undefined);
});
server.listen(port, '127.0.0.1', () => console.log(`floor listening on 127.0.0.1:${port} flush=${flush}`));
