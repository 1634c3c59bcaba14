export interface ProgressLine {
  stage: string;
  percent: number;
  etaSeconds: number | null;
}

/** Pure: one line of the terminal progress bar, e.g. `encoding   [#######.............]  35.2%  ETA 0:12`. */
export function renderProgressLine({ stage, percent, etaSeconds }: ProgressLine, width = 30): string {
  const clamped = Math.min(Math.max(percent, 0), 100);
  const filled = Math.round((clamped / 100) * width);
  const eta = etaSeconds === null ? '' : `  ETA ${formatDuration(etaSeconds)}`;
  return `${stage.padEnd(10)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${clamped.toFixed(1).padStart(5)}%${eta}`;
}

export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** Redraws in place on a terminal; elsewhere (CI logs) prints a line only when stage or a 10 % step changes. */
export class ProgressPrinter {
  private lastKey = '';

  constructor(private readonly out: NodeJS.WriteStream) {}

  update(line: ProgressLine): void {
    if (this.out.isTTY) {
      // Clear to the end of the line: a shorter line (the ETA gone) leaves no stale characters.
      this.out.write(`\r${renderProgressLine(line)}\x1b[K`);
      return;
    }
    const key = `${line.stage}:${Math.floor(line.percent / 10)}`;
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.out.write(`${renderProgressLine(line)}\n`);
  }

  done(): void {
    if (this.out.isTTY) this.out.write('\n');
  }
}
