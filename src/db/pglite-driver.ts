import { EventEmitter } from 'node:events';
import type { PGlite, Transaction } from '@electric-sql/pglite';

// A `pg`-shaped driver that lets TypeORM's postgres dialect run on PGlite.
//
// PGlite is one session. A naive adapter (typeorm-pglite) hands every TypeORM query runner that
// same session, so two concurrent transactions interleave their statements and one's ROLLBACK undoes
// the other's writes. Here each query runner gets its own client; a client that opens a transaction
// holds PGlite's transaction lock (`db.transaction`) until COMMIT/ROLLBACK, and every other query
// waits for it. Results are given the `rowCount`/`command` fields TypeORM reads from `pg`.

interface PgResult {
  rows: unknown[];
  rowCount: number;
  command: string;
  fields: unknown[];
}

type Callback = (err: Error | null, result?: PgResult) => void;
type Queryable = Pick<PGlite, 'query' | 'exec'> | Transaction;

const commandOf = (sql: string) => /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? '';

async function run(target: Queryable, sql: string, params?: unknown[]): Promise<PgResult> {
  if (params && params.length > 0) {
    const r = await target.query(sql, params);
    return {
      rows: r.rows,
      rowCount: r.affectedRows ?? r.rows.length,
      command: commandOf(sql),
      fields: r.fields,
    };
  }
  // exec allows several statements (migrations); TypeORM wants the last result.
  const results = await target.exec(sql);
  const last = results[results.length - 1];
  return {
    rows: last?.rows ?? [],
    rowCount: last?.affectedRows ?? last?.rows.length ?? 0,
    command: commandOf(sql),
    fields: last?.fields ?? [],
  };
}

class PGliteClient extends EventEmitter {
  private tx: Transaction | undefined;
  private endTx: ((commit: boolean) => void) | undefined;
  private txDone: Promise<unknown> | undefined;

  constructor(private readonly db: PGlite) {
    super();
  }

  query(sql: string, params?: unknown[] | Callback, cb?: Callback): Promise<PgResult> {
    const callback = typeof params === 'function' ? params : cb;
    const values = typeof params === 'function' ? undefined : params;
    const promise = this.dispatch(sql, values);
    if (callback) {
      promise.then(
        (r) => callback(null, r),
        (e: Error) => callback(e),
      );
    }
    return promise;
  }

  private async dispatch(sql: string, params?: unknown[]): Promise<PgResult> {
    const command = commandOf(sql);
    const empty = { rows: [], rowCount: 0, command, fields: [] };
    if ((command === 'START' || command === 'BEGIN') && !this.tx) {
      await this.begin();
      return empty;
    }
    if ((command === 'COMMIT' || command === 'ROLLBACK') && this.tx && !/SAVEPOINT/i.test(sql)) {
      await this.finish(command === 'COMMIT');
      return empty;
    }
    return run(this.tx ?? this.db, sql, params);
  }

  private begin(): Promise<void> {
    return new Promise<void>((started, failed) => {
      this.txDone = this.db
        .transaction(async (tx) => {
          this.tx = tx;
          started();
          const commit = await new Promise<boolean>((resolve) => (this.endTx = resolve));
          if (!commit) {
            await tx.rollback();
          }
        })
        .catch((e: unknown) => {
          failed(e instanceof Error ? e : new Error(String(e)));
          throw e;
        });
    });
  }

  private async finish(commit: boolean): Promise<void> {
    const done = this.txDone;
    this.endTx?.(commit);
    this.tx = undefined;
    this.endTx = undefined;
    this.txDone = undefined;
    await done;
  }

  release(): void {
    // A runner released mid-transaction (error path) must not keep the lock forever.
    if (this.endTx) {
      void this.finish(false).catch(() => undefined);
    }
  }
}

export function createPGliteDriver(db: PGlite) {
  class Pool extends EventEmitter {
    connect(callback: (err: Error | null, client: PGliteClient, release: () => void) => void): void {
      const client = new PGliteClient(db);
      callback(null, client, () => client.release());
    }

    query(sql: string, params?: unknown[] | Callback, cb?: Callback): Promise<PgResult> {
      return new PGliteClient(db).query(sql, params, cb);
    }

    end(cb?: (err: Error | null) => void): void {
      cb?.(null);
    }
  }
  return { Pool };
}
