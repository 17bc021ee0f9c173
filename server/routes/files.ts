import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { TrellisError } from '../errors.ts';
import { downloadName } from '../files/names.ts';
import { userOf } from '../plugins/auth.ts';
import { IdParams, withErrors } from './schemas.ts';

/** `Content-Disposition: attachment` with an ASCII fallback name and the exact name in RFC 5987 form. */
function attachmentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * Uploading a file to a conversation (multipart, one file part) and downloading it (with ranges).
 * The upload is announced in the conversation as a message carrying the file.
 */
const fileRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  // Per-file size limits are set per request from the user's quota; these bound the rest of the form.
  await fastify.register(multipart, { limits: { files: 1, fields: 5, fieldSize: 1024, parts: 10, headerPairs: 50 } });
  fastify.addHook('preHandler', fastify.authenticate);

  fastify.post(
    '/conversations/:id/files',
    {
      schema: {
        tags: ['files'],
        summary: 'Share a file (multipart/form-data, one file part): stored, screened and announced as a message',
        consumes: ['multipart/form-data'],
        params: IdParams,
        response: withErrors({}),
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      if (!request.isMultipart()) throw new TrellisError('FILE_MISSING', 'Send multipart/form-data with one file part');
      // NOTE: access and quota are checked before a byte of the body is read.
      const conversation = await fastify.files.checkCanPost(user, request.params.id);
      const allowance = await fastify.files.uploadAllowance(user);
      const part = await request.file({ limits: { fileSize: allowance.limit }, throwFileSizeLimit: false });
      if (!part) throw new TrellisError('FILE_MISSING');
      const result = await fastify.files.upload(
        user,
        conversation,
        { filename: part.filename, stream: part.file, truncated: () => part.file.truncated },
        allowance,
      );
      return reply.code(201).send(result);
    },
  );

  fastify.get(
    '/files/:id',
    {
      schema: {
        tags: ['files'],
        summary: 'Download a file you may see (Range requests supported)',
        params: IdParams,
        headers: Type.Object({ range: Type.Optional(Type.String({ maxLength: 200 })) }),
        response: withErrors({ 206: Type.Unknown(), 416: Type.Ref('ErrorResponse') }),
      },
    },
    async (request, reply) => {
      const download = await fastify.files.download(userOf(request), request.params.id, request.headers.range).catch((error: unknown) => {
        if (error instanceof TrellisError && error.code === 'RANGE_NOT_SATISFIABLE') reply.header('content-range', `bytes */${String(error.details?.size)}`);
        throw error;
      });
      const { file, size, range } = download;
      reply
        .header('content-type', file.mimeType)
        .header('content-disposition', attachmentDisposition(downloadName(file.originalName, file.mimeType)))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cache-control', 'private, no-store')
        .header('accept-ranges', 'bytes')
        .header('etag', `"${file.sha256}"`);
      if (range) {
        reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`).header('content-length', range.end - range.start + 1);
      } else {
        reply.header('content-length', size);
      }
      return reply.send(download.open());
    },
  );
};

export default fileRoutes;
