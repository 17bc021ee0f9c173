/**
 * The progress display of a load-test run: one status line on stderr (redrawn in place on a terminal,
 * printed every few seconds otherwise) showing the elapsed time, the stage and what it is doing.
 */
export class Progress {
  readonly #started = Date.now();
  readonly #tty = Boolean(process.stderr.isTTY);
  readonly #timer: NodeJS.Timeout;
  #stage = '';
  #detail = '';
  #printedAt = 0;

  readonly #silent: boolean;

  /** `silent` (for tests) prints nothing. */
  constructor(options: { silent?: boolean } = {}) {
    this.#silent = options.silent ?? false;
    this.#timer = setInterval(() => this.#draw(), this.#tty ? 250 : 1000);
    this.#timer.unref();
  }

  /** Starts a stage (printed on its own line). */
  stage(name: string): void {
    if (this.#silent) return;
    this.#clear();
    process.stderr.write(`[${this.#elapsed()}] ▶ ${name}\n`);
    this.#stage = name;
    this.#detail = '';
  }

  /** Updates what the current stage is doing. */
  update(detail: string): void {
    this.#detail = detail;
  }

  /** Prints a line that stays (a result or a warning). */
  log(line: string): void {
    if (this.#silent) return;
    this.#clear();
    process.stderr.write(`[${this.#elapsed()}]   ${line}\n`);
  }

  /** Stops redrawing. */
  done(): void {
    clearInterval(this.#timer);
    this.#clear();
  }

  #elapsed(): string {
    const seconds = Math.floor((Date.now() - this.#started) / 1000);
    return `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
  }

  #clear(): void {
    if (this.#tty && !this.#silent) process.stderr.write('\r\x1b[2K');
  }

  #draw(): void {
    if (!this.#detail || this.#silent) return;
    const line = `[${this.#elapsed()}] ${this.#stage}: ${this.#detail}`;
    if (this.#tty) {
      process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns || 120) - 1)}`);
    } else if (Date.now() - this.#printedAt > 5000) {
      this.#printedAt = Date.now();
      process.stderr.write(`${line}\n`);
    }
  }
}
