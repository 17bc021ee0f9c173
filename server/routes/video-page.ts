import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';

const PAGE_SOURCE = fileURLToPath(new URL('../../media/browser/session-page.ts', import.meta.url));

const HTML_HEAD = `<!doctype html><meta charset="utf-8"><title>Trellis video</title>
<style>body{font-family:sans-serif;margin:2rem}#stage{display:flex;flex-wrap:wrap;gap:1rem}video{width:320px;background:#222}button{display:block;margin:.3rem 0}</style>
<h1>Trellis video session</h1>
<form id="login"><input name="email" placeholder="email" size="30"> <input name="password" type="password" placeholder="password"> <button>Log in</button></form>
<p id="status"></p><div id="rooms"></div><div id="stage"></div>`;

/**
 * `GET /video`: a page to join a mentorship's video room from a browser (log in, pick the mentorship).
 * The page's script is bundled once, on the first request, from `media/browser/session-page.ts`.
 */
const videoPageRoute: FastifyPluginAsync = async (fastify) => {
  let page: Promise<string> | undefined;
  const bundle = async (): Promise<string> => {
    const { build } = await import('esbuild');
    const result = await build({ entryPoints: [PAGE_SOURCE], bundle: true, write: false, format: 'iife', platform: 'browser', target: 'es2022' });
    const script = result.outputFiles[0]?.text ?? '';
    return `${HTML_HEAD}<script>${script.replaceAll('</script', '<\\/script')}</script>`;
  };
  fastify.get('/video', { schema: { hide: true } }, async (_request, reply) => {
    page ??= bundle().catch((error: unknown) => {
      page = undefined;
      throw error;
    });
    return reply.type('text/html; charset=utf-8').send(await page);
  });
};

export default videoPageRoute;
