/**
 * The node's Prometheus metrics: one registry per app (never prom-client's global one, so two apps in
 * one process do not collide) and typed instruments that the transport-free core receives as an
 * optional dependency. Whoever knows an event counts it: the hub counts connections, the connection
 * counts frames in and out, the message service counts verdicts and times its stages.
 */
import type { ScreeningResult } from '../../moderation/types.ts';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets in seconds, from 0.1 ms to 5 s. */
const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The metrics of one Trellis node. */
export interface TrellisMetrics {
  /** The registry `/metrics` serialises. */
  readonly registry: Registry;
  /** Open authenticated sockets on this node. */
  readonly connections: Gauge<never>;
  /** Client frames received, by frame type (`send`, `resume`, ...). */
  readonly framesIn: Counter<'type'>;
  /** Messages accepted for sending on this node, by outcome (`ack` or an error code). */
  readonly messagesIn: Counter<'outcome'>;
  /**
   * Message frames written to this node's sockets (live deliveries and catch-up). Counted once per
   * socket write, the hottest count, so a write is a plain addition that reaches the Prometheus
   * counter (`trellis_messages_out_total`) when the registry is read.
   */
  readonly messagesOut: { add(path: 'live' | 'catch_up', frames?: number): void };
  /** Screening verdicts, by action. */
  readonly verdicts: Counter<'action'>;
  /** Categories found by screening, by the verdict's action and the category. */
  readonly verdictCategories: Counter<'action' | 'category'>;
  /** Seconds spent in each stage of a send (access, idempotency, screen, store, publish, total). */
  readonly sendStageSeconds: Histogram<'stage'>;
  /** Seconds each screening stage took, from the screener's own timings. */
  readonly screeningStageSeconds: Histogram<'stage' | 'outcome'>;
  /** Work waiting in in-process queues (`sends`: socket sends not yet acknowledged). */
  readonly queueDepth: Gauge<'queue'>;
  /** Open SFU rooms on this node (set by the video service). */
  readonly sfuRooms: Gauge<never>;
  /** Open SFU consumers on this node (set by the video service). */
  readonly sfuConsumers: Gauge<never>;
}

/** Creates a fresh registry with Trellis's instruments and the process's default metrics. */
export function createMetrics(options: { nodeId?: string } = {}): TrellisMetrics {
  const registry = new Registry();
  if (options.nodeId) registry.setDefaultLabels({ node: options.nodeId });
  collectDefaultMetrics({ register: registry, prefix: 'trellis_' });
  const registers = [registry];
  const framesOut = { live: 0, catch_up: 0 };
  new Counter({
    name: 'trellis_messages_out_total',
    help: 'Message frames written to sockets, by path (live or catch_up)',
    labelNames: ['path'],
    registers,
    collect() {
      for (const path of ['live', 'catch_up'] as const) {
        if (framesOut[path] > 0) this.inc({ path }, framesOut[path]);
        framesOut[path] = 0;
      }
    },
  });
  return {
    registry,
    connections: new Gauge({ name: 'trellis_connections', help: 'Open authenticated sockets on this node', registers }),
    framesIn: new Counter({ name: 'trellis_frames_in_total', help: 'Client frames received, by type', labelNames: ['type'], registers }),
    messagesIn: new Counter({
      name: 'trellis_messages_in_total',
      help: 'Messages clients sent to this node, by outcome (ack or error code)',
      labelNames: ['outcome'],
      registers,
    }),
    messagesOut: {
      add: (path, frames = 1) => {
        framesOut[path] += frames;
      },
    },
    verdicts: new Counter({ name: 'trellis_verdicts_total', help: 'Screening verdicts by action', labelNames: ['action'], registers }),
    verdictCategories: new Counter({
      name: 'trellis_verdict_categories_total',
      help: 'Categories found by screening, by verdict action and category',
      labelNames: ['action', 'category'],
      registers,
    }),
    sendStageSeconds: new Histogram({
      name: 'trellis_send_stage_seconds',
      help: 'Time spent in each stage of sending a message',
      labelNames: ['stage'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    screeningStageSeconds: new Histogram({
      name: 'trellis_screening_stage_seconds',
      help: 'Time each screening stage took',
      labelNames: ['stage', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    queueDepth: new Gauge({ name: 'trellis_queue_depth', help: 'Work waiting in in-process queues', labelNames: ['queue'], registers }),
    sfuRooms: new Gauge({ name: 'trellis_sfu_rooms', help: 'Open SFU rooms on this node', registers }),
    sfuConsumers: new Gauge({ name: 'trellis_sfu_consumers', help: 'Open SFU consumers on this node', registers }),
  };
}

/** Counts one screening verdict: its action, its categories and its stages' timings. */
export function recordVerdict(metrics: TrellisMetrics | undefined, result: ScreeningResult): void {
  if (!metrics) return;
  metrics.verdicts.inc({ action: result.action });
  for (const category of result.categories) metrics.verdictCategories.inc({ action: result.action, category });
  for (const timing of result.timings) {
    metrics.screeningStageSeconds.observe({ stage: timing.stage, outcome: timing.outcome }, timing.ms / 1000);
  }
}

/**
 * A stopwatch for send stages, started at `started` (default now): `lap('store')` records the time
 * since the previous lap, once for each of the `sends` of a batch.
 */
export function stageTimer(metrics: TrellisMetrics | undefined, sends = 1, started = performance.now()): { lap(stage: string): void; total(): void } {
  let last = started;
  const observe = (stage: string, seconds: number) => {
    // The labelled child is looked up once per stage, not once per send.
    const histogram = metrics?.sendStageSeconds.labels({ stage });
    for (let i = 0; i < sends; i++) histogram?.observe(seconds);
  };
  return {
    lap(stage) {
      if (!metrics) return;
      const now = performance.now();
      observe(stage, (now - last) / 1000);
      last = now;
    },
    total() {
      observe('total', (performance.now() - started) / 1000);
    },
  };
}
