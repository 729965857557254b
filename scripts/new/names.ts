/**
 * The names the generators take and derive: a feature folder (`comments`),
 * an event type (`comment.edited`), a read model (`comment-stats`), and the
 * identifiers and words each gives (`commentEdited`, `CommentState`, `edit`,
 * `comment_stats`). Arguments are checked here, with zod, before any file is
 * read.
 */
import { z } from 'zod';

const KEBAB = /^[a-z][a-z0-9]*(-[a-z][a-z0-9]*)*$/;

/** A feature folder under src/server/modules/, plural by habit: `comments`, `time-entries`. */
export const featureName = z
  .string()
  .max(40, 'Keep the feature name under 40 characters.')
  .regex(KEBAB, 'A feature name is lower-case words joined by dashes, like "comments" or "time-entries".');

/** A read model, also its projector's name: `comment-stats`. */
export const readModelName = z
  .string()
  .max(40, 'Keep the read model name under 40 characters.')
  .regex(KEBAB, 'A read model name is lower-case words joined by dashes, like "comment-stats".');

/** `<aggregate>.<what happened>`, lower-case, past tense: `task.labeled`, `member.role-changed`. */
export const eventType = z
  .string()
  .regex(
    /^[a-z][a-z0-9]*(-[a-z][a-z0-9]*)*\.[a-z][a-z0-9]*(-[a-z][a-z0-9]*)*$/,
    'An event type is "<aggregate>.<what happened>", lower-case, in the past tense, like "task.labeled".',
  );

/** A command's type, when the one derived from the event's verb will not do: `label`, `changeRole`. */
export const commandName = z.string().regex(/^[a-z][a-zA-Z0-9]*$/, 'A command name is a camelCase word, like "label" or "changeRole".');

const words = (kebab: string) => kebab.split('-');
const capital = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/** `timeEntry` → `time-entry`. */
export const kebab = (camelCase: string) => camelCase.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
export const camel = (kebab: string) => words(kebab).map((w, i) => (i === 0 ? w : capital(w))).join('');
export const pascal = (kebab: string) => words(kebab).map(capital).join('');
export const snake = (kebab: string) => words(kebab).join('_');
/** Words for prose: `time-entry` → `time entry`. */
export const prose = (kebab: string) => words(kebab).join(' ');

/** The singular of a feature's last word, the aggregate it is about: `comments` → `comment`, `time-entries` → `time-entry`. */
export function singular(feature: string): string {
  const parts = words(feature);
  const last = parts.pop() ?? '';
  const one = last.endsWith('ies') ? `${last.slice(0, -3)}y` : /(ss|x|ch|sh)es$/.test(last) ? last.slice(0, -2) : /[^su]s$/.test(last) ? last.slice(0, -1) : last;
  return [...parts, one].join('-');
}

/** Past tenses that rules below get wrong. */
const IRREGULAR: Readonly<Record<string, string>> = { added: 'add', invited: 'invite', paid: 'pay', sent: 'send', left: 'leave', made: 'make', sold: 'sell', won: 'win', lost: 'lose', monitored: 'monitor', developed: 'develop' };

const VOWELS = 'aeiouy';
const vowelGroups = (word: string) => word.match(/[aeiouy]+/g)?.length ?? 0;

/**
 * The base form of a past-tense verb, good for the usual event verbs:
 * created → create, labeled → label, starred → star, copied → copy.
 * English has exceptions; the generator prints what it chose and takes
 * another name as an argument.
 */
export function baseVerb(past: string): string {
  const irregular = IRREGULAR[past];
  if (irregular) return irregular;
  if (!past.endsWith('ed') || past.length < 4) return past;
  if (past.endsWith('ied')) return `${past.slice(0, -3)}y`;
  const stem = past.slice(0, -2);
  const [a = '', b = ''] = [stem.at(-2), stem.at(-1)];
  // A doubled final consonant: starred, planned, submitted; cancelled/labelled keep one l, called/passed both.
  if (a === b && !VOWELS.includes(b)) {
    if (b === 'l') return vowelGroups(stem) > 1 ? stem.slice(0, -1) : stem;
    return 'sfz'.includes(b) ? stem : stem.slice(0, -1);
  }
  if (/(v|z|c|u|at|ut|ang|rg|dg|[bcdfgkpt]l|[aeiou][aeiou]s)$/.test(stem)) return `${stem}e`; // archived, prioritized, updated, changed, merged, enabled, paused
  // One consonant after one vowel, the vowel after a consonant: moved, renamed, restored, revoked, deleted; not edited, labeled, opened.
  const single = /[^aeiouy]([aeiouy])([^aeiouywx])$/.exec(stem) ?? /^([aeiouy])([^aeiouywx])$/.exec(stem);
  if (!single) return stem;
  const [, vowel, consonant] = single;
  if (vowelGroups(stem) === 1) return `${stem}e`; // moved, named, closed, used
  if (vowel === 'e') return consonant === 't' ? `${stem}e` : stem; // deleted, completed; labeled, opened, ordered
  if (vowel === 'i') return consonant === 't' || consonant === 'l' ? stem : `${stem}e`; // edited, visited; provided, combined
  if (vowel === 'a' && consonant === 'l') return stem; // signaled, totaled
  return `${stem}e`; // renamed, restored, revoked, scheduled
}

/** `a task`, `an organization`. */
export const withArticle = (words: string) => `${/^[aeiou]/.test(words) ? 'an' : 'a'} ${words}`;

/** Everything the generators call an aggregate's things: `task` → `taskEvents`, `TaskCommand`, `taskDecider`. */
export function aggregateNames(aggregate: string) {
  return {
    aggregate,
    words: prose(aggregate),
    events: `${camel(aggregate)}Events`,
    decider: `${camel(aggregate)}Decider`,
    command: `${pascal(aggregate)}Command`,
    state: `${pascal(aggregate)}State`,
    event: `${pascal(aggregate)}Event`,
    id: `${camel(aggregate)}Id`,
  };
}

/** What an event type gives: `task.starred` → `taskStarred`, command `star`. */
export function eventNames(type: string, command?: string) {
  const [aggregate = '', action = ''] = type.split('.');
  const actionWords = words(action);
  const verb = baseVerb(actionWords.at(-1) ?? action);
  // member.role-changed → changeRole: the verb first, then what it acts on.
  const derived = camel([verb, ...actionWords.slice(0, -1)].join('-'));
  return { type, aggregate, constName: camel(`${aggregate}-${action}`), command: command ?? derived, derivedCommand: command === undefined };
}
