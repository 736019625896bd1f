import type { Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';

export interface CsvRow {
  /** 1-based line of the record in the file (the header is line 1). */
  line: number;
  /** Values by lower-case, trimmed column name; empty strings for empty fields. */
  values: Record<string, string>;
}

export interface CsvFile {
  /** Lower-case column names as in the header. */
  columns: string[];
  rows: AsyncIterable<CsvRow>;
}

/**
 * Streams the records of one CSV file with csv-parse: BOM, CRLF, quoted commas and quotes, ragged
 * rows and empty header names are all accepted (real SIS exports have each). Header names are
 * compared case-insensitively. A record csv-parse cannot read is reported through `onBadRecord` and
 * skipped, so one broken line does not hide the rest of the file.
 */
export function readCsv(
  input: Readable,
  onBadRecord: (line: number, message: string) => void,
  onBytes: (n: number) => void = () => undefined,
): CsvFile {
  const columns: string[] = [];
  const parser = parse({
    bom: true,
    columns: (header: string[]) => {
      const names = header.map((h, i) => h.trim().toLowerCase() || `__empty${i}`);
      columns.push(...names);
      return names;
    },
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    trim: true,
    info: true,
    on_skip: (err: CsvError | undefined) => {
      onBadRecord(typeof err?.lines === 'number' ? err.lines : 0, err?.message ?? 'unreadable CSV record');
      return undefined;
    },
  });
  input.on('data', (chunk: Buffer) => onBytes(chunk.length));
  input.on('error', (e) => parser.destroy(e));
  input.pipe(parser);
  async function* rows(): AsyncIterable<CsvRow> {
    for await (const item of parser as AsyncIterable<{
      record: Record<string, string | undefined>;
      info: { lines: number };
    }>) {
      const values: Record<string, string> = {};
      for (const [k, v] of Object.entries(item.record)) {
        values[k] = v ?? '';
      }
      yield { line: item.info.lines, values };
    }
  }
  return { columns, rows: rows() };
}
