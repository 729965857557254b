/**
 * How a rebuild's progress reads on a terminal: a bar that redraws in place
 * on a TTY, and otherwise (a log file, CI, a test) a plain line every few
 * seconds. `progressLine` is the words and numbers; `createProgressOutput`
 * decides when and how they are written.
 */
import type { RebuildProgress } from '../../src/server/projectors/rebuild';

const BAR = 24;
/** A plain line at most this often when the output is not a terminal. */
const PLAIN_EVERY_MS = 3_000;

const count = (n: number) => Math.round(n).toLocaleString('en');

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** "[██████░░░░] 45% · 9,000 / 20,000 events · 4,100 ev/s · 3 s left", with the bar or without. */
export function progressLine(p: RebuildProgress, opts: { bar: boolean }): string {
  const share = p.total > 0 ? Math.min(1, p.done / p.total) : p.finished ? 1 : 0;
  const filled = Math.round(share * BAR);
  const bar = opts.bar ? `[${'█'.repeat(filled)}${'░'.repeat(BAR - filled)}] ` : '';
  const left = p.finished ? 'done' : p.secondsLeft === null ? 'time left unknown' : `${duration(p.secondsLeft)} left`;
  return `${bar}${Math.floor(share * 100)}% · ${count(p.done)} / ${count(p.total)} events · ${count(p.perSecond)} ev/s · ${left}`;
}

export function createProgressOutput(stream: NodeJS.WriteStream, label: string) {
  const live = stream.isTTY === true;
  let printedAt = 0;
  let shown = false;
  return {
    update(p: RebuildProgress) {
      if (live) {
        stream.write(`\r\x1b[2K${label} ${progressLine(p, { bar: true })}`);
        shown = true;
        return;
      }
      if (!p.finished && Date.now() - printedAt < PLAIN_EVERY_MS) return;
      printedAt = Date.now();
      stream.write(`${label} ${progressLine(p, { bar: false })}\n`);
    },
    /** Ends the bar's line, so what follows starts on its own. */
    end() {
      if (live && shown) stream.write('\n');
      shown = false;
    },
  };
}
