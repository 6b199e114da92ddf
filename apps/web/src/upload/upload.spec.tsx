import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeGraphql, fakeMe, renderWithProviders } from '../testing/fake-graphql.js';
import { mediaStorageSopInstanceUid, readBlob } from './dicom-uid.js';
import { matchOutcomes, parseStowResponse, toBatches, uploadFiles, type XhrLike } from './stow-client.js';
import { UploadPage } from './upload-page.js';

afterEach(cleanup);

/** A minimal DICOM Part 10 file: preamble, "DICM", and (0002,0003) MediaStorageSOPInstanceUID. */
function dicomBytes(uid: string, padding = 0): Uint8Array<ArrayBuffer> {
  const value = uid.length % 2 ? `${uid}\0` : uid;
  const out = new Uint8Array(132 + 8 + value.length + padding);
  out.set([0x44, 0x49, 0x43, 0x4d], 128);
  const view = new DataView(out.buffer);
  view.setUint16(132, 0x0002, true);
  view.setUint16(134, 0x0003, true);
  out.set([0x55, 0x49], 136); // "UI"
  view.setUint16(138, value.length, true);
  out.set(new TextEncoder().encode(value), 140);
  return out;
}

function dicomFile(name: string, uid: string, padding = 0): File {
  return new File([dicomBytes(uid, padding)], name, { type: 'application/dicom' });
}

const attr = (vr: string, value: unknown) => ({ vr, Value: value === null ? undefined : [value] });

function stowAnswer(stored: string[], failed: { uid: string | null; reason: number; comment: string }[]) {
  const body: Record<string, unknown> = {};
  if (stored.length)
    body['00081199'] = {
      vr: 'SQ',
      Value: stored.map((uid) => ({ '00081155': attr('UI', uid), '00081190': attr('UR', `http://x/dicomweb/studies/1.2.3/series/1.2.3.4/instances/${uid}`) })),
    };
  if (failed.length)
    body['00081198'] = {
      vr: 'SQ',
      Value: failed.map((f) => ({ '00081155': attr('UI', f.uid), '00081197': attr('US', f.reason), '00000902': attr('LO', f.comment) })),
    };
  return body;
}

/** Records every request; the test answers them (progress, then load) when it wants. */
class FakeXhrServer {
  readonly requests: FakeXhr[] = [];
  maxInFlight = 0;
  get inFlight(): number {
    return this.requests.filter((r) => !r.done).length;
  }
  create = (): XhrLike => {
    const xhr = new FakeXhr(this);
    return xhr;
  };
}

class FakeXhr implements XhrLike {
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: Blob | null = null;
  done = false;
  status = 0;
  responseText = '';
  readonly upload: XhrLike['upload'] = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  constructor(private readonly server: FakeXhrServer) {}
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name.toLowerCase()] = value;
  }
  send(body: Blob) {
    this.body = body;
    this.server.requests.push(this);
    this.server.maxInFlight = Math.max(this.server.maxInFlight, this.server.inFlight);
  }
  abort() {
    this.done = true;
    this.onabort?.();
  }
  getResponseHeader(name: string) {
    return name.toLowerCase() === 'content-type' ? 'application/dicom+json' : null;
  }
  progress(fraction: number) {
    const total = this.body?.size ?? 0;
    this.upload.onprogress?.({ loaded: Math.round(total * fraction), total, lengthComputable: true });
  }
  respond(status: number, json: unknown) {
    this.status = status;
    this.responseText = typeof json === 'string' ? json : JSON.stringify(json);
    this.done = true;
    this.onload?.();
  }
  async parts(): Promise<number> {
    const text = new TextDecoder('latin1').decode(await readBlob(this.body!));
    return text.split('Content-Type: application/dicom\r\n').length - 1;
  }
}

