/** A one-line progress bar on stderr, redrawn at most every 100 ms. */

/** Draws `label [#####-----] 50% 500/1000 suffix` on stderr. */
export class ProgressBar {
  readonly #label: string;
  readonly #total: number;
  #lastDraw = 0;

  /** A bar for `total` steps, prefixed with `label`. */
  constructor(label: string, total: number) {
    this.#label = label;
    this.#total = Math.max(total, 1);
  }

  /** Shows `done` of the total steps, with a free-form `suffix` (e.g. the running loss). */
  update(done: number, suffix = ''): void {
    const now = Date.now();
    if (done < this.#total && now - this.#lastDraw < 100) return;
    this.#lastDraw = now;
    const share = Math.min(done / this.#total, 1);
    const width = 30;
    const filled = Math.round(share * width);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
    process.stderr.write(`\r${this.#label} [${bar}] ${(share * 100).toFixed(0).padStart(3)}% ${done}/${this.#total} ${suffix}`);
  }

  /** Draws the bar complete and ends the line. */
  finish(suffix = ''): void {
    this.update(this.#total, suffix);
    process.stderr.write('\n');
  }
}
