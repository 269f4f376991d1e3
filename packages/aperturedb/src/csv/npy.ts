import { readFile } from 'node:fs/promises';
import { csvError } from './csv-values.js';

// A minimal reader of NumPy `.npy` files (version 1.0-3.0): a magic string, a header dict giving
// `descr`, `fortran_order` and `shape`, then the raw array. Enough for descriptor files: 2-D
// little-endian float32 or float64 arrays in C order, one descriptor per row.

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** The rows of a 2-D float array file. */
export interface NpyMatrix {
  readonly rows: number;
  readonly columns: number;
  /** Row `index` as float32 little-endian bytes (the descriptor blob format). */
  row(index: number): Uint8Array;
}

/** Reads a `.npy` file. @throws ConfigError `CONN_APERTUREDB_CSV` for anything but a 2-D `<f4`/`<f8` C-order array. */
export async function readNpyMatrix(path: string): Promise<NpyMatrix> {
  const bytes = await readFile(path);
  if (bytes.length < 10 || MAGIC.some((byte, index) => bytes[index] !== byte))
    throw csvError(`${path} is not a .npy file`);
  const major = bytes[6] as number;
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const header = bytes.toString('latin1', headerStart, headerStart + headerLength);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  const dims = (shape ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map(Number);
  const itemSize = descr === '<f4' ? 4 : descr === '<f8' ? 8 : 0;
  if (itemSize === 0 || fortran !== 'False' || dims.length !== 2)
    throw csvError(
      `${path}: only 2-D little-endian float32/float64 C-order arrays are read (${header.trim()})`,
    );
  const [rows, columns] = dims as [number, number];
  const data = bytes.subarray(headerStart + headerLength);
  if (data.length < rows * columns * itemSize) throw csvError(`${path} is shorter than its shape says`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return {
    rows,
    columns,
    row(index) {
      if (!Number.isInteger(index) || index < 0 || index >= rows)
        throw csvError(`${path} has no row ${index} (it has ${rows})`);
      const out = new Uint8Array(columns * 4);
      const outView = new DataView(out.buffer);
      const base = index * columns * itemSize;
      for (let column = 0; column < columns; column++) {
        const at = base + column * itemSize;
        const value = itemSize === 4 ? view.getFloat32(at, true) : view.getFloat64(at, true);
        outView.setFloat32(column * 4, value, true);
      }
      return out;
    },
  };
}
