/**
 * Where file contents live, behind one interface. Contents are addressed by the SHA-256 of their
 * bytes: a stored name never comes from anything the client sends, so path traversal is impossible.
 * Uploads are staged in a temporary file on local disk and committed only when complete and verified.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

/** A SHA-256 in lower-case hex: the only shape of key a store accepts. */
const SHA256 = /^[0-9a-f]{64}$/;

/** What a staged file must be to be committed. */
export interface ContentKey {
  sha256: string;
  size: number;
}

/** An inclusive byte range `[start, end]`. */
export interface ByteRange {
  start: number;
  end: number;
}

/** Content-addressed file storage. */
export interface FileStore {
  /** A fresh local path to stage an upload in; the caller removes it (`discard`) unless it is committed. */
  stagingPath(): string;
  /** Removes a staged file (no error when it is gone). */
  discard(stagedPath: string): Promise<void>;
  /**
   * Moves a complete staged file into the store under its hash, after checking it has the expected
   * size. Content already stored under the same hash is kept and the staged copy removed.
   */
  commit(stagedPath: string, key: ContentKey): Promise<void>;
  /** Reads stored content, whole or one range. */
  read(sha256: string, range?: ByteRange): Readable;
  /** Deletes stored content (no error when it is absent). */
  remove(sha256: string): Promise<void>;
  /** Whether content with this hash is stored. */
  has(sha256: string): Promise<boolean>;
}

function checkKey(sha256: string): string {
  if (!SHA256.test(sha256)) throw new Error('a store key is a lower-case hex SHA-256');
  return sha256;
}

/** Keeps contents on local disk: `<root>/objects/ab/cd/<sha256>`, staging in `<root>/tmp`. */
export class LocalDiskStore implements FileStore {
  readonly #root: string;

  private constructor(root: string) {
    this.#root = root;
  }

  /**
   * Opens (creating) a store under `root`. Staged files left by an interrupted process are deleted:
   * they were never committed, so nothing refers to them.
   */
  static async open(root: string): Promise<LocalDiskStore> {
    await mkdir(join(root, 'objects'), { recursive: true });
    await rm(join(root, 'tmp'), { recursive: true, force: true });
    await mkdir(join(root, 'tmp'), { recursive: true });
    return new LocalDiskStore(root);
  }

  #objectPath(sha256: string): string {
    const key = checkKey(sha256);
    return join(this.#root, 'objects', key.slice(0, 2), key.slice(2, 4), key);
  }

  stagingPath(): string {
    return join(this.#root, 'tmp', `${randomUUID()}.part`);
  }

  async discard(stagedPath: string): Promise<void> {
    await rm(stagedPath, { force: true });
  }

  async commit(stagedPath: string, key: ContentKey): Promise<void> {
    const target = this.#objectPath(key.sha256);
    const staged = await stat(stagedPath);
    if (staged.size !== key.size) {
      await this.discard(stagedPath);
      throw new Error(`staged file has ${staged.size} bytes, expected ${key.size}`);
    }
    await mkdir(join(target, '..'), { recursive: true });
    // NOTE: rename within one file system is atomic: readers see no file or the whole file.
    // Identical content already stored is simply replaced by identical bytes.
    await rename(stagedPath, target);
  }

  read(sha256: string, range?: ByteRange): Readable {
    return createReadStream(this.#objectPath(sha256), range ? { start: range.start, end: range.end } : {});
  }

  async remove(sha256: string): Promise<void> {
    await rm(this.#objectPath(sha256), { force: true });
  }

  async has(sha256: string): Promise<boolean> {
    return stat(this.#objectPath(sha256)).then(
      (s) => s.isFile(),
      () => false,
    );
  }

  /** Names of staged (uncommitted) files: empty when no upload is in flight. */
  async staged(): Promise<string[]> {
    return readdir(join(this.#root, 'tmp'));
  }
}
