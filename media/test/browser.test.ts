/**
 * End to end through the Trellis socket: headless Chromium pages with fake cameras run
 * media/browser/test-page.ts (mediasoup-client), join one room and receive each other's video.
 */
import { build as bundle } from 'esbuild';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import t, { type Test } from 'tap';
import { build, login } from '../../test/support/app.ts';
import type { VideoAuditEvent } from '../access.ts';
import { VideoService } from '../signalling.ts';
import { eventually } from '../testing/eventually.ts';
import { TableAccess, type FakeMentorship } from './helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'];

async function testPageScript(): Promise<string> {
  const result = await bundle({
    entryPoints: [fileURLToPath(new URL('../browser/test-page.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error('esbuild produced no bundle');
  return output.text;
}

/**
 * Serves the test page on a loopback port. NOTE: it must be a real loopback server: Chromium's local
 * network access checks block a page of unknown address (e.g. one Playwright fulfils) from opening a
 * WebSocket to 127.0.0.1; and http://127.0.0.1 is a secure context, which getUserMedia needs.
 */
async function servePage(t: Test, script: string): Promise<string> {
  const html = `<!doctype html><title>Trellis video test</title><script>${script.replaceAll('</script', '<\\/script')}</script>`;
  const server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(html));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

async function openPage(browser: Browser, pageUrl: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(pageUrl);
  return page;
}

t.test('participants with fake cameras receive each other through the Trellis socket', async (t) => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/ensure-mediasoup-worker.sh --test-tools`);
  // The test's double of the server's database-backed policy, filled once the demo users are known.
  const mentorships: Record<string, FakeMentorship> = {};
  const audit: VideoAuditEvent[] = [];
  const video = await VideoService.create({
    numWorkers: 1,
    listenIp: '127.0.0.1',
    access: new TableAccess(mentorships),
    audit: (event) => audit.push(event),
    logger: pino({ level: 'error' }),
  });
  t.teardown(() => video.close());
  const { app, wsUrl } = await build(t, { video });
  const [mentor, liam, sofia, coordinator, eli] = await Promise.all(['priya', 'liam', 'sofia', 'coordinator', 'eli'].map((key) => login(app, key)));
  if (!mentor || !liam || !sofia || !coordinator || !eli) throw new Error('demo accounts missing');
  mentorships.robotics = { host: mentor.userId, participants: [liam.userId, sofia.userId], observers: [coordinator.userId], maxParticipants: 4 };

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  t.teardown(() => browser.close());
  const pageUrl = await servePage(t, await testPageScript());
  const join = async (token: string, camera: boolean) => {
    const page = await openPage(browser, pageUrl);
    const url = `${wsUrl}?token=${encodeURIComponent(token)}`;
    return { page, joined: await page.evaluate(([u, c]) => window.trellisVideo.join(u, 'robotics', c), [url, camera] as const) };
  };

  const participants = await Promise.all([mentor, liam, sofia].map((user) => join(user.token, true)));
  t.same(participants.map((p) => p.joined), [{ as: 'host' }, { as: 'participant' }, { as: 'participant' }]);
  const ids = [mentor.userId, liam.userId, sofia.userId];
  for (const [index, { page }] of participants.entries()) {
    const others = ids.filter((_, i) => i !== index);
    const frames = await eventually(
      `participant ${index} to decode video from the two others`,
      async () => {
        const decoded = await page.evaluate(() => window.trellisVideo.framesDecoded());
        return others.every((id) => (decoded[id] ?? 0) > 0) ? decoded : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    t.ok(others.every((id) => (frames[id] ?? 0) > 0), `participant ${index} decodes frames from both others`);
    t.same(await page.evaluate(() => window.trellisVideo.errors()), []);
  }

  const stranger = await join(eli.token, true);
  t.same(stranger.joined, { errorCode: 'VIDEO_NOT_ALLOWED' }, 'a non-member is refused');

  const observer = await join(coordinator.token, false);
  t.same(observer.joined, { as: 'observer' });
  await eventually(
    'the observer to decode video from the three participants',
    async () => {
      const decoded = await observer.page.evaluate(() => window.trellisVideo.framesDecoded());
      return ids.every((id) => (decoded[id] ?? 0) > 0);
    },
    { timeoutMs: 30_000, intervalMs: 250 },
  );
  t.equal(await observer.page.evaluate(() => window.trellisVideo.tryProduce()), 'VIDEO_OBSERVER_CANNOT_PRODUCE');
  t.equal(audit.filter((e) => e.type === 'video.produced').length, 3, 'each participant\'s camera is audited');
  t.ok(audit.some((e) => e.type === 'video.refused' && e.userId === eli.userId), 'the refusal is audited');
});
