/**
 * The environment's rules. Every variable the app reads is declared here,
 * once; code imports the parsed result from `~/env` instead of reading
 * `process.env`. `next.config.ts` validates with this file, so a bad variable
 * fails `next dev`, `next build` and `next start`, and the scripts under
 * `scripts/` fail on it before they touch a server.
 *
 * Edit this file when you add a variable, and document it in `.env.example`
 * and the README.
 */
import { z } from 'zod';
import { ENV_ALIASES, environmentPrefix, postgresConnection, redisUrlWithTls, withAliases } from './lib/connection-urls';

const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\/[^\s]+$/.test(v) && URL.canParse(v), {
    message: 'must be a postgres:// or postgresql:// URL',
  });

const smtpUrl = z
  .string()
  .refine((v) => /^smtps?:\/\/[^\s]+$/.test(v) && URL.canParse(v), {
    message: 'must be an smtp:// or smtps:// URL, e.g. smtp://user:password@smtp.example.com:587',
  });

/** `no-reply@example.com` or `Streamline <no-reply@example.com>`. */
const mailbox = z
  .string()
  .max(320)
  .refine((v) => /^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/.test(v.trim()), {
    message: 'must be an address, e.g. no-reply@example.com or "Streamline <no-reply@example.com>"',
  });

const redisUrl = z
  .string()
  .refine((v) => /^rediss?:\/\/[^\s]*$/.test(v) && URL.canParse(v), {
    message: 'must be a redis:// or rediss:// URL',
  });

