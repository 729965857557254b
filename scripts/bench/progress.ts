/**
 * The bench's output: a progress line on stderr that shows which scenario
 * runs and how far it is, and detail lines on stdout. On a terminal the
 * progress line updates in place and detail lines print above it; otherwise
 * (a log file, a test) it prints as plain lines, and a step that only
 * counts on (the same words, other numbers) at most every few seconds.
 */
const QUIET_MS = 5_000;

export interface Output {
  /** Replaces the progress line. */
  progress: (line: string) => void;
  /** Prints a line that stays. */
  log: (line: string) => void;
  /** Clears the progress line (before the final table). */
  done: () => void;
}

export function createOutput(err: NodeJS.WriteStream = process.stderr, out: NodeJS.WriteStream = process.stdout): Output {
  const live = err.isTTY === true;
  let shown = '';
  let printedAt = 0;
  let printedStep = '';
  const clear = () => {
    if (live && shown) err.write('\r\x1b[2K');
  };
  return {
    progress: (line) => {
      if (live) {
        const width = Math.max(20, (err.columns || 80) - 1);
        shown = line.length > width ? `${line.slice(0, width - 1)}…` : line;
        err.write(`\r\x1b[2K${shown}`);
        return;
      }
      // The same step with other numbers: print it only now and then.
      const step = line.replace(/[\d,.]+/g, '#');
      if (step === printedStep && Date.now() - printedAt < QUIET_MS) return;
      printedStep = step;
      printedAt = Date.now();
      err.write(`${line}\n`);
    },
    log: (line) => {
      printedStep = ''; // a step shown again after a detail line is news
      clear();
      out.write(`${line}\n`);
      if (live && shown) err.write(shown);
    },
    done: () => {
      clear();
      shown = '';
    },
  };
}
