/**
 * A local SMTP server for tests: accepts every mail on 127.0.0.1 (a free port),
 * parses it, and keeps it in memory and, when given a directory, as one JSON
 * file per mail, so test files running in other processes than the sink (the
 * e2e project starts it in global setup) can read what arrived.
 *
 * Recipients whose address starts with `refused` are refused with 550, so a
 * test can make a send fail for real. No TLS, no authentication.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { eventually } from './log-capture';

export interface ReceivedMail {
  /** Envelope recipients (RCPT TO), lower-case. */
  to: string[];
  from: string;
  subject: string;
  text: string;
  messageId: string;
  receivedAt: string;
}

export interface SmtpSink {
  port: number;
  /** `smtp://127.0.0.1:<port>`, for EMAIL_SERVER. */
  url: string;
  /** Mails received so far by this process's sink, oldest first. */
  mails: ReceivedMail[];
  stop(): Promise<void>;
}

/** Refused recipients, to make a send fail on purpose. */
export const REFUSED_RECIPIENT = /^refused/i;

export async function startSmtpSink(opts: { dir?: string } = {}): Promise<SmtpSink> {
  if (opts.dir) mkdirSync(opts.dir, { recursive: true });
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (REFUSED_RECIPIENT.test(address.address)) {
        // smtp-server reads the reply code from the error.
        callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const mail: ReceivedMail = {
            to: session.envelope.rcptTo.map((a) => a.address.toLowerCase()),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            messageId: parsed.messageId ?? '',
            receivedAt: new Date().toISOString(),
          };
          mails.push(mail);
          if (opts.dir) {
            // Written under a temporary name and renamed, so a reader never sees half a file.
            const name = `${Date.now()}-${randomUUID()}.json`;
            writeFileSync(path.join(opts.dir, `.${name}`), JSON.stringify(mail));
            renameSync(path.join(opts.dir, `.${name}`), path.join(opts.dir, name));
          }
          callback();
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // listen() on a TCP port gives an AddressInfo, never a pipe name.
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    mails,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Every mail in a sink's directory, oldest first. */
export function mailsIn(dir: string): ReceivedMail[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json') && !name.startsWith('.'))
    .sort()
    .map((name): ReceivedMail => JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as ReceivedMail); // written by startSmtpSink above
}

/** Waits for the first mail to `to` (whose subject matches `subject`, if given) in a sink's directory. */
export async function waitForMail(dir: string, to: string, opts: { subject?: RegExp; timeoutMs?: number } = {}): Promise<ReceivedMail> {
  const find = () => mailsIn(dir).find((m) => m.to.includes(to.toLowerCase()) && (!opts.subject || opts.subject.test(m.subject)));
  await eventually(() => find() !== undefined, opts.timeoutMs ?? 15_000, `a mail to ${to}`);
  const mail = find();
  if (!mail) throw new Error(`no mail to ${to}`);
  return mail;
}

/** The first http(s) link in a mail's text. */
export function linkIn(mail: ReceivedMail): string {
  const link = /https?:\/\/\S+/.exec(mail.text)?.[0];
  if (!link) throw new Error(`no link in the mail "${mail.subject}"`);
  return link;
}
