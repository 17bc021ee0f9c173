/**
 * Moderation wiring: the rule screener over per-program policies (validated, cached, refreshed),
 * the in-transaction recording of every verdict, alert publishing and the review service.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ClassifierStage, DEFAULT_CLASSIFIER_OPTIONS } from '../../moderation/classifier/stage.ts';
import type { Stage } from '../../moderation/stage.ts';
import type { Screener } from '../../moderation/types.ts';
import type { ScreeningRecorder } from '../messaging/message-service.ts';
import { AlertPublisher } from '../moderation/alerts.ts';
import { PolicyCache } from '../moderation/policy-cache.ts';
import { createScreeningRecorder } from '../moderation/recorder.ts';
import { ReviewService } from '../moderation/review-service.ts';
import { createProgramScreener, failClosed } from '../moderation/screener.ts';
import { getProgramPolicy } from '../repositories/programs.ts';

/** What the screening plugin exposes. */
export interface Moderation {
  /** Programs' validated policies. */
  policies: PolicyCache;
  /** The screener every message passes through (never throws: it holds instead). */
  screener: Screener;
  /** Records each verdict's rows in the message's transaction. */
  recordScreening: ScreeningRecorder;
  /** Raises alerts to coordinators on every node. */
  alerts: AlertPublisher;
  /** Coordinators' decisions, reports and alerts. */
  review: ReviewService;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Screening, policies, alerts and review. */
    moderation: Moderation;
  }
}

/** Options of the screening plugin. */
export interface ScreeningPluginOptions {
  /** Replaces the rule screener (tests of the seam and of failing stages); still wrapped to fail closed. */
  screener?: Screener;
}

/**
 * The toxicity model stage, unless configuration disables it. A missing or corrupt model stops
 * start-up with a message naming the file: it is never skipped silently.
 */
async function modelStages(fastify: FastifyInstance): Promise<Stage[]> {
  const { config } = fastify;
  if (!config.CLASSIFIER_ENABLED) {
    fastify.log.warn('the toxicity model stage is disabled (CLASSIFIER_ENABLED=false): rules only');
    return [];
  }
  const stage: ClassifierStage = await ClassifierStage.create({
    modelDir: config.CLASSIFIER_MODEL_DIR || DEFAULT_CLASSIFIER_OPTIONS.modelDir,
    maxBatchSize: config.CLASSIFIER_BATCH_SIZE,
    maxWaitMs: config.CLASSIFIER_MAX_WAIT_MS,
    maxQueue: config.CLASSIFIER_MAX_QUEUE,
    budgetMs: config.CLASSIFIER_BUDGET_MS,
    onBatch: () => fastify.metrics.queueDepth.set({ queue: 'classifier' }, stage.stats().queueDepth),
  });
  fastify.log.info({ model: stage.version }, 'toxicity model loaded');
  return [stage];
}

/** Builds the screener from configuration and program policies, and the review machinery. */
export default fp<ScreeningPluginOptions>(
  async (fastify, options) => {
    const { prisma } = fastify.db;
    const policies = new PolicyCache({ load: (programId) => getProgramPolicy(prisma, programId), ttlMs: fastify.config.POLICY_CACHE_MS });
    const screener = options.screener ? failClosed(options.screener) : createProgramScreener(policies, await modelStages(fastify));
    const alerts = new AlertPublisher({ prisma, bus: fastify.bus, contextSize: fastify.config.ALERT_CONTEXT_MESSAGES });
    const recordScreening = createScreeningRecorder(alerts, (error) => fastify.log.warn({ err: error }, 'live alert not published; it waits in the queue'));
    fastify.decorate('moderation', { policies, screener, recordScreening, alerts, review: new ReviewService({ prisma, bus: fastify.bus, alerts }) });
  },
  { name: 'screening', dependencies: ['config', 'database', 'bus'] },
);
