import { join } from 'node:path';
import fp from 'fastify-plugin';
import { FileService } from '../files/file-service.ts';
import { LocalDiskStore } from '../files/storage.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Shares and serves files in conversations. */
    files: FileService;
  }
}

/** Wires the file store (local disk under DATA_DIR/files) and the file service. */
export default fp(
  async (fastify) => {
    const { config } = fastify;
    const store = await LocalDiskStore.open(join(config.DATA_DIR, 'files'));
    fastify.decorate(
      'files',
      new FileService({
        prisma: fastify.db.prisma,
        store,
        messages: fastify.messages,
        limits: {
          maxFileBytes: config.FILE_MAX_BYTES,
          quotaBytes: config.FILE_QUOTA_BYTES,
          defaultAllowList: config.FILE_ALLOWED_TYPES,
          maxChars: config.FILE_TEXT_SCREEN_CHARS,
          maxPages: config.FILE_PDF_MAX_PAGES,
        },
      }),
    );
  },
  { name: 'files', dependencies: ['database', 'messaging'] },
);