export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    /** Postgres for the read side; pooled URL on serverless hosts. Falls back to POSTGRES_URL. */
    DATABASE_URL: postgresUrl,
    /** Direct (unpooled) Postgres URL for migrations; falls back to DATABASE_URL_UNPOOLED, POSTGRES_URL_NON_POOLING, then DATABASE_URL. */
    DATABASE_DIRECT_URL: postgresUrl.optional(),
    /** Connections per process. Keep small on serverless. */
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
    /** Use prepared statements. Default: off behind a recognised transaction pooler (`pgbouncer=true`, Neon `-pooler`, Supabase port 6543), else on. */
    DATABASE_PREPARE: bool.optional(),
    /** Redis for the event log; `rediss://` for TLS (managed Redis). Falls back to KV_URL. */
    REDIS_URL: redisUrl,
    /** Use TLS even for a `redis://` URL (hosts known to need it, like Upstash, get it anyway). */
    REDIS_TLS: bool.default(false),
    /**
     * Redis Cluster: `true` (REDIS_URL is one node of it) or more seed nodes, comma-separated
     * (`redis://10.0.0.2:6379,redis://10.0.0.3:6379`). Default `false`: a single server.
     */
    REDIS_CLUSTER: z
      .string()
      .trim()
      .refine((v) => /^(true|false|1|0)$/.test(v) || v.split(',').every((url) => redisUrl.safeParse(url.trim()).success), {
        message: 'must be true, false, or comma-separated redis:// or rediss:// URLs of cluster nodes',
      })
      .default('false'),
    /**
     * Every key the app writes starts with this, so several apps, environments or tests can share one Redis.
     * Default: `sl`, and `sl:pv:<branch>` on a Vercel preview deployment.
     */
    REDIS_KEY_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9:_-]{1,32}$/, 'must be 1-32 characters of A-Z a-z 0-9 : _ -')
      .optional(),
    /** Set by Vercel on its builds and functions. */
    VERCEL: z.string().optional(),
    /** Set by Vercel: production, preview or development. */
    VERCEL_ENV: z.string().optional(),
    /** Set by Vercel: the deployment's git branch. */
    VERCEL_GIT_COMMIT_REF: z.string().optional(),
    /**
     * Which Redis may take appends: `require` (it proves every acknowledged write is on disk),
     * `provider-durable` (the provider promises it where Redis cannot show it), `accept-risk` (any).
     */
    EVENT_LOG_DURABILITY: z.enum(['require', 'provider-durable', 'accept-risk']).default('require'),
    /**
     * Replicas of a Redis master (or of each cluster master) that must have an append before the
     * command is acknowledged (`WAIT`). 0 (default): none; a failover may then lose the last writes.
     */
    EVENT_LOG_REPLICAS: z.coerce.number().int().min(0).max(5).default(0),
    /** Number of event stream partitions. Changing it on a live system moves organizations between streams. */
    EVENT_PARTITIONS: z.coerce.number().int().min(1).max(256).default(4),
    /**
     * How projectors run. `worker`: long-running `npm run worker` processes hold the partitions; a
     * command drains in-process only when none holds its partition. `serverless`: no worker exists;
     * every command drains its partition after the response (`after()`), and the cron drain catches
     * up the rest. Default: `serverless` on Vercel (`VERCEL=1`), else `worker`.
     */
    PROJECTORS_MODE: z.enum(['worker', 'serverless']).optional(),
    /**
     * Longest life of one SSE (subscription) response, in ms; the client then reconnects and resumes
     * from its last event id. Keep it below the route's `maxDuration` (300 s). Tests set it short.
     */
    SSE_MAX_DURATION_MS: z.coerce.number().int().min(1_000).max(800_000).default(270_000),
    /**
     * How long a worker's hold on a partition lasts without renewal (renewed every half of it).
     * A crashed worker's partitions wait this long for another worker; a stopped one hands them over at once.
     * Shorter means faster takeover and more idle Redis commands (about 3 per partition per renewal).
     */
    WORKER_LEASE_MS: z.coerce.number().int().min(1_000).max(600_000).default(60_000),
    /** Health turns red when a projector leaves an event waiting longer than this. */
    PROJECTOR_STALL_MS: z.coerce.number().int().min(100).default(30_000),
    /** Mutations one user may make per RATE_LIMIT_WINDOW_MS (sliding window, shared by all app servers); 0 turns the limit off. */
    RATE_LIMIT_MUTATIONS: z.coerce.number().int().min(0).max(1_000_000).default(60),
    /** Length of the rate limit's sliding window, in ms. */
    RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(100).max(86_400_000).default(60_000),
    /** Bearer token that shows projector lag and stalls in /api/health (without it, health is liveness only). */
    HEALTH_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    /**
     * Bearer token for GET /api/metrics (Prometheus text format), and for the worker's own /metrics
     * when WORKER_METRICS_PORT is set. Without it /api/metrics answers 404.
     */
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    /**
     * Port where `npm run worker` serves its own /metrics (its batch durations and other in-process
     * figures; the web app's /api/metrics has the rest). Unset: the worker serves no metrics. Needs METRICS_TOKEN.
     */
    WORKER_METRICS_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
    /** Address the worker's /metrics listens on; `0.0.0.0` to let a scraper on another host (or container) reach it. */
    WORKER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    /**
     * Who may open the operations page (/operations): a comma-separated list of emails, case-insensitive.
     * Owners of OPERATOR_ORGANIZATION_ID may too. Nobody when both are unset.
     */
    OPERATORS: z
      .string()
      .optional()
      .transform((v) => (v ?? '').split(',').map((e) => e.trim().toLowerCase()).filter((e) => e.length > 0))
      .pipe(z.array(z.email('OPERATORS must list email addresses, comma-separated'))),
    /** The owners of this organization (its id, from its URL) are operators too. */
    OPERATOR_ORGANIZATION_ID: z.uuid('must be an organization id (a UUID, as in /o/<id>)').optional(),
    /** Bearer token Vercel Cron sends to /api/cron/drain; the route answers 404 without it. */
    CRON_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    /** Signs session cookies. `openssl rand -base64 32`. */
    AUTH_SECRET: z.string().min(32, 'must be at least 32 characters (openssl rand -base64 32)'),
    AUTH_GITHUB_ID: z.string().min(1).optional(),
    AUTH_GITHUB_SECRET: z.string().min(1).optional(),
    /** Public URL of the app (next-auth reads it too); links in mails are absolute when it is set. */
    AUTH_URL: z.url().optional(),
    /** Enables the email-only development sign-in. On by default outside production; refused on a production deployment (see below). */
    AUTH_DEV_SIGNIN: bool.optional(),
    /** Lets AUTH_DEV_SIGNIN=true run on a production deployment anyway. Named to be impossible to set by accident. */
    AUTH_DEV_SIGNIN_IN_PRODUCTION_LETS_ANYONE_SIGN_IN_AS_ANYONE: bool.default(false),
    /** Sender of every mail (sign-in links, invitations). Required with EMAIL_SERVER or RESEND_API_KEY. */
    EMAIL_FROM: mailbox.optional(),
    /** SMTP server for mail and email sign-in links: smtp://user:password@host:587 (STARTTLS) or smtps://…:465. */
    EMAIL_SERVER: smtpUrl.optional(),
    /** Resend API key; mail and sign-in links then go through Resend's HTTP API instead of SMTP. */
    RESEND_API_KEY: z.string().min(1).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** `pretty` for people, `json` for log collectors. Defaults to pretty outside production. */
    LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.VERCEL === '1' && !v.CRON_SECRET) {
      // No worker runs there: the cron drain is what converges whatever the drains after responses left.
      ctx.addIssue({ code: 'custom', path: ['CRON_SECRET'], message: 'is required on Vercel, where the cron drain replaces the worker (16+ characters)' });
    }
    if (v.AUTH_DEV_SIGNIN === true && productionDeployment(v) && !v.AUTH_DEV_SIGNIN_IN_PRODUCTION_LETS_ANYONE_SIGN_IN_AS_ANYONE) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_DEV_SIGNIN'],
        message:
          'is true on a production deployment, where anyone could sign in as anyone: configure email (EMAIL_SERVER or RESEND_API_KEY) or GitHub sign-in instead, or, for a private deployment only, also set AUTH_DEV_SIGNIN_IN_PRODUCTION_LETS_ANYONE_SIGN_IN_AS_ANYONE=true',
      });
    }
    if (v.WORKER_METRICS_PORT !== undefined && !v.METRICS_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['METRICS_TOKEN'], message: 'is required with WORKER_METRICS_PORT: the worker serves its metrics only to holders of the token (16+ characters)' });
    }
    if (v.EMAIL_SERVER && v.RESEND_API_KEY) {
      ctx.addIssue({ code: 'custom', path: ['RESEND_API_KEY'], message: 'and EMAIL_SERVER are both set: mail goes through one of them, so set only one' });
    }
    if ((v.EMAIL_SERVER || v.RESEND_API_KEY) && !v.EMAIL_FROM) {
      ctx.addIssue({ code: 'custom', path: ['EMAIL_FROM'], message: `is required with ${v.EMAIL_SERVER ? 'EMAIL_SERVER' : 'RESEND_API_KEY'} (the sender of every mail, e.g. "Streamline <no-reply@example.com>")` });
    }
    if (Boolean(v.AUTH_GITHUB_ID) !== Boolean(v.AUTH_GITHUB_SECRET)) {
      ctx.addIssue({
        code: 'custom',
        path: [v.AUTH_GITHUB_ID ? 'AUTH_GITHUB_SECRET' : 'AUTH_GITHUB_ID'],
        message: 'must be set together with the other AUTH_GITHUB_* variable',
      });
    }
  })
  .transform((v) => {
    const database = postgresConnection(v.DATABASE_URL);
    const direct = postgresConnection(v.DATABASE_DIRECT_URL ?? v.DATABASE_URL);
    return {
      ...v,
      DATABASE_URL: database.url,
      DATABASE_DIRECT_URL: direct.url,
      /** The "direct" URL goes through a transaction pooler after all (migrations refuse it). */
      DATABASE_DIRECT_URL_POOLED: direct.pooled,
      DATABASE_PREPARE: v.DATABASE_PREPARE ?? !database.pooled,
      REDIS_URL: redisUrlWithTls(v.REDIS_URL, v.REDIS_TLS),
      /** Seed nodes of a Redis Cluster besides REDIS_URL (empty for `true`), or null for a single server. */
      REDIS_CLUSTER: clusterSeeds(v.REDIS_CLUSTER, v.REDIS_TLS),
      REDIS_KEY_PREFIX: v.REDIS_KEY_PREFIX ?? environmentPrefix(v.VERCEL_ENV, v.VERCEL_GIT_COMMIT_REF),
      PROJECTORS_MODE: v.PROJECTORS_MODE ?? (v.VERCEL === '1' ? 'serverless' : 'worker'),
      AUTH_DEV_SIGNIN: v.AUTH_DEV_SIGNIN ?? v.NODE_ENV !== 'production',
      /** Where mail goes: an SMTP server, Resend, or (null) the development mailbox. */
      EMAIL_PROVIDER: emailProvider(v),
      LOG_FORMAT: v.LOG_FORMAT ?? (v.NODE_ENV === 'production' ? 'json' : 'pretty'),
    };
  });

