/**
 * The part of jpeg-lossless-decoder-js 2.1.2 that the codecs use. The package names a `types` file it does not ship,
 * so it is declared here (from its src/decoder.ts).
 */
declare module 'jpeg-lossless-decoder-js' {
  export class Decoder {
    constructor(buffer?: ArrayBuffer, numBytes?: number);
    /** Width, height, components and precision of the last decoded frame. */
    xDim: number;
    yDim: number;
    numComp: number;
    precision: number | undefined;
    /** Decodes the JPEG at buffer[offset, offset + length): Uint8Array for precision <= 8, else Uint16Array. */
    decode(buffer?: ArrayBuffer, offset?: number, length?: number, numBytes?: number): Uint8Array | Uint16Array;
  }
}
