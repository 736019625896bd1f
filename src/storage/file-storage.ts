import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Photos and face thumbnails on disk, addressed by opaque keys like `photos/ab/<uuid>.jpg`.
 * Keys never contain user input, so a key cannot escape the root.
 */
export class FileStorage {
  constructor(private readonly root: string) {}

  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true });
  }

  async put(prefix: 'photos' | 'faces', data: Uint8Array, ext = 'jpg'): Promise<string> {
    const id = randomUUID();
    const key = `${prefix}/${id.slice(0, 2)}/${id}.${ext}`;
    const file = this.resolve(key);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, data);
    return key;
  }

  get(key: string): Promise<Buffer> {
    return readFile(this.resolve(key));
  }

  async delete(keys: Iterable<string>): Promise<void> {
    await Promise.all([...keys].map((key) => rm(this.resolve(key), { force: true })));
  }

  private resolve(key: string): string {
    if (!/^(photos|faces)\/[0-9a-f]{2}\/[0-9a-f-]{36}\.\w+$/.test(key)) {
      throw new Error(`invalid storage key`);
    }
    return path.join(this.root, key);
  }
}
