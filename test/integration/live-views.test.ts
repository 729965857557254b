/**
 * Every projector that sends change notices names the queries its notices make
 * stale (src/server/app/live-queries.ts), and every query named there is one
 * of the app router (also a compile error).
 */
import { describe, expect, it } from 'vitest';
import { isLiveProjector, OWN_WRITES_OF_ROUTER, QUERIES_OF_PROJECTOR } from '~/server/app/live-queries';
import { projectors } from '~/server/app/projectors';
import { appRouter } from '~/server/app/router';
import { expectRegistered } from '../support/registries';

describe('live views', () => {
  it('maps every notifying projector of the app to some of its queries, not the whole page', () => {
    const notifying = projectors.filter((p) => p.notify).map((p) => p.name);
    expect(notifying.length).toBeGreaterThan(0);
    expectRegistered({
      what: 'projector',
      missing: notifying.filter((name) => !isLiveProjector(name)),
      file: 'src/server/app/live-queries.ts',
      table: 'QUERIES_OF_PROJECTOR',
      line: (name) => `${/^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name}'`}: ['<router>.<query>'],`,
      note: 'Name the queries that read its tables (each a query of the app router: anything else does not compile).',
    });
    const table: Readonly<Record<string, ReadonlyArray<string>>> = QUERIES_OF_PROJECTOR;
    const empty = Object.entries(table).filter(([, paths]) => paths.length === 0);
    expect(empty, 'these projectors refresh no query at all: name the queries their tables feed').toEqual([]);
  });

  it('names only queries of the app router, fed by projectors the app runs', () => {
    const procedures = appRouter._def.procedures;
    const queries = Object.values(QUERIES_OF_PROJECTOR).flat();
    expect(queries.filter((path) => !Object.hasOwn(procedures, path))).toEqual([]);
    const running = new Set(projectors.map((p) => p.name));
    expect(Object.keys(QUERIES_OF_PROJECTOR).filter((name) => !running.has(name))).toEqual([]);
    expect(Object.values(OWN_WRITES_OF_ROUTER).filter((name) => !running.has(name))).toEqual([]);
  });
});
