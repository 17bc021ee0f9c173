/**
 * Smoke check of a mediasoup-worker binary: starts a worker from MEDIASOUP_WORKER_BIN (set by the caller
 * before mediasoup is loaded), creates a router, a WebRTC transport and a VP8 producer/consumer pair
 * over a PlainTransport, then closes. Exits non-zero on any failure. Used by scripts/ensure-mediasoup-worker.sh.
 */
import { createWorker, workerBin } from 'mediasoup';

const worker = await createWorker({ logLevel: 'warn' });
try {
  const router = await worker.createRouter({
    mediaCodecs: [
      { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
      { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
    ],
  });
  const webRtc = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
  const plain = await router.createPlainTransport({
    listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
    comedia: true,
    enableSrtp: true,
  });
  const producer = await plain.produce({
    kind: 'video',
    rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc: 1111 }] },
  });
  await webRtc.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
  console.log(`ok ${workerBin} pid ${worker.pid}`);
} finally {
  worker.close();
}
