/**
 * Loading the server leaves the built-ins every request, frame and query uses as they were: pdf.js's
 * polyfills replace some with slower JavaScript versions (see `server/files/pdfjs.ts`).
 */
import t from 'tap';

t.test('JSON and Array.prototype.push are still the built-ins once the server is loaded', async (t) => {
  const builtIns = { stringify: JSON.stringify, parse: JSON.parse, push: Array.prototype.push };
  await import('../server/app.ts');
  t.equal(JSON.stringify, builtIns.stringify);
  t.equal(JSON.parse, builtIns.parse);
  t.equal(Array.prototype.push, builtIns.push);
});
