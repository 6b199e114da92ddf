/**
 * The SOP Instance UID a DICOM Part 10 file names in its file meta information (0002,0003), read from the first
 * bytes without a DICOM library; null when the file has no "DICM" preamble or the element is not there. Used only
 * to match STOW-RS answers to the files sent.
 */
export function mediaStorageSopInstanceUid(bytes: ArrayBuffer): string | null {
  if (bytes.byteLength < 132) return null;
  const view = new DataView(bytes);
  if (view.getUint32(128, false) !== 0x4449434d) return null; // "DICM"
  const text = new TextDecoder('ascii');
  let offset = 132;
  // File meta is explicit VR little endian; stop at the first element outside group 0002.
  while (offset + 8 <= bytes.byteLength) {
    const group = view.getUint16(offset, true);
    const element = view.getUint16(offset + 2, true);
    if (group !== 0x0002) return null;
    const vr = String.fromCharCode(view.getUint8(offset + 4), view.getUint8(offset + 5));
    let length: number;
    let header: number;
    if (['OB', 'OW', 'OF', 'SQ', 'UT', 'UN', 'UC', 'UR', 'OD', 'OL', 'OV'].includes(vr)) {
      if (offset + 12 > bytes.byteLength) return null;
      length = view.getUint32(offset + 8, true);
      header = 12;
    } else {
      length = view.getUint16(offset + 6, true);
      header = 8;
    }
    const start = offset + header;
    if (length === 0xffffffff || start + length > bytes.byteLength) return null;
    if (element === 0x0003) {
      const uid = text.decode(new Uint8Array(bytes, start, length)).replace(/[\0\s]+$/, '');
      return uid || null;
    }
    offset = start + length;
  }
  return null;
}

/** How many leading bytes of a file `mediaStorageSopInstanceUid` needs at most (the file meta is small). */
export const META_PREFIX_BYTES = 16 * 1024;

/** Blob bytes (Blob.arrayBuffer where there is one, FileReader elsewhere, e.g. jsdom). */
export function readBlob(blob: Blob): Promise<ArrayBuffer> {
  if (typeof blob.arrayBuffer === 'function') return blob.arrayBuffer();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as ArrayBuffer);
    reader.onerror = () => reject(reader.error ?? new Error('could not read the file'));
    reader.readAsArrayBuffer(blob);
  });
}
