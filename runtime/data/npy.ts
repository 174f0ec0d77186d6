/**
 * NumPy's `.npy` format (version 1.0, little-endian, C order) for the arrays DLM exchanges
 * with the torch engine: float32 features and predictions, int32 labels and token ids.
 */

/** An array with its shape: float32 or int32 values in C order. */
export interface NpyArray {
  readonly data: Float32Array | Int32Array;
  readonly shape: readonly number[];
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** The bytes of an `.npy` file holding `array`. */
export function encodeNpy(array: NpyArray): Uint8Array {
  const count = array.shape.reduce((product, length) => product * length, 1);
  if (count !== array.data.length) throw new Error(`npy: shape [${array.shape.join(", ")}] needs ${count} values, got ${array.data.length}`);
  const descr = array.data instanceof Float32Array ? "<f4" : "<i4";
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(", ")})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  // magic (6) + version (2) + length (2) + header + newline, padded to a multiple of 64
  const unpadded = 10 + header.length + 1;
  header += " ".repeat((64 - (unpadded % 64)) % 64) + "\n";
  const bytes = new Uint8Array(10 + header.length + array.data.byteLength);
  bytes.set(MAGIC, 0);
  bytes[6] = 1;
  bytes[7] = 0;
  new DataView(bytes.buffer).setUint16(8, header.length, true);
  for (let index = 0; index < header.length; index++) bytes[10 + index] = header.charCodeAt(index);
  const values = new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  // typed arrays are little-endian on every platform Node runs on
  bytes.set(values, 10 + header.length);
  return bytes;
}

/** Reads an `.npy` file of float32 or int32 values (version 1.0 to 3.0, little-endian, C order). */
export function decodeNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || MAGIC.some((value, index) => bytes[index] !== value)) throw new Error("npy: not a .npy file");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(headerStart, headerStart + headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || shapeText === undefined || fortran) throw new Error(`npy: unsupported header ${header.trim()}`);
  const shape = shapeText
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map(Number);
  const count = shape.reduce((product, length) => product * length, 1);
  const start = headerStart + headerLength;
  if (bytes.length < start + count * 4) throw new Error("npy: the file is shorter than its shape");
  // a copy: a Node Buffer's slice shares (and is offset into) a larger pool
  const body = new Uint8Array(count * 4);
  body.set(bytes.subarray(start, start + count * 4));
  if (descr === "<f4") return { data: new Float32Array(body.buffer, 0, count), shape };
  if (descr === "<i4") return { data: new Int32Array(body.buffer, 0, count), shape };
  throw new Error(`npy: dtype ${descr} is not float32 or int32`);
}
