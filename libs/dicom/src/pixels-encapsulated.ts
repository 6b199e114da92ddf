import { PixelDecodeError } from './pixels-errors.js';

/** One fragment (Item) of encapsulated pixel data. */
export interface EncapsulatedFragment {
  /** Offset of the fragment's Item tag from the first byte of the first fragment's Item tag (Basic Offset Table units). */
  readonly itemOffset: number;
  /** Offset of the fragment's value in the file. */
  readonly position: number;
  readonly length: number;
}

export interface EncapsulatedPixelData {
  /** Basic Offset Table entries (empty when the table is empty). */
  readonly basicOffsetTable: readonly number[];
  readonly fragments: readonly EncapsulatedFragment[];
}

const ITEM = 0xe000;
const SEQUENCE_DELIMITER = 0xe0dd;
const ITEM_GROUP = 0xfffe;

/**
 * Reads the Item structure of encapsulated pixel data (PS3.5 A.4): the Basic Offset Table item, then one item per
 * fragment up to the Sequence Delimitation Item. `offset` is the first byte after the Pixel Data element header and
 * `length` the bytes the element spans (a bound, not trusted beyond the end of `bytes`).
 */
export function readEncapsulatedPixelData(bytes: Uint8Array, offset: number, length: number): EncapsulatedPixelData {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const limit = Number.isFinite(length) && length >= 0 ? Math.min(bytes.length, offset + length) : bytes.length;
  const readItemHeader = (at: number): { element: number; length: number } => {
    if (at + 8 > limit) throw new PixelDecodeError(`the encapsulated pixel data ends inside an item header at byte ${at}`);
    const group = view.getUint16(at, true);
    const element = view.getUint16(at + 2, true);
    if (group !== ITEM_GROUP || (element !== ITEM && element !== SEQUENCE_DELIMITER)) {
      throw new PixelDecodeError(`expected an item tag in the encapsulated pixel data at byte ${at}, found (${hex4(group)},${hex4(element)})`);
    }
    return { element, length: view.getUint32(at + 4, true) };
  };

  const bot = readItemHeader(offset);
  if (bot.element !== ITEM) throw new PixelDecodeError('the encapsulated pixel data has no Basic Offset Table item');
  if (bot.length % 4 !== 0 || offset + 8 + bot.length > limit) {
    throw new PixelDecodeError(`the Basic Offset Table item length ${bot.length} is not a multiple of 4 or runs past the pixel data`);
  }
  const basicOffsetTable: number[] = [];
  for (let at = offset + 8; at < offset + 8 + bot.length; at += 4) basicOffsetTable.push(view.getUint32(at, true));

  const first = offset + 8 + bot.length;
  const fragments: EncapsulatedFragment[] = [];
  for (let at = first; at + 8 <= limit;) {
    const item = readItemHeader(at);
    if (item.element === SEQUENCE_DELIMITER) break;
    if (item.length === 0xffffffff) throw new PixelDecodeError(`fragment ${fragments.length} has an undefined length`);
    if (at + 8 + item.length > bytes.length) {
      throw new PixelDecodeError(`fragment ${fragments.length} declares ${item.length} bytes but the file ends first: the pixel data is truncated`);
    }
    fragments.push({ itemOffset: at - first, position: at + 8, length: item.length });
    at += 8 + item.length;
  }
  if (fragments.length === 0) throw new PixelDecodeError('the encapsulated pixel data has no fragments');
  return { basicOffsetTable, fragments };
}

/**
 * The Extended Offset Table (7FE0,0001) and its lengths (7FE0,0002), when they directly precede the Pixel Data element
 * as PS3.3 C.7.6.3 places them (explicit VR little endian, OV, one 64-bit entry per frame). `pixelDataOffset` is the
 * first byte after the Pixel Data element header. Null when absent.
 */
