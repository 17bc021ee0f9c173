/**
 * pdf.js is loaded with source maps off (see `server/files/pdfjs.ts`): its 2.4 MB map would
 * otherwise be parsed into the node's heap at the first stack trace through it.
 */
import t from 'tap';

t.test('a stack through pdf.js names its own lines, and source maps stay on for the rest', async (t) => {
  process.setSourceMapsEnabled(true);
  const { getDocument } = await import('../server/files/pdfjs.ts');
  t.equal(process.sourceMapsEnabled, true, 'source maps are on again once pdf.js is loaded');
  const error = await getDocument({ data: new Uint8Array([1, 2, 3]) }).promise.then(
    () => null,
    (failure: Error) => failure,
  );
  t.ok(error, 'a document that is not a PDF is refused');
  const frames = String(error?.stack).split('\n').slice(1);
  t.ok(frames.some((frame) => frame.includes('pdfjs-dist/legacy/build/pdf.mjs')), 'pdf.js frames name its build file');
  t.notOk(frames.some((frame) => /\/src\/(display|shared|core)\//.test(frame)), 'no frame is mapped back to pdf.js sources');
});
