/**
 * Connection URLs as hosting providers hand them out, made ready for the
 * clients this app uses. Pure functions: the environment schema applies them,
 * so every process, script and migration sees the same URLs.
 *
 * Edit this file when a provider's URLs need another adjustment.
 */

/** Marketplace names, tried in order when the app's own name is unset (Vercel's Upstash, Neon and Supabase integrations). */
export const ENV_ALIASES = {
  REDIS_URL: ['KV_URL'],
  DATABASE_URL: ['POSTGRES_URL'],
  DATABASE_DIRECT_URL: ['DATABASE_URL_UNPOOLED', 'POSTGRES_URL_NON_POOLING'],
} as const;

/** A copy of `source` with each of the app's variables filled from its first set alias. */
export function withAliases(source: Record<string, string | undefined>): Record<string, string | undefined> {
  const out = { ...source };
  for (const [name, aliases] of Object.entries(ENV_ALIASES)) {
    if (out[name]) continue;
    const alias = aliases.find((a) => out[a]);
    if (alias) out[name] = out[alias];
  }
  return out;
}

/**
 * Query parameters meant for libpq, poolers or other ORMs. postgres.js sends
 * unknown ones to the server as startup parameters, which the server refuses
 * (`channel_binding=require` in Neon's URLs stops every connection).
 */
const FOREIGN_PARAMETERS = ['channel_binding', 'pgbouncer', 'supa', 'connection_limit', 'pool_timeout', 'statement_cache_size', 'gssencmode', 'krbsrvname'];

export interface PostgresConnection {
  url: string;
  /** Behind a transaction-mode pooler, where prepared statements do not survive between transactions. */
  pooled: boolean;
}

export function postgresConnection(raw: string): PostgresConnection {
  const url = new URL(raw);
  const params = url.searchParams;
  const pooled =
    params.get('pgbouncer') === 'true' ||
    /-pooler\./.test(url.hostname) || // Neon's pooled host
    (url.hostname.endsWith('.pooler.supabase.com') && url.port === '6543'); // Supabase's transaction pooler
  for (const name of FOREIGN_PARAMETERS) params.delete(name);
  // libpq's verify-ca has no postgres.js equivalent; verify-full checks more, never less.
  if (params.get('sslmode') === 'verify-ca') params.set('sslmode', 'verify-full');
  return { url: url.toString(), pooled };
}

/** Hosts that accept TLS only: a `redis://` URL for them is upgraded rather than refused by the server. */
const TLS_ONLY_REDIS_HOSTS = [/\.upstash\.io$/];

export function redisUrlWithTls(raw: string, forceTls = false): string {
  const url = new URL(raw);
  if (url.protocol === 'redis:' && (forceTls || TLS_ONLY_REDIS_HOSTS.some((host) => host.test(url.hostname)))) url.protocol = 'rediss:';
  return url.toString();
}

/**
 * The Redis key prefix an environment gets when REDIS_KEY_PREFIX is unset:
 * production and local development share `sl`; each Vercel preview branch gets
 * its own (`sl:pv:<branch>`), so a preview never reads or writes production's log.
 */
export function environmentPrefix(vercelEnv: string | undefined, branch: string | undefined): string {
  if (vercelEnv !== 'preview') return 'sl';
  const slug = (branch ?? 'preview').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'preview';
  if (slug.length <= 26) return `sl:pv:${slug}`;
  // Long names keep a readable start and a hash of the whole, so two long branches never share a prefix.
  let hash = 0x811c9dc5;
  for (const char of slug) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
  return `sl:pv:${slug.slice(0, 17)}-${(hash >>> 0).toString(16).padStart(8, '0')}`;
}
