import { EventEmitter } from 'node:events';
import type { types as ms } from 'mediasoup';
import { ROUTER_MEDIA_CODECS, resolveMediaConfig, type MediaConfig } from './config.ts';
import { VideoError, VideoErrorCode } from './errors.ts';
import type { MediaLogger } from './logger.ts';
import { loadMediasoup, type MediasoupModule } from './mediasoup-loader.ts';
import { resolveWorkerBinary } from './worker-binary.ts';

/** Options of WorkerPool.create: the worker part of MediaConfig, and a logger. */
export type WorkerPoolOptions = Pick<MediaConfig, 'workerBin' | 'numWorkers' | 'logLevel' | 'rtcMinPort' | 'rtcMaxPort'> & {
  /** Where worker starts, deaths and replacements are logged. */
  logger: MediaLogger;
  /** Delay before retrying a failed replacement of a dead worker; default 1000 ms. */
  replaceRetryMs?: number;
};

/** A router created by the pool, with the pid of the worker that hosts it. */
export interface PooledRouter {
  /** The mediasoup router; it emits `workerclose` if its worker dies. */
  router: ms.Router;
  /** pid of the hosting mediasoup-worker process. */
  workerPid: number;
}

/** Events of a WorkerPool. */
export interface WorkerPoolEvents {
  /** A worker process died; its routers (and so its rooms) are closed, a replacement is starting. */
  workerDied: [pid: number];
  /** A replacement worker is running. */
  workerReplaced: [deadPid: number, newPid: number];
  /** The pool was closed. */
  closed: [];
}

interface Slot {
  worker: ms.Worker;
  routers: number;
}

/**
 * A fixed number of mediasoup workers (one per core by default). Routers go to the worker hosting the
 * fewest. A worker that dies is noticed, dropped and replaced; its routers emit `workerclose`, which is
 * how rooms learn they are gone.
 */
export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  readonly #mediasoup: MediasoupModule;
  readonly #settings: ms.WorkerSettings;
  readonly #logger: MediaLogger;
  readonly #replaceRetryMs: number;
  readonly #slots: Slot[] = [];
  readonly #replacing = new Set<Promise<void>>();
  #closed = false;

  private constructor(mediasoup: MediasoupModule, settings: ms.WorkerSettings, logger: MediaLogger, replaceRetryMs: number) {
    super();
    this.#mediasoup = mediasoup;
    this.#settings = settings;
    this.#logger = logger;
    this.#replaceRetryMs = replaceRetryMs;
  }

  /** Starts the workers; rejects (and stops any started worker) if one fails to start. */
  static async create(options: WorkerPoolOptions): Promise<WorkerPool> {
    const config = resolveMediaConfig(options);
    const mediasoup = await loadMediasoup(config.workerBin ?? resolveWorkerBinary());
    const settings: ms.WorkerSettings = {
      logLevel: config.logLevel,
      rtcMinPort: config.rtcMinPort,
      rtcMaxPort: config.rtcMaxPort,
    };
    const pool = new WorkerPool(mediasoup, settings, options.logger, options.replaceRetryMs ?? 1000);
    try {
      await Promise.all(Array.from({ length: config.numWorkers }, () => pool.#startWorker()));
    } catch (error) {
      pool.close();
      throw error;
    }
    return pool;
  }

  /** pids of the live workers. */
  get workerPids(): number[] {
    return this.#slots.map((slot) => slot.worker.pid);
  }

  /** Whether close() was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** CPU and memory usage of a live worker, by pid (undefined if no such live worker). */
  async resourceUsage(pid: number): Promise<ms.WorkerResourceUsage | undefined> {
    return this.#slots.find((slot) => slot.worker.pid === pid)?.worker.getResourceUsage();
  }

  /**
   * Creates a router with Trellis' codecs on the least busy worker. If every worker is dead and being
   * replaced, waits for a replacement; throws VIDEO_UNAVAILABLE if none can be had.
   */
  async createRouter(appData: ms.AppData = {}): Promise<PooledRouter> {
    if (this.#slots.length === 0 && this.#replacing.size > 0) await Promise.race(this.#replacing);
    const slot = this.#slots.reduce<Slot | undefined>((best, s) => (best && best.routers <= s.routers ? best : s), undefined);
    if (this.#closed || !slot) throw new VideoError(VideoErrorCode.UNAVAILABLE, 'no media worker is available');
    slot.routers += 1;
    try {
      const router = await slot.worker.createRouter({ mediaCodecs: ROUTER_MEDIA_CODECS, appData });
      router.observer.once('close', () => {
        slot.routers -= 1;
      });
      return { router, workerPid: slot.worker.pid };
    } catch (error) {
      slot.routers -= 1;
      throw error;
    }
  }

  /** Stops every worker (their routers close). Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const slot of this.#slots.splice(0)) slot.worker.close();
    this.emit('closed');
  }

  async #startWorker(): Promise<number> {
    const worker = await this.#mediasoup.createWorker(this.#settings);
    if (this.#closed) {
      worker.close();
      throw new VideoError(VideoErrorCode.UNAVAILABLE, 'media worker pool closed');
    }
    const slot: Slot = { worker, routers: 0 };
    this.#slots.push(slot);
    worker.once('died', (error) => this.#onDied(slot, error));
    this.#logger.info({ pid: worker.pid }, 'media worker started');
    return worker.pid;
  }

  #onDied(slot: Slot, error: Error): void {
    const index = this.#slots.indexOf(slot);
    if (index >= 0) this.#slots.splice(index, 1);
    const deadPid = slot.worker.pid;
    this.#logger.error({ pid: deadPid, err: error }, 'media worker died; its rooms are closed and it is being replaced');
    this.emit('workerDied', deadPid);
    this.#replace(deadPid);
  }

  #replace(deadPid: number): void {
    if (this.#closed) return;
    const attempt: Promise<void> = this.#startWorker().then(
      (newPid) => {
        this.emit('workerReplaced', deadPid, newPid);
      },
      (error: unknown) => {
        if (this.#closed) return;
        this.#logger.error({ deadPid, err: error }, 'could not replace a dead media worker; retrying');
        setTimeout(() => this.#replace(deadPid), this.#replaceRetryMs).unref();
      },
    );
    this.#replacing.add(attempt);
    void attempt.finally(() => this.#replacing.delete(attempt));
  }
}
