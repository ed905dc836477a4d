import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { meteredSource } from './meter';
import type { PutResult, Storage, StoredObject } from './types';

/** Stores objects as files under `root`; writes go to a temp file renamed into place. */
export class LocalDiskStorage implements Storage {
  readonly kind = 'local';
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  private pathFor(key: string): string {
    const full = resolve(this.root, key);
    // Keys come from our own code, but a key must never escape the media folder.
    if (!full.startsWith(this.root + sep)) throw new Error(`storage key escapes the media folder: ${key}`);
    return full;
  }

  async put(key: string, body: Readable | Buffer, _contentType: string): Promise<PutResult> {
    const target = this.pathFor(key);
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}.${randomUUID()}.part`;
    const { stream: meter, source, result } = meteredSource(body);
    try {
      await pipeline(source, meter, createWriteStream(temp));
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    return result();
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const path = this.pathFor(key);
    try {
      const info = await stat(path);
      return { stream: createReadStream(path), bytes: info.size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathFor(key), { force: true });
  }

  async deletePrefix(prefix: string): Promise<number> {
    // Prefixes are folders (`generations/<id>/`): count the files, then remove the folder.
    const folder = this.pathFor(prefix.replace(/\/+$/, ''));
    const files = await listFiles(folder);
    await rm(folder, { recursive: true, force: true });
    return files.length;
  }

  async removeOlderThan(cutoff: Date): Promise<number> {
    let removed = 0;
    for (const file of await listFiles(this.root)) {
      const info = await stat(file).catch(() => undefined);
      if (info && info.mtime < cutoff) {
        await rm(file, { force: true });
        removed += 1;
      }
    }
    await removeEmptyFolders(this.root, this.root);
    return removed;
  }

  async ping(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await stat(this.root);
  }
}

async function listFiles(folder: string): Promise<string[]> {
  try {
    const entries = await readdir(folder, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => resolve(e.parentPath, e.name));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Deepest first, so a folder emptied by its children goes too; the root stays. */
async function removeEmptyFolders(folder: string, root: string): Promise<void> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) if (entry.isDirectory()) await removeEmptyFolders(resolve(folder, entry.name), root);
  if (folder !== root) await rmdir(folder).catch(() => undefined);
}
