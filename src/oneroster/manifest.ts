import { readCsv } from './csv';
import { OneRosterFormatError } from './errors';
import type { OneRosterSource } from './source';

export type FileMode = 'bulk' | 'delta' | 'absent';

export interface Manifest {
  /** "1.1", "1.2", or "unknown" when the set has no manifest. */
  version: string;
  /** Mode per lower-case file name ("users.csv"); files the manifest does not name are absent here. */
  files: Map<string, FileMode>;
  present: boolean;
}

/** Reads manifest.csv (propertyName,value). Without one, every file present is read as bulk. */
export async function readManifest(source: OneRosterSource): Promise<Manifest> {
  const files = new Map<string, FileMode>();
  if (!source.names.includes('manifest.csv')) {
    return { version: 'unknown', files, present: false };
  }
  let version = 'unknown';
  const bad: string[] = [];
  const csv = readCsv(await source.open('manifest.csv'), (line, message) =>
    bad.push(`line ${line}: ${message}`),
  );
  for await (const row of csv.rows) {
    const key = (row.values.propertyname ?? '').trim();
    const value = (row.values.value ?? '').trim().toLowerCase();
    if (key.toLowerCase() === 'oneroster.version') {
      version = value;
    } else if (key.toLowerCase().startsWith('file.')) {
      const name = `${key.slice(5).toLowerCase()}.csv`;
      // An empty value (seen in real 1.2 exports) means the file is not provided.
      files.set(name, value === 'bulk' || value === 'delta' ? value : 'absent');
    }
  }
  if (!csv.columns.includes('propertyname') || !csv.columns.includes('value')) {
    throw new OneRosterFormatError('manifest.csv must have the columns propertyName,value');
  }
  if (bad.length > 0) {
    throw new OneRosterFormatError(`manifest.csv cannot be read: ${bad.join('; ')}`);
  }
  return { version, files, present: true };
}
