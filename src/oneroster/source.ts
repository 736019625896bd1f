import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { OneRosterFormatError } from './errors';

/** The CSV files of one OneRoster set, wherever they are (a folder, a zip, uploaded files). */
export interface OneRosterSource {
  /** Lower-case base names ("users.csv") of the files present. */
  readonly names: readonly string[];
  /** Total bytes of the files, for progress. */
  size(name: string): number;
  open(name: string): Promise<Readable>;
  close(): Promise<void>;
}

// Zip entries larger than this are refused before inflating (a zip bomb costs nothing to send).
const MAX_ENTRY_BYTES = 1024 * 1024 * 1024;

/** A folder of CSV files, or a folder holding one .zip (as uploads are stored). */
export async function openSource(location: string): Promise<OneRosterSource> {
  const info = await stat(location);
  if (!info.isDirectory()) {
    return openZip(location);
  }
  const entries = (await readdir(location)).filter((f) => !f.startsWith('.'));
  const zips = entries.filter((f) => f.toLowerCase().endsWith('.zip'));
  if (zips.length === 1 && entries.filter((f) => f.toLowerCase().endsWith('.csv')).length === 0) {
    return openZip(path.join(location, zips[0] as string));
  }
  return openFolder(location, entries);
}

async function openFolder(dir: string, entries: string[]): Promise<OneRosterSource> {
  const files = new Map<string, { file: string; size: number }>();
  for (const entry of entries) {
    if (!entry.toLowerCase().endsWith('.csv')) {
      continue;
    }
    const file = path.join(dir, entry);
    const s = await stat(file);
    if (s.isFile()) {
      addUnique(files, entry, { file, size: s.size });
    }
  }
  return {
    names: [...files.keys()],
    size: (name) => files.get(name)?.size ?? 0,
    open: (name) => {
      const f = files.get(name);
      if (!f) {
        throw new OneRosterFormatError(`${name} is not in the set`);
      }
      return Promise.resolve(createReadStream(f.file));
    },
    close: () => Promise.resolve(),
  };
}

function addUnique<T>(files: Map<string, T>, entry: string, value: T): void {
  const name = path.basename(entry).toLowerCase();
  if (files.has(name)) {
    throw new OneRosterFormatError(`The set holds two files named ${name}`);
  }
  files.set(name, value);
}

function openZip(file: string): Promise<OneRosterSource> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false, strictFileNames: false }, (err, zip) => {
      if (err) {
        reject(new OneRosterFormatError(`The upload is not a readable zip file: ${err.message}`));
        return;
      }
      const entries = new Map<string, yauzl.Entry>();
      zip.on('entry', (entry: yauzl.Entry) => {
        const name = entry.fileName;
        const base = path.basename(name);
        if (
          !name.endsWith('/') &&
          base.toLowerCase().endsWith('.csv') &&
          !base.startsWith('.') &&
          !name.includes('__MACOSX')
        ) {
          if (entry.uncompressedSize > MAX_ENTRY_BYTES) {
            zip.close();
            reject(new OneRosterFormatError(`${base} is larger than ${MAX_ENTRY_BYTES} bytes uncompressed`));
            return;
          }
          try {
            addUnique(entries, name, entry);
          } catch (error) {
            zip.close();
            reject(error instanceof Error ? error : new Error(String(error)));
            return;
          }
        }
        zip.readEntry();
      });
      zip.on('error', (e: Error) =>
        reject(new OneRosterFormatError(`The zip file is damaged: ${e.message}`)),
      );
      zip.on('end', () =>
        resolve({
          names: [...entries.keys()],
          size: (name) => entries.get(name)?.uncompressedSize ?? 0,
          open: (name) =>
            new Promise((res, rej) => {
              const entry = entries.get(name);
              if (!entry) {
                rej(new OneRosterFormatError(`${name} is not in the set`));
                return;
              }
              zip.openReadStream(entry, (e, stream) =>
                e ? rej(new OneRosterFormatError(e.message)) : res(stream),
              );
            }),
          close: () => {
            zip.close();
            return Promise.resolve();
          },
        }),
      );
      zip.readEntry();
    });
  });
}