describe('STOW-RS client', () => {
  it('reads the SOP Instance UID from the file meta', () => {
    expect(mediaStorageSopInstanceUid(dicomBytes('1.2.840.1').buffer)).toBe('1.2.840.1');
    expect(mediaStorageSopInstanceUid(new TextEncoder().encode('not dicom at all').buffer)).toBeNull();
  });

  it('batches by file count and bytes', () => {
    const files = Array.from({ length: 45 }, (_, i) => ({ file: { size: i === 44 ? 500 : 10 } }));
    expect(toBatches(files, 20, 500).map((b) => b.length)).toEqual([20, 20, 4, 1]);
  });

  it('matches answers to files by UID, and UID-less failures in order', () => {
    const answer = parseStowResponse(
      stowAnswer(
        ['1.1'],
        [
          { uid: '1.3', reason: 0x0111, comment: 'already stored' },
          { uid: null, reason: 0xc000, comment: 'not a DICOM file' },
        ],
      ),
    );
    expect(
      matchOutcomes(
        [
          { path: 'a.dcm', uid: '1.1' },
          { path: 'notes.txt', uid: null },
          { path: 'c.dcm', uid: '1.3' },
        ],
        answer,
      ),
    ).toEqual([
      { path: 'a.dcm', ok: true, sopInstanceUid: '1.1', studyInstanceUid: '1.2.3' },
      { path: 'notes.txt', ok: false, reason: 'Cannot understand: not a DICOM file', sopInstanceUid: null },
      { path: 'c.dcm', ok: false, reason: 'Duplicate SOP instance: already stored', sopInstanceUid: '1.3' },
    ]);
  });

  it('sends 20 files per request, 2 requests at a time, with the bearer token', async () => {
    const server = new FakeXhrServer();
    const files = Array.from({ length: 45 }, (_, i) => ({ file: dicomFile(`f${i}.dcm`, `1.2.${i}`), path: `f${i}.dcm` }));
    const done = uploadFiles(files, { getAccessToken: () => Promise.resolve('tok'), createXhr: server.create });
    await waitFor(() => expect(server.requests.length).toBe(2));
    expect(await server.requests[0]!.parts()).toBe(20);
    expect(server.requests[0]!.headers['authorization']).toBe('Bearer tok');
    expect(server.requests[0]!.headers['content-type']).toMatch(/^multipart\/related; type="application\/dicom"; boundary=/);
    expect(server.requests[0]!.url).toBe('/dicomweb/studies');
    server.requests[0]!.respond(
      200,
      stowAnswer(
        files.slice(0, 20).map((_, i) => `1.2.${i}`),
        [],
      ),
    );
    await waitFor(() => expect(server.requests.length).toBe(3));
    expect(await server.requests[2]!.parts()).toBe(5);
    server.requests[1]!.respond(
      200,
      stowAnswer(
        files.slice(20, 40).map((_, i) => `1.2.${i + 20}`),
        [],
      ),
    );
    server.requests[2]!.respond(
      200,
      stowAnswer(
        files.slice(40).map((_, i) => `1.2.${i + 40}`),
        [],
      ),
    );
    const result = await done;
    expect(server.maxInFlight).toBe(2);
    expect(result.outcomes.filter((o) => o.ok)).toHaveLength(45);
  });
});

describe('UploadPage', () => {
  it('uploads picked files with a progress bar, lists failures with their reasons and links to the worklist', async () => {
    const user = userEvent.setup();
    const server = new FakeXhrServer();
    renderWithProviders(<UploadPage createXhr={server.create} batchFiles={2} concurrency={2} />, { fake: new FakeGraphql({}) });

    const files = [dicomFile('a.dcm', '1.1', 1000), dicomFile('b.dcm', '1.2', 1000), dicomFile('c.dcm', '1.3', 1000), new File(['hello'], 'notes.txt')];
    await user.upload(screen.getByLabelText('Choose files'), files);
    expect(screen.getByTestId('upload-selection').textContent).toContain('4 files selected');
    await user.click(screen.getByRole('button', { name: 'Upload' }));

    await waitFor(() => expect(server.requests.length).toBe(2));
    act(() => server.requests[0]!.progress(0.5));
    const bar = screen.getByRole('progressbar', { name: 'Upload progress' });
    await waitFor(() => expect(Number(bar.getAttribute('value'))).toBeGreaterThan(0));
    expect(Number(bar.getAttribute('value'))).toBeLessThan(50);

    act(() => server.requests[0]!.respond(200, stowAnswer(['1.1', '1.2'], [])));
    act(() =>
      server.requests[1]!.respond(
        202,
        stowAnswer(
          [],
          [
            { uid: '1.3', reason: 0xa900, comment: 'not an MR image' },
            { uid: null, reason: 0xc000, comment: 'no DICM preamble' },
          ],
        ),
      ),
    );

    expect((await screen.findByText(/Stored 2 of 4 files/)).textContent).toBe('Stored 2 of 4 files in 1 study; 2 failed.');
    expect(Number(bar.getAttribute('value'))).toBe(100);
    const failures = screen.getByRole('table', { name: 'Failed files' });
    const rows = within(failures).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.textContent)).toEqual(['c.dcmData set does not match SOP class: not an MR image', 'notes.txtCannot understand: no DICM preamble']);
    expect(screen.getByRole('link', { name: 'Open the worklist' }).getAttribute('href')).toBe('/?order=RECEIVED_AT_DESC');
  });

  it('fails the whole batch with the HTTP reason when the request is refused', async () => {
    const user = userEvent.setup();
    const server = new FakeXhrServer();
    renderWithProviders(<UploadPage createXhr={server.create} />, { fake: new FakeGraphql({}), me: fakeMe({ roles: ['INTEGRATOR'] }) });
    await user.upload(screen.getByLabelText('Choose files'), [dicomFile('a.dcm', '1.1')]);
    await user.click(screen.getByRole('button', { name: 'Upload' }));
    await waitFor(() => expect(server.requests.length).toBe(1));
    act(() => server.requests[0]!.respond(415, { message: 'only type="application/dicom" parts are accepted' }));
    expect(await screen.findByText('Upload failed (HTTP 415): only type="application/dicom" parts are accepted')).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Open the worklist' })).toBeNull();
  });

  it('accepts a drop of files', async () => {
    const server = new FakeXhrServer();
    renderWithProviders(<UploadPage createXhr={server.create} />, { fake: new FakeGraphql({}) });
    const file = dicomFile('x.dcm', '9.9');
    fireEvent.drop(screen.getByRole('region', { name: 'Drop zone for DICOM files and folders' }), {
      dataTransfer: { items: [], files: [file], dropEffect: 'copy' },
    });
    await waitFor(() => expect(screen.getByTestId('upload-selection').textContent).toContain('1 file selected'));
  });
});
