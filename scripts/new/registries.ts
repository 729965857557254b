/**
 * The one-line registrations a feature needs outside its folder, each found
 * by an anchor: the decider in the catalogue, the projector in the runtime's
 * list, the router in the app router, the view a projector's notices make
 * stale (and the queries the page refetches for it), and the lines the
 * fuzz (G12) and tenant-isolation (G11) tests ask every procedure for.
 * A missing anchor stops the generator with the line to add by hand.
 */
import type { Plan } from './plan';
import { appendAtAnchor, ensureImport, ScaffoldError } from './source-edit';

export const FILES = {
  catalogue: 'src/server/app/catalogue.ts',
  projectors: 'src/server/app/projectors.ts',
  router: 'src/server/app/router.ts',
  views: 'src/lib/stale-views.ts',
  pageViews: 'src/app/o/[organizationId]/use-organization-changes.ts',
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
 * A view for the projector's notices: in ALL_VIEWS (which makes the `View`
 * type) and the projector → views map, and the queries the organization's
 * pages refetch for it (`queryKeys`, an entry of `queriesOf` in useRefetchViews).
 */
export function registerView(plan: Plan, view: string, projector: string, queryKeys: ReadonlyArray<string>): void {
  const file = FILES.views;
  plan.edit(file, `view '${view}' for projector ${projector}`, (source) => {
    if (source.includes(`'${view}'`)) throw new ScaffoldError(`${file} has a view '${view}' already; choose another name.`);
    const text = appendAtAnchor(source, { file, pattern: /export const ALL_VIEWS\b[\s\S]*?= \[/, what: 'ALL_VIEWS', byHand: `'${view}' in ALL_VIEWS` }, `'${view}'`);
    return appendAtAnchor(
      text,
      { file, pattern: /const VIEWS_OF_PROJECTOR\b[\s\S]*?= \{/, what: 'VIEWS_OF_PROJECTOR', byHand: `${key(projector)}: ['${view}'], in VIEWS_OF_PROJECTOR` },
      `${key(projector)}: ['${view}']`,
    );
  });
  const page = FILES.pageViews;
  const entry = `${key(view)}: () => [${queryKeys.join(', ')}]`;
  plan.edit(page, `which queries view '${view}' refetches`, (source) =>
    appendAtAnchor(source, { file: page, pattern: /const queriesOf\b[\s\S]*?= \{/, what: "the views' queries (queriesOf) in useRefetchViews", byHand: `${entry}, in queriesOf` }, entry),
  );
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
