/**
 * Files for file-sharing tests, built in code: a small real JPEG and WebP (made once with ffmpeg and
 * kept here as base64), photos with GPS EXIF added, PNGs with text chunks, a PDF with text, and
 * crafted bad files (executables, archives, scripts).
 */
import { deflateSync } from 'node:zlib';

/** A 32x32 JPEG (JFIF, with a COM segment), as ffmpeg encodes it. */
export const TINY_JPEG = Buffer.from('/9j/4AAQSkZJRgABAgAAAQABAAD//gAQTGF2YzU5LjM3LjEwMAD/2wBDAAgKCgsKCw0NDQ0NDRAPEBAQEBAQEBAQEBASEhIVFRUSEhIQEBISFBQVFRcXFxUVFRUXFxkZGR4eHBwjIyQrKzP/xACEAAEBAQEAAAAAAAAAAAAAAAAHBgUEAQADAQEBAAAAAAAAAAAAAAAFBgcIBAIQAAICAQMCBQMFAQEAAAAAAAIBEQMEEgAFIQaDQ8IiEzFRQTNxYSORQlIRAAIBAwIDCAICAwEAAAAAAAIBAxEEEgAFIQYTRIOCQyLDwTGRQRRhUYEWMv/AABEIACAAIAMBEgACEgADEgD/2gAMAwEAAhEDEQA/AIDtLirs53G0QUIgErY6EQpt1g2oZpELf/lNN/VS0cVgUcf29ww0jHzY6ybCaHUdl4V2EyYiMxKAW5aARTbjfj+CV7ICriAVZv8AfGlEv7dHx+lozYeZ4fnXR/1MXLFldGg61zcdMbaNp9OoZ5SSEqegMhqKaI20lRVJTfm7sff+3or5fk8+h1OnKvo1a9SpsOpONMToJTEuJl7zeb8jxPTtv2rlnZIoijKwtbjHH13MUc5t0o3lKJUrRNiOI1+ktMth5nh+dVPdtostihtIrEHHn1HLIybklYqNIjL8tCKQJk8RVdGObux9/wC3po5bjcDHVSpxMenXr1fFUFTKNMSwQvpL/wB3o835HieneS9u5i3tGRluV7Kwpipp5JhVUSfomZg/9r746X9v8zw/Op1vm5XuzyWkljOVsRdbJBTA6IEs4yTA8cixyF4t1XHQ7m7sff8At65e0ueoyrTxbyCrJsWqoOqVw1yy+OZ9wppsJlqSXROAPKz7+LzcDMxy020WFYPUkijRIFoISYGpExTWoW1u0jfu9BZChMG60/8ALRfVKttfXHQuw8zw/Om+flSPli5k6E5TW90IdNSU6wFFXNGxEQJPNMCST4sWuFW+c3dj7/29PeBkVZPb3BHUWoVhhU3DXvpAKrF7kn7bAIZ+jiVK3B9t90YAVHWQZChCLLQGlavz0sZQo6wp/jbXYeZ4fnUp3LZ7iSUH1IRRP7bPh/bpG3+/1XWf+bux9/7ervdZb/HdFZgTcQ1wkYgUjJE0IPJhV409ZCNWqumo3m/I8T07Qc7nsbBuTtqyPfMJCH/P72L79IneqrDzPD86iHLXKt1KuvDd2E0axq45JXRtVxacKYklSolQlXitcfN3Y+/9vUa3Hl6aUY7mC8sLiKfLEopJCYsUBMZE4UwOhjUC9S/aWrjm/I8T07gu4+ByitC35McRIm/cRqIj6/1x+dxrb/M8PzrQOzc+bbLWGK03KWSlEMcMRk+DfBKerok2+H1rv5u7H3/t682VncbLLbRSRndSS54R2glKb6aTL0tA3wdeFeCei7k8e3Lvwsekddt1jqrGUOozIBFSTQqW0pbS++1fA7W5DNoaEsephGobDKesx+mBr8ffanYeZ4fnT5vF6F1EkgkjZZcDwqqf5wM1+G9W3m7sff8At6GbVzjtMrlhgc86g6dZQjxjPNN+hSlHJwaaeQDxXCq46//Z', 'base64');
/** A 32x32 lossy WebP (a single VP8 chunk). */
export const TINY_WEBP = Buffer.from('UklGRgYCAABXRUJQVlA4IPoBAACwDACdASogACAAPpE8mkglo6KhKA1QsBIJbACdM1o5n4B+M37AcYF3AyQPkC+o/k7/YN4A/o35AcAD9O/Xj6QDzAP6B7AH6k9NF7Dn7G/sz7PV2lfQGKgTeXx9ZnJfm6Ts4aAOZH936veld3o4AAD+/qCfAF3P84I2gYPgipesL/YwSfZm3xoLp7r3/qdY/PE11NI8RufKQcVvlbh5Ciqz8NHC0TmGYSZKpFhLqk0kpc8twB5HClQH35vLVXf8/xGv/6RJ7B5aI84bz1FlmqepYHN30nCB9srpL/zXBQdYKZUG3QWtSmbC1b/FEgWIc2V8aSCJ3ynnD4Dz+qzZtAW8lZQdsYYajae/CVs/DJbBJC6G7dD9KxmISY7dHFbgbYnloj9lf9XMfIkr42duReOmvm8JujF/7TpvnlufpFfH/j/J3+BC/+dTSQCe61lUj7nJ/4uE3EGLj7rbB2/Di7q5yzqbO26MBJ5O4v5ZPr1vosQsJQx//g7GaFBpRg0nr0N4W0q5ukQKX2X4sXg0mPmQeMjI8wjnaUNOC9DAWXKKoim9DQv/b3x/77+ahZDdcjEgVUz6lKuA/P3tHfZLyKrLfo3/mhXeA+aoAcnvUG69U06CT+YzL0lUplnSJAZ//KqBbKJf/8wKLd8UID3+dvsc8yN3zNpOREAAAA==', 'base64');

