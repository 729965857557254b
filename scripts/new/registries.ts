/**
 * The one-line registrations a feature needs outside its folder, each found
 * by an anchor: the decider in the catalogue, the projector in the runtime's
 * list, the router in the app router, the queries a projector's notices make
 * stale (and the read model a router's mutations wait for), and the lines the
 * fuzz (G12) and tenant-isolation (G11) tests ask every procedure for.
 * A missing anchor stops the generator with the line to add by hand.
 */
import type { Plan } from './plan';
import { appendAtAnchor, ensureImport, ScaffoldError } from './source-edit';

export const FILES = {
  catalogue: 'src/server/app/catalogue.ts',
  projectors: 'src/server/app/projectors.ts',
  router: 'src/server/app/router.ts',
  liveQueries: 'src/server/app/live-queries.ts',
  fuzz: 'test/integration/fuzz.test.ts',
  tenants: 'test/integration/organizations.test.ts',
} as const;

/** A key as an object literal writes it: `board` or `'comment-stats'`. */
const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name}'`);

export function registerDecider(plan: Plan, feature: string, decider: string): void {
  const file = FILES.catalogue;
  // The catalogue is built from `deciders`, so one entry there registers its events too.
  plan.edit(file, `${decider} in deciders`, (source) => {
    const text = ensureImport(source, file, `~/server/modules/${feature}/commands`, [decider]);
    return appendAtAnchor(text, { file, pattern: /export const deciders\b[\s\S]*?= \[/, what: 'the deciders list', byHand: `${decider} in \`deciders\`` }, decider);
  });
}

export function registerProjector(plan: Plan, from: string, projector: string): void {
  const file = FILES.projectors;
  plan.edit(file, `${projector} in projectors`, (source) => {
    const text = ensureImport(source, file, from, [projector]);
    return appendAtAnchor(text, { file, pattern: /export const projectors\b[\s\S]*?= \[/, what: 'the projectors list', byHand: `${projector} in \`projectors\`` }, projector);
  });
}

export function registerRouter(plan: Plan, feature: string, routerKey: string, routerConst: string): void {
  const file = FILES.router;
  plan.edit(file, `${routerKey}: ${routerConst}`, (source) => {
    if (new RegExp(`\\n\\s*${key(routerKey)}:`).test(source)) throw new ScaffoldError(`${file} has a router called ${routerKey} already; choose another feature name.`);
    const text = ensureImport(source, file, `~/server/modules/${feature}/router`, [routerConst]);
    return appendAtAnchor(text, { file, pattern: /export const appRouter = router\(\{/, what: 'the app router', byHand: `${key(routerKey)}: ${routerConst}, in appRouter` }, `${key(routerKey)}: ${routerConst}`);
  });
}

/**
 * The queries a projector's notices make stale (`paths`, each a query of the
 * app router: `comments.list`), one line in QUERIES_OF_PROJECTOR; with
 * `ownWritesOf`, that router's mutations wait for this read model
 * (read-your-writes), one line in OWN_WRITES_OF_ROUTER.
 */
export function registerLiveQueries(plan: Plan, projector: string, paths: ReadonlyArray<string>, ownWritesOf?: string): void {
  const file = FILES.liveQueries;
  const line = `${key(projector)}: [${paths.map((p) => `'${p}'`).join(', ')}]`;
  plan.edit(file, `queries of projector ${projector}`, (source) => {
    if (new RegExp(`\n\s*${key(projector)}:`).test(source)) throw new ScaffoldError(`${file} has queries for a projector ${projector} already; choose another name.`);
    const text = appendAtAnchor(source, { file, pattern: /export const QUERIES_OF_PROJECTOR\b[\s\S]*?= \{/, what: 'QUERIES_OF_PROJECTOR', byHand: `${line}, in QUERIES_OF_PROJECTOR` }, line);
    if (ownWritesOf === undefined) return text;
    const own = `${key(ownWritesOf)}: '${projector}'`;
    return appendAtAnchor(text, { file, pattern: /export const OWN_WRITES_OF_ROUTER\b[\s\S]*?= \{/, what: 'OWN_WRITES_OF_ROUTER', byHand: `${own}, in OWN_WRITES_OF_ROUTER` }, own);
  });
}

/** `lines`: procedure path → a function of the fuzz fixture `f` giving a well-formed input. */
export function addFuzzInputs(plan: Plan, lines: ReadonlyArray<readonly [string, string]>): void {
  const file = FILES.fuzz;
  plan.edit(file, `INPUTS for ${lines.map(([p]) => p).join(', ')}`, (source) => {
    let text = lines.some(([, input]) => input.includes('randomUUID()')) ? ensureImport(source, file, 'node:crypto', ['randomUUID']) : source;
    for (const [path, input] of lines) {
      const line = `'${path}': (f) => (${input})`;
      text = appendAtAnchor(text, { file, pattern: /const INPUTS\b[\s\S]*?= \{/, what: 'INPUTS', byHand: `${line}, in INPUTS` }, line);
    }
    return text;
  });
}

/** `lines`: procedure path → the lowest role allowed and a call `(f, w) => …` as `w` in the G11 fixture `f`. */
export function addTenantCases(plan: Plan, lines: ReadonlyArray<{ path: string; minRole: 'member' | 'admin'; call: string }>): void {
  const file = FILES.tenants;
  plan.edit(file, `G11 cases for ${lines.map((l) => l.path).join(', ')}`, (source) => {
    let text = lines.some((l) => l.call.includes('randomUUID()')) ? ensureImport(source, file, 'node:crypto', ['randomUUID']) : source;
    for (const { path, minRole, call } of lines) {
      const line = `'${path}': { minRole: '${minRole}', call: (f, w) => ${call} }`;
      text = appendAtAnchor(text, { file, pattern: /const cases\b[\s\S]*?= \{/, what: 'the G11 `cases`', byHand: `${line}, in \`cases\`` }, line);
    }
    return text;
  });
}

/** The expression for an aggregate id in a test fixture: the fixture's own when it has one (`f.taskId`), else a fresh id. */
export function fixtureId(plan: Plan, file: string, id: string): string {
  return plan.read(file).includes(`f.${id}`) ? `f.${id}` : 'randomUUID()';
}
