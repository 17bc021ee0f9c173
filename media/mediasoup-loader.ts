import type * as Mediasoup from 'mediasoup';

/** The mediasoup module, as returned by `import('mediasoup')`. */
export type MediasoupModule = typeof Mediasoup;

/**
 * Loads mediasoup so that its workers run `workerBin`.
 *
 * NOTE: mediasoup 3.19 reads MEDIASOUP_WORKER_BIN once, when its module is first loaded
 * (node/lib/Worker.js computes `workerBin` at import time), and offers no per-worker option. So the
 * variable is set here before the first (dynamic) import, and media code must only `import type` from
 * 'mediasoup'. If mediasoup was already loaded with another binary this fails instead of silently
 * running the wrong one.
 */
export async function loadMediasoup(workerBin: string): Promise<MediasoupModule> {
  process.env.MEDIASOUP_WORKER_BIN = workerBin;
  const mediasoup = await import('mediasoup');
  if (mediasoup.workerBin !== workerBin) {
    throw new Error(
      `mediasoup was loaded before its worker binary was chosen (it uses ${mediasoup.workerBin}, wanted ${workerBin}); ` +
        `import mediasoup only through media/mediasoup-loader.ts or set MEDIASOUP_WORKER_BIN before start-up`,
    );
  }
  return mediasoup;
}
