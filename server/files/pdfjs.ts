/**
 * pdf.js for Node (its legacy build: the one that runs on Node 20) without the price its polyfills
 * put on the whole process. Its bundled core-js replaces `JSON.stringify` and `JSON.parse` (Node 20
 * lacks `JSON.rawJSON`) and `Array.prototype.push` with versions written in JavaScript, several
 * times slower, that every request, socket frame and query of the node would then pay. pdf.js needs
 * none of the three: the built-ins are put back once it is loaded (what it adds stays).
 *
 * Source maps (on under tsx) are off while it loads: Node would otherwise keep pdf.js's map and
 * parse it into some 870,000 arrays at the first stack trace through it, about 50 MB of heap that
 * every full garbage collection of the node then has to mark. Its stack frames name its own lines.
 */
const builtIns = { stringify: JSON.stringify, parse: JSON.parse, push: Array.prototype.push };
const sourceMaps = process.sourceMapsEnabled;
process.setSourceMapsEnabled(false);
const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs').finally(() => process.setSourceMapsEnabled(sourceMaps));
JSON.stringify = builtIns.stringify;
JSON.parse = builtIns.parse;
Array.prototype.push = builtIns.push;

/** pdf.js's document loader. */
export const { getDocument } = pdfjs;