/** The GPS position written into test photos, as it appears in the EXIF bytes. */
export const GPS_MARKER = 'GPS-TEST-PLACE';

/** A TIFF/EXIF block with a camera model, GPS latitude/longitude (52.37 N, 4.89 E) and a marker string. */
export function exifWithGps(): Buffer {
  // Little-endian TIFF: header, IFD0 (Model, GPS pointer), GPS IFD (lat/long refs and values, area info).
  const b = Buffer.alloc(220);
  b.write('II', 0, 'latin1');
  b.writeUInt16LE(42, 2);
  b.writeUInt32LE(8, 4);
  let p = 8;
  const entry = (tag: number, type: number, count: number, value: number) => {
    b.writeUInt16LE(tag, p);
    b.writeUInt16LE(type, p + 2);
    b.writeUInt32LE(count, p + 4);
    b.writeUInt32LE(value, p + 8);
    p += 12;
  };
  b.writeUInt16LE(2, p);
  p += 2;
  entry(0x0110, 2, 12, 120); // Model -> offset 120
  entry(0x8825, 4, 1, 38); // GPS IFD at 38
  b.writeUInt32LE(0, p);
  p = 38;
  b.writeUInt16LE(5, p);
  p += 2;
  entry(0x0001, 2, 2, 0x4e); // GPSLatitudeRef "N"
  entry(0x0002, 5, 3, 140); // GPSLatitude -> 140
  entry(0x0003, 2, 2, 0x45); // GPSLongitudeRef "E"
  entry(0x0004, 5, 3, 164); // GPSLongitude -> 164
  entry(0x001c, 7, GPS_MARKER.length, 188); // GPSAreaInformation -> 188
  b.writeUInt32LE(0, p);
  b.write('TestCam 3000', 120, 'latin1');
  const rational = (at: number, values: [number, number][]) =>
    values.forEach(([n, d], i) => {
      b.writeUInt32LE(n, at + i * 8);
      b.writeUInt32LE(d, at + i * 8 + 4);
    });
  rational(140, [[52, 1], [22, 1], [1200, 100]]);
  rational(164, [[4, 1], [53, 1], [3000, 100]]);
  b.write(GPS_MARKER, 188, 'latin1');
  return b;
}

