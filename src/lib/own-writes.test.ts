import { describe, expect, it } from 'vitest';
import { createOwnWrites } from './own-writes';

function board() {
  const calls = { refetches: 0, syncing: [] as boolean[] };
  const machine = createOwnWrites({
    projector: 'board',
    refetch: async () => {
      calls.refetches += 1;
    },
    onSyncing: (syncing) => calls.syncing.push(syncing),
  });
  return { machine, calls };
}
const at = (id: string) => ({ partition: 1, id });
const notice = (projector: string, id: string) => ({ projector, position: at(id) });

describe('own writes (read-your-writes in the browser)', () => {
  it('given a write the read model already has, when it finishes, then the view refetches', () => {
    const { machine, calls } = board();
    machine.started();
    expect(machine.holds(notice('board', '1-0'))).toBe(true);
    machine.written({ settled: true, position: at('5-0') });
    void machine.finished();
    expect(calls).toEqual({ refetches: 1, syncing: [] });
    expect(machine.holds(notice('board', '9-0'))).toBe(false);
  });

  it('given a write the read model has not reached, then it is syncing and nothing refetches until the projector’s notice covers it', () => {
    const { machine, calls } = board();
    machine.started();
    machine.written({ settled: false, position: at('5-0') });
    void machine.finished();
    expect(calls).toEqual({ refetches: 0, syncing: [true] });
    expect(machine.holds(notice('board', '1-0'))).toBe(true);

    void machine.observed(notice('board', '4-9')); // an older batch: still behind the write
    void machine.observed(notice('activity', '9-0')); // another read model: says nothing of the board
    expect(calls).toEqual({ refetches: 0, syncing: [true] });

    void machine.observed(notice('board', '5-0'));
    expect(calls).toEqual({ refetches: 1, syncing: [true, false] });
    expect(machine.holds(notice('board', '9-0'))).toBe(false);
  });

  it('given the notice came before the answer, when the unsettled answer arrives, then it is not syncing', () => {
    const { machine, calls } = board();
    machine.started();
    void machine.observed(notice('board', '6-0'));
    machine.written({ settled: false, position: at('5-0') });
    void machine.finished();
    expect(calls).toEqual({ refetches: 1, syncing: [] }); // one refetch, once quiet, covers the held-back notice too
  });

  it('given two commands in flight, when the first finishes, then the view waits for the second', () => {
    const { machine, calls } = board();
    machine.started();
    machine.started();
    machine.written({ settled: true, position: at('5-0') });
    void machine.finished();
    expect(calls.refetches).toBe(0); // a refetch now would undo the second command's optimistic state
    machine.written({ settled: true, position: at('5-1') });
    void machine.finished();
    expect(calls.refetches).toBe(1);
  });

  it('given missed notices (a reset), then nothing is assumed: syncing ends and the view refetches', () => {
    const { machine, calls } = board();
    machine.started();
    machine.written({ settled: false, position: at('5-0') });
    void machine.finished();
    void machine.observed({ projector: '', position: at('0-0'), reset: true });
    expect(calls).toEqual({ refetches: 1, syncing: [true, false] });
  });

  it('given a quiet view, then notices are left to the live connection (no second refetch)', () => {
    const { machine, calls } = board();
    expect(machine.holds(notice('board', '7-0'))).toBe(false);
    void machine.observed(notice('board', '7-0'));
    expect(calls.refetches).toBe(0);
  });

  it('given a settled write already refetched, then its own notice arriving later is not fetched again, and newer ones are', () => {
    const { machine, calls } = board();
    machine.started();
    machine.written({ settled: true, position: at('5-0') });
    void machine.finished();
    expect(calls.refetches).toBe(1);
    expect(machine.holds(notice('board', '5-0'))).toBe(true);
    expect(machine.holds(notice('dashboard', '5-0'))).toBe(false);
    expect(machine.holds(notice('board', '6-0'))).toBe(false);
  });
});
