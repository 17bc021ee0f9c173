import t from 'tap';
import { fileApp } from './support/file-app.ts';
import { elfExecutable, GPS_MARKER, jpegWithGps, pdfWithText, pngWithMetadata, upload, webpWithGps, windowsExecutable, zipArchive } from './support/files.ts';

/** The JPEG markers before the first scan, and whether the bytes end with end-of-image. */
function jpegMarkers(bytes: Buffer): number[] {
  const markers: number[] = [];
  for (let p = 2; p < bytes.length; ) {
    const marker = bytes[p + 1] as number;
    markers.push(marker);
    if (marker === 0xda) break;
    p += 2 + bytes.readUInt16BE(p + 2);
  }
  return markers;
}

t.test('content decides the type: renamed executables, scripts and archives are refused', async (t) => {
  const f = await fileApp(t);
  const cases: [string, Buffer, string][] = [
    ['cv.pdf', elfExecutable(), 'FILE_EXECUTABLE'],
    ['holiday.jpg', windowsExecutable(), 'FILE_EXECUTABLE'],
    ['notes.txt', Buffer.from('#!/bin/sh\nrm -rf ~\n'), 'FILE_SCRIPT'],
    ['install.sh', Buffer.from('echo hello\n'), 'FILE_SCRIPT'],
    ['page.html', Buffer.from('<html><script>alert(1)</script></html>'), 'FILE_SCRIPT'],
    ['essay.docx', zipArchive(), 'FILE_ARCHIVE'],
    ['data.bin', Buffer.from([0, 1, 2, 3, 255, 254, 0, 0]), 'FILE_TYPE_NOT_ALLOWED'],
  ];
  for (const [name, bytes, code] of cases) {
    const response = await upload(f.baseUrl, f.ava.token, f.conversationId, name, bytes);
    t.equal(response.status, 415, `${name} refused`);
    t.equal(response.body.error.code, code, `${name}: ${code}`);
  }
  t.same(f.stored(), [], 'nothing refused was stored');
  t.same(f.staged(), []);
  t.equal(await f.app.db.prisma.storedFile.count(), 0, 'no rows');
});

t.test('client names never reach the disk and are kept sanitised', async (t) => {
  const f = await fileApp(t);
  const up = await upload(f.baseUrl, f.ava.token, f.conversationId, '../../../etc/passwd.txt', Buffer.from('just text'));
  t.equal(up.status, 201, JSON.stringify(up.body));
  t.equal(up.body.file.name, 'passwd.txt');
  const evil = await upload(f.baseUrl, f.ava.token, f.conversationId, '..\\..\\cv\u202Etxt.exe', Buffer.from('more text'));
  t.equal(evil.status, 201);
  t.equal(evil.body.file.name, 'cvtxt.exe', 'path parts and bidi overrides are gone');
  const stored = f.stored();
  t.equal(stored.length, 2);
  for (const path of stored) t.match(path, /objects\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/, 'stored under its hash');
  const down = await f.download(f.maya.token, up.body.file.id);
  t.match(down.headers.get('content-disposition'), /filename="passwd.txt"/);
  const exe = await f.download(f.maya.token, evil.body.file.id);
  t.match(exe.headers.get('content-disposition'), /filename="cvtxt.exe.txt"/, 'offered with the extension of its real type');
  t.equal(exe.headers.get('content-type'), 'text/plain');
});

t.test('image metadata, GPS included, is gone from downloaded photos', async (t) => {
  const f = await fileApp(t);
  const photos: [string, Buffer, string][] = [
    ['photo.jpg', jpegWithGps(), 'image/jpeg'],
    ['screenshot.png', pngWithMetadata(), 'image/png'],
    ['sticker.webp', webpWithGps(), 'image/webp'],
  ];
  for (const [name, bytes, mimeType] of photos) {
    t.ok(bytes.includes(GPS_MARKER), `${name} carries GPS before upload`);
    const up = await upload(f.baseUrl, f.ava.token, f.conversationId, name, bytes);
    t.equal(up.status, 201, JSON.stringify(up.body));
    t.equal(up.body.file.mimeType, mimeType);
    const down = Buffer.from(await (await f.download(f.maya.token, up.body.file.id)).arrayBuffer());
    t.notOk(down.includes(GPS_MARKER), `${name}: no GPS data`);
    t.notOk(down.includes('Exif'), `${name}: no EXIF`);
    t.notOk(down.includes('TestCam'), `${name}: no camera model`);
    t.ok(down.length < bytes.length, `${name}: smaller`);
    if (mimeType === 'image/jpeg') {
      const markers = jpegMarkers(down);
      t.notOk(markers.includes(0xe1), 'no APP1 segment');
      t.notOk(markers.includes(0xfe), 'no comment segment');
      t.ok(markers.includes(0xe0), 'JFIF header kept');
      t.same([...down.subarray(-2)], [0xff, 0xd9], 'ends at end-of-image (appended images dropped)');
    }
    if (mimeType === 'image/webp') {
      t.equal(down.readUInt32LE(4), down.length - 8, 'RIFF size rewritten');
      t.equal((down[20] as number) & 0x0c, 0, 'VP8X metadata flags cleared');
    }
  }
});

t.test('a broken image is refused rather than stored with its metadata', async (t) => {
  const f = await fileApp(t);
  const broken = jpegWithGps().subarray(0, 400);
  const response = await upload(f.baseUrl, f.ava.token, f.conversationId, 'photo.jpg', broken);
  t.equal(response.status, 422);
  t.equal(response.body.error.code, 'FILE_MALFORMED');
  t.same(f.stored(), []);
});

t.test('a program allow-list narrows the types', async (t) => {
  const f = await fileApp(t);
  const program = await f.app.db.prisma.user.findFirstOrThrow({ where: { id: f.ava.userId }, select: { programId: true } });
  await f.app.db.prisma.program.update({ where: { id: program.programId! }, data: { fileTypes: ['pdf'] } });
  const image = await upload(f.baseUrl, f.ava.token, f.conversationId, 'photo.png', pngWithMetadata());
  t.equal(image.status, 415);
  t.equal(image.body.error.code, 'FILE_TYPE_NOT_ALLOWED');
  const pdf = await upload(f.baseUrl, f.ava.token, f.conversationId, 'cv.pdf', pdfWithText('hello'));
  t.equal(pdf.status, 201);
});
