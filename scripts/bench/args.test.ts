/** The bench's command line: defaults, every option, and one clear line for each kind of mistake. */
import { describe, expect, it } from 'vitest';
import { parseBenchArgs, UsageError } from './args';

const names = ['http', 'append', 'drain', 'rebuild'];

describe('parseBenchArgs', () => {
  it('runs everything at full size by default', () => {
    expect(parseBenchArgs([], names)).toEqual({ quick: false, smallest: false, out: undefined, soakSeconds: 0, appendfsync: 'always', only: undefined });
  });

  it('reads every option, in either spelling, and keeps the runner order of --only', () => {
    expect(parseBenchArgs(['--quick', '--out=x.json', '--soak', '600', '--appendfsync', 'everysec', '--only', 'rebuild, append'], names)).toEqual({
      quick: true,
      smallest: false,
      out: 'x.json',
      soakSeconds: 600,
      appendfsync: 'everysec',
      only: ['append', 'rebuild'],
    });
  });

  it.each([
    [['--fast'], /Unknown option '--fast'/],
    [['--soak', 'ten'], /^--soak must be a number of seconds/],
    [['--soak', '1.5'], /^--soak must be whole seconds/],
    [['--appendfsync', 'sometimes'], /^--appendfsync /],
    [['--only', 'append,live'], /^--only has an unknown scenario "live" \(known: http, append, drain, rebuild\)/],
    [['--only', ','], /^--only needs at least one scenario/],
    [['--quick', '--smallest'], /^choose one of --quick and --smallest/],
    [['--out'], /argument missing/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseBenchArgs(argv, names)).toThrow(UsageError);
    expect(() => parseBenchArgs(argv, names)).toThrow(message);
  });
});