export type Env = z.output<typeof envSchema>;

function clusterSeeds(value: string, tls: boolean): string[] | null {
  if (value === 'false' || value === '0') return null;
  if (value === 'true' || value === '1') return [];
  return value.split(',').map((url) => redisUrlWithTls(url.trim(), tls));
}

export type EmailProvider = 'smtp' | 'resend' | null;

function emailProvider(v: { EMAIL_SERVER?: string; RESEND_API_KEY?: string }): EmailProvider {
  if (v.RESEND_API_KEY) return 'resend';
  return v.EMAIL_SERVER ? 'smtp' : null;
}

/**
 * Whether this process serves a production deployment: NODE_ENV=production and,
 * on Vercel, a deployment that is not a preview (VERCEL_ENV unset counts as
 * production, to err on the safe side). Previews and local `npm run dev` are not.
 */
function productionDeployment(v: { NODE_ENV: string; VERCEL?: string; VERCEL_ENV?: string }): boolean {
  if (v.NODE_ENV !== 'production') return false;
  if (v.VERCEL === '1') return v.VERCEL_ENV !== 'preview' && v.VERCEL_ENV !== 'development';
  return true;
}

/** Thrown for a bad environment; its message is one line naming the variable. */
export class EnvError extends Error {
  override name = 'EnvError';
}

