import type {
  Counts,
  FileResult,
  ImportEntity,
  ImportReport,
  ImportSummary,
  RefusalReason,
  RowAction,
  RowResult,
} from './model';

/** Most row results kept for a preview; counts are always complete. */
export const DEFAULT_ROW_LIMIT = 2_000;
/** Most refusals listed (a district file with a broken column would otherwise list 50,000). */
export const REFUSAL_LIMIT = 5_000;

const COUNTED: Record<
  Exclude<RowAction, 'REFUSED'>,
  keyof Omit<ImportSummary, 'refused' | 'oneRosterVersion'>
> = {
  CREATED: 'created',
  UPDATED: 'updated',
  UNCHANGED: 'unchanged',
  REMOVED: 'removed',
  SKIPPED: 'skipped',
};

/** Accumulates row results in bounded memory: full counts, a capped list of rows. */
export class ReportBuilder {
  private readonly summary: ImportSummary;
  private readonly files = new Map<string, FileResult>();
  private readonly rows: RowResult[] = [];
  private truncated = false;
  private readonly warnings: string[] = [];
  refusedTotal = 0;

  constructor(
    version: string,
    private readonly rowLimit = DEFAULT_ROW_LIMIT,
  ) {
    this.summary = {
      oneRosterVersion: version,
      created: {},
      updated: {},
      unchanged: {},
      removed: {},
      skipped: {},
      refused: [],
    };
  }

  set version(v: string) {
    this.summary.oneRosterVersion = v;
  }

  file(name: string): FileResult {
    let f = this.files.get(name);
    if (!f) {
      f = { file: name, rows: 0, created: 0, updated: 0, unchanged: 0, removed: 0, skipped: 0, refused: 0 };
      this.files.set(name, f);
    }
    return f;
  }

  add(
    file: string,
    line: number,
    sourcedId: string | null,
    entity: ImportEntity | null,
    action: RowAction,
    message: string | null = null,
  ): void {
    this.push({ file, line, sourcedId, entity, action, reason: null, message });
  }

  refuse(
    file: string,
    line: number,
    sourcedId: string | null,
    entity: ImportEntity | null,
    reason: RefusalReason,
    message: string,
  ): void {
    this.push({ file, line, sourcedId: sourcedId || null, entity, action: 'REFUSED', reason, message });
  }

  private push(row: RowResult): void {
    const f = this.file(row.file);
    f.rows += 1;
    if (row.action === 'REFUSED') {
      f.refused += 1;
      this.refusedTotal += 1;
      if (this.summary.refused.length < REFUSAL_LIMIT) {
        this.summary.refused.push(row);
      }
    } else {
      const key = COUNTED[row.action];
      f[key] += 1;
      if (row.entity) {
        const counts: Counts = this.summary[key];
        counts[row.entity] = (counts[row.entity] ?? 0) + 1;
      }
    }
    if (this.rows.length < this.rowLimit) {
      this.rows.push(row);
    } else {
      this.truncated = true;
    }
  }

  warn(message: string): void {
    this.warnings.push(message);
  }

  build(): ImportReport {
    return {
      summary: this.summary,
      files: [...this.files.values()],
      rows: this.rows,
      rowsTruncated: this.truncated,
      warnings: this.warnings,
    };
  }
}
