/**
 * Entry of the end-to-end test page (bundled by esbuild in media/test/browser.test.ts): exposes
 * `window.trellisVideo` for Playwright to drive one participant.
 */
import { TrellisVideoClient, VideoRequestError } from './video-client.ts';

/** What the end-to-end test calls in the page. */
export interface TestPageApi {
  /** Connects to the Trellis socket at `url` and joins `roomId`, sending the fake camera if `camera`. */
  join(url: string, roomId: string, camera: boolean): Promise<{ as: string } | { errorCode: string }>;
  /** Video frames decoded so far from each other user, by user id. */
  framesDecoded(): Promise<Record<string, number>>;
  /** Tries to send the fake camera; resolves 'ok' or the error code. */
  tryProduce(): Promise<string>;
  /** Failures of background work in the client. */
  errors(): string[];
}

declare global {
  interface Window {
    /** Set by this page. */
    trellisVideo: TestPageApi;
  }
}

let client: TrellisVideoClient | undefined;

async function camera(): Promise<MediaStream> {
  return navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240, frameRate: 15 }, audio: false });
}

function errorCode(error: unknown): string {
  if (error instanceof VideoRequestError) return error.code;
  throw error;
}

window.trellisVideo = {
  async join(url, roomId, withCamera) {
    client = await TrellisVideoClient.connect(url);
    try {
      const joined = await client.join(roomId, withCamera ? await camera() : undefined);
      return { as: joined.as };
    } catch (error) {
      return { errorCode: errorCode(error) };
    }
  },
  async framesDecoded() {
    const frames: Record<string, number> = {};
    for (const { userId, consumer } of client?.remote.values() ?? []) {
      (await consumer.getStats()).forEach((stat: { type: string; kind?: string; framesDecoded?: number }) => {
        if (stat.type === 'inbound-rtp' && stat.kind === 'video') frames[userId] = (frames[userId] ?? 0) + (stat.framesDecoded ?? 0);
      });
    }
    return frames;
  },
  async tryProduce() {
    const [track] = (await camera()).getVideoTracks();
    if (!client || !track) return 'no client or no camera';
    try {
      await client.produce(track);
      return 'ok';
    } catch (error) {
      return errorCode(error);
    }
  },
  errors: () => client?.errors ?? [],
};