/**
 * Variables that only a running server needs. `next build` runs without them
 * (the build is the same artefact for every environment), so during the build
 * phase a missing one gets an inert placeholder; a malformed one still fails.
 * On Vercel (`VERCEL=1`) the deployment's variables are there at build time,
 * so a missing one fails the build instead of every request after it.
 */
const RUNTIME_ONLY: Partial<Record<keyof z.input<typeof envSchema>, string>> = {
  DATABASE_URL: 'postgres://build.invalid/streamline',
  REDIS_URL: 'redis://build.invalid',
  AUTH_SECRET: 'build-phase-placeholder-never-used-at-runtime',
};

/** Parses a raw environment (empty strings count as unset). Pure: exported for tests. */
export function parseEnv(source: Record<string, string | undefined>, opts: { buildPhase?: boolean } = {}): Env {
  const input: Record<string, string> = {};
  for (const [key, value] of Object.entries(withAliases(source))) {
    if (value !== undefined && value !== '') input[key] = value;
  }
  if (opts.buildPhase && input.VERCEL !== '1') {
    for (const [key, placeholder] of Object.entries(RUNTIME_ONLY)) input[key] ??= placeholder;
  }
  const result = envSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = issue?.path[0];
  const aliases: ReadonlyArray<string> = typeof name === 'string' && name in ENV_ALIASES ? ENV_ALIASES[name as keyof typeof ENV_ALIASES] : []; // checked by `in` just before
  const problem =
    typeof name === 'string' && input[name] === undefined && issue?.code === 'invalid_type'
      ? `${aliases.length > 0 ? `(or ${aliases.join(', ')}) ` : ''}is required but not set`
      : (issue?.message ?? 'is invalid');
  const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more)` : '';
  throw new EnvError(`Invalid environment: ${String(name ?? '?')} ${problem}${more}. See .env.example.`);
}

/**
 * Parses `process.env`; on a bad environment prints one line and exits, so
 * start-up stops with the variable's name instead of a stack trace.
 */
export function loadEnvOrExit(opts: { buildPhase?: boolean } = {}): Env {
  try {
    return parseEnv(process.env, opts);
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