export function readExtendedOffsetTable(bytes: Uint8Array, pixelDataOffset: number, frames: number): readonly number[] | null {
  const valueLength = 8 * frames;
  const pixelHeader = pixelDataOffset - 12;
  const lengthsHeader = pixelHeader - (12 + valueLength);
  const tableHeader = lengthsHeader - (12 + valueLength);
  if (tableHeader < 0) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const isOvElement = (at: number, element: number): boolean =>
    view.getUint16(at, true) === 0x7fe0 &&
    view.getUint16(at + 2, true) === element &&
    bytes[at + 4] === 0x4f && // 'O'
    bytes[at + 5] === 0x56 && // 'V'
    view.getUint32(at + 8, true) === valueLength;
  if (!isOvElement(tableHeader, 0x0001) || !isOvElement(lengthsHeader, 0x0002)) return null;
  const offsets: number[] = [];
  for (let i = 0; i < frames; i++) offsets.push(Number(view.getBigUint64(tableHeader + 12 + 8 * i, true)));
  return offsets;
}

export interface FrameLocation {
  readonly numberOfFrames: number;
  readonly frameIndex: number;
  /** Extended Offset Table entries, when the instance has one (then the Basic Offset Table is empty). */
  readonly extendedOffsetTable?: readonly number[] | null;
  /** Whether a fragment starts a new frame (a codestream's start marker); null when the syntax has no such marker. */
  readonly startsFrame: ((fragment: Uint8Array) => boolean) | null;
}

/** The fragments that hold one frame, found through the Extended or Basic Offset Table, or by counting and markers. */
export function frameFragments(bytes: Uint8Array, data: EncapsulatedPixelData, location: FrameLocation): readonly EncapsulatedFragment[] {
  const { fragments } = data;
  const { numberOfFrames, frameIndex } = location;
  const table = location.extendedOffsetTable ?? (data.basicOffsetTable.length > 0 ? data.basicOffsetTable : null);
  if (table !== null) {
    if (table.length !== numberOfFrames) {
      throw new PixelDecodeError(`the offset table has ${table.length} entries for ${numberOfFrames} frame(s)`);
    }
    const start = table[frameIndex] as number;
    const end = frameIndex + 1 < table.length ? (table[frameIndex + 1] as number) : Number.POSITIVE_INFINITY;
    if (end <= start) throw new PixelDecodeError(`the offset table is not increasing at frame ${frameIndex}`);
    const selected = fragments.filter((f) => f.itemOffset >= start && f.itemOffset < end);
    if (selected.length === 0 || selected[0]?.itemOffset !== start) {
      throw new PixelDecodeError(`the offset table points frame ${frameIndex} at byte ${start}, where no fragment starts`);
    }
    return selected;
  }
  if (numberOfFrames === 1) return fragments;
  if (fragments.length === numberOfFrames) return [fragments[frameIndex] as EncapsulatedFragment];
  const startsFrame = location.startsFrame;
  if (startsFrame !== null && fragments.length > numberOfFrames) {
    const starts = fragments.flatMap((f, i) => (startsFrame(bytes.subarray(f.position, f.position + f.length)) ? [i] : []));
    if (starts.length === numberOfFrames && starts[0] === 0) {
      const from = starts[frameIndex] as number;
      const to = frameIndex + 1 < starts.length ? (starts[frameIndex + 1] as number) : fragments.length;
      return fragments.slice(from, to);
    }
  }
  throw new PixelDecodeError(
    `cannot tell which of the ${fragments.length} fragments hold frame ${frameIndex} of ${numberOfFrames}: the offset table is empty and the fragments do not mark frame starts`,
  );
}

/** The bytes of a frame: the fragment itself when there is one (no copy), else the fragments joined. */
export function joinFragments(bytes: Uint8Array, fragments: readonly EncapsulatedFragment[]): Uint8Array {
  if (fragments.length === 1) {
    const only = fragments[0] as EncapsulatedFragment;
    return bytes.subarray(only.position, only.position + only.length);
  }
  const out = new Uint8Array(fragments.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of fragments) {
    out.set(bytes.subarray(f.position, f.position + f.length), at);
    at += f.length;
  }
  return out;
}

function hex4(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, '0');
}