/** A JPEG segment: marker, big-endian length, payload. */
function jpegSegment(marker: number, payload: Buffer): Buffer {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

/**
 * A photo as a phone writes it: an APP1 EXIF segment with GPS right after SOI, an XMP APP1, and a
 * second image with its own EXIF appended after the end-of-image marker.
 */
export function jpegWithGps(): Buffer {
  const exif = jpegSegment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), exifWithGps()]));
  const xmp = jpegSegment(0xe1, Buffer.from(`http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><exif:GPSLatitude>${GPS_MARKER}</exif:GPSLatitude></x:xmpmeta>`, 'latin1'));
  const trailer = Buffer.concat([TINY_JPEG.subarray(0, 2), exif, TINY_JPEG.subarray(2)]);
  return Buffer.concat([TINY_JPEG.subarray(0, 2), exif, xmp, TINY_JPEG.subarray(2), trailer]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return ~crc >>> 0;
}

/** An 8x8 grey PNG with eXIf (GPS) and tEXt chunks. */
export function pngWithMetadata(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(8, 0);
  header.writeUInt32BE(8, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  const rows = Buffer.alloc(8 * 9, 0x80);
  for (let y = 0; y < 8; y++) rows[y * 9] = 0; // filter byte per row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('eXIf', exifWithGps()),
    pngChunk('tEXt', Buffer.from(`Comment\0${GPS_MARKER}`, 'latin1')),
    pngChunk('IDAT', deflateSync(rows)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function riffChunk(fourcc: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.write(fourcc, 0, 'latin1');
  head.writeUInt32LE(data.length, 4);
  return Buffer.concat([head, data, data.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

/** The tiny WebP in extended form (VP8X) with EXIF and XMP chunks. */
export function webpWithGps(): Buffer {
  const vp8x = Buffer.alloc(10);
  vp8x[0] = 0x08 | 0x04; // EXIF and XMP present
  vp8x.writeUIntLE(31, 4, 3); // width - 1
  vp8x.writeUIntLE(31, 7, 3); // height - 1
  const body = Buffer.concat([
    Buffer.from('WEBP', 'latin1'),
    riffChunk('VP8X', vp8x),
    TINY_WEBP.subarray(12),
    riffChunk('EXIF', exifWithGps()),
    riffChunk('XMP ', Buffer.from(`<x:xmpmeta>${GPS_MARKER}</x:xmpmeta>`, 'latin1')),
  ]);
  const head = Buffer.alloc(8);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
}

/** A one-page PDF whose page shows `text` (ASCII). */
export function pdfWithText(text: string): Buffer {
  const stream = `BT /F1 12 Tf 72 720 Td (${text.replace(/[()\\]/g, '')}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` + offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** The start of a 64-bit ELF executable (what file-type and the kernel recognise), padded. */
export function elfExecutable(): Buffer {
  const b = Buffer.alloc(4096);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]).copy(b);
  b.writeUInt16LE(2, 16); // ET_EXEC
  b.writeUInt16LE(0x3e, 18); // x86-64
  return b;
}

/** A DOS/Windows program header (MZ ... PE). */
export function windowsExecutable(): Buffer {
  const b = Buffer.alloc(4096);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'latin1');
  return b;
}

/** A ZIP archive with one stored file. */
export function zipArchive(): Buffer {
  const name = Buffer.from('a.txt');
  const data = Buffer.from('hello');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(10, 4);
  local.writeUInt32LE(crc32(data), 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(10, 4);
  central.writeUInt16LE(10, 6);
  central.writeUInt32LE(crc32(data), 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + name.length, 12);
  end.writeUInt32LE(30 + name.length + data.length, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}

/** Uploads bytes as a multipart file part; returns status and parsed body. */
export async function upload(
  baseUrl: string,
  token: string,
  conversationId: string,
  name: string,
  bytes: Buffer,
  type = 'application/octet-stream',
  // any: tests read fields of success and error bodies alike.
): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  const response = await fetch(`${baseUrl}/conversations/${conversationId}/files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return { status: response.status, body: await response.json() };
}
