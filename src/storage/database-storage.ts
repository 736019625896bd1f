import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { FileStorage } from './file-storage';

const KEY = /^(photos|faces)\/[0-9a-f]{2}\/[0-9a-f-]{36}\.\w+$/;

/**
 * Photos and face crops in the database (table stored_blob), for deployments where API servers and
 * inference workers run on different machines: both already reach PostgreSQL, so no shared disk or
 * object store is needed, and a photo is committed before its job exists. Same keys and interface as
 * FileStorage (it extends it so every service accepts either).
 */
export class DatabaseStorage extends FileStorage {
  /** `files`: where blobs stored before this driver was chosen are still read from (and deleted). */
  constructor(
    private readonly dataSource: DataSource,
    private readonly files?: FileStorage,
  ) {
    super('/nonexistent');
  }

  override async init(): Promise<void> {
    await this.files?.init();
  }

  override async put(prefix: 'photos' | 'faces', data: Uint8Array, ext = 'jpg'): Promise<string> {
    const id = randomUUID();
    const key = `${prefix}/${id.slice(0, 2)}/${id}.${ext}`;
    await this.dataSource.query(`INSERT INTO stored_blob (key, data) VALUES ($1, $2)`, [
      key,
      Buffer.from(data),
    ]);
    return key;
  }

  override async get(key: string): Promise<Buffer> {
    if (!KEY.test(key)) {
      throw new Error('invalid storage key');
    }
    const rows = await this.dataSource.query<{ data: Buffer | Uint8Array }[]>(
      `SELECT data FROM stored_blob WHERE key = $1`,
      [key],
    );
    const row = rows[0];
    if (!row && this.files) {
      return this.files.get(key);
    }
    if (!row) {
      // Same shape as a missing file, so callers handle both drivers alike.
      throw Object.assign(new Error(`no stored blob ${key}`), { code: 'ENOENT' });
    }
    return Buffer.from(row.data);
  }

  override async delete(keys: Iterable<string>): Promise<void> {
    const list = [...keys];
    if (list.length > 0) {
      await this.dataSource.query(`DELETE FROM stored_blob WHERE key = ANY($1)`, [list]);
      await this.files?.delete(list);
    }
  }
}
