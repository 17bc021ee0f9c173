/**
 * Configuration for Prisma's schema differ (the 6.x CLI with its WebAssembly schema engine), used only by
 * `npm run db:migration` to generate migration SQL offline. The adapter is an in-memory PGlite: the
 * differ compares two datamodels and never writes to it.
 */
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { defineConfig } from 'prisma6/config';

type JsEngineConfig = Extract<Parameters<typeof defineConfig>[0], { engine: 'js' }>;
type DifferAdapter = Awaited<ReturnType<JsEngineConfig['adapter']>>;

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  async adapter() {
    // The 7.x adapter speaks the same driver-adapter protocol the 6.x differ needs; only the
    // declared package versions of the two type definitions differ.
    return new PrismaPGlite(new PGlite()) as unknown as DifferAdapter;
  },
});
