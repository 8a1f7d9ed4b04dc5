import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import type { ImapSettings } from '../../src/runtime/imap/mailbox.js';
import { freePort } from './redis-server.js';

/** Debian's dovecot-imapd puts the master here, outside a non-root PATH. */
const DOVECOT = '/usr/sbin/dovecot';

/**
 * Why a dovecot of our own cannot run here (undefined: it can). Under CI=true a missing dovecot
 * is an error, not a skip: .ci/run installs it.
 */
export function dovecotMissing(): string | undefined {
  const reason = existsSync(DOVECOT)
    ? undefined
    : `${DOVECOT} is missing (apt-get install dovecot-imapd): the IMAP polling tests need a real IMAP server`;
  if (reason && process.env.CI === 'true') throw new Error(`CI=true: ${reason}`);
  return reason;
}

export interface OwnImap {
  port: number;
  /** BOUNCE_IMAP_URL for this server's INBOX. */
  url: string;
  settings: ImapSettings;
  /** Stores a message in the INBOX (IMAP APPEND), as a delivering MTA would have. */
  append(raw: string | Buffer): Promise<void>;
  /** Every message in the INBOX, whole, oldest first. */
  messages(): Promise<string[]>;
  stop(): Promise<void>;
  cleanup(): Promise<void>;
}

/**
 * A dovecot of the test's own: a config in a temp dir, one passwd-file user whose Maildir is in
 * that dir, plaintext login on 127.0.0.1 only, no TLS, in the foreground. Run as root, dovecot
 * will not run its login and internal processes as root, so those and the mail user are
 * `nobody`; as anyone else, everything runs as that user.
 */
export async function startOwnImap(): Promise<OwnImap> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'gazette-test-imap-'));
  const root = process.getuid?.() === 0;
  const me = userInfo();
  const user = root
    ? { name: 'nobody', uid: 65534, gid: 65534 }
    : { name: me.username, uid: me.uid, gid: me.gid };
  const group = root ? 'nogroup' : undefined;
  const mail = join(dir, 'mail');
  await mkdir(mail);
  // The unprivileged processes must reach the dir and write the Maildir.
  await chmod(dir, 0o755);
  await chmod(mail, 0o777);
  const password = 'bounce-box-secret';
  await writeFile(
    join(dir, 'passwd'),
    `bounces:{PLAIN}${password}:${user.uid}:${user.gid}::${mail}\n`,
  );
  const conf = join(dir, 'dovecot.conf');
  await writeFile(
    conf,
    [
      `base_dir = ${join(dir, 'run')}`,
      `state_dir = ${join(dir, 'state')}`,
      `instance_name = gazette-test-imap-${port}`,
      'protocols = imap',
      'listen = 127.0.0.1',
      'ssl = no',
      'disable_plaintext_auth = no',
      'auth_mechanisms = plain login',
      `default_internal_user = ${user.name}`,
      ...(group ? [`default_internal_group = ${group}`] : []),
      `default_login_user = ${user.name}`,
      `mail_location = maildir:${mail}/%u`,
      'log_path = /dev/stderr',
      'passdb {',
      '  driver = passwd-file',
      `  args = scheme=PLAIN ${join(dir, 'passwd')}`,
      '}',
      'userdb {',
      '  driver = passwd-file',
      `  args = ${join(dir, 'passwd')}`,
      '}',
      'service imap-login {',
      '  chroot =',
      '  inet_listener imap {',
      '    address = 127.0.0.1',
      `    port = ${port}`,
      '  }',
      '  inet_listener imaps {',
      '    port = 0',
      '  }',
      '}',
      'service anvil {',
      '  chroot =',
      '}',
      '',
    ].join('\n'),
  );

  let log = '';
  const proc: ChildProcess = spawn(DOVECOT, ['-F', '-c', conf], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  proc.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const deadline = Date.now() + 15_000;
  while (!(await greets(port))) {
    if (proc.exitCode !== null) throw new Error(`dovecot exited:\n${log}`);
    if (Date.now() > deadline) throw new Error(`dovecot did not answer:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }

  const settings: ImapSettings = {
    host: '127.0.0.1',
    port,
    secure: false,
    requireTls: false,
    user: 'bounces',
    password,
    mailbox: 'INBOX',
  };
  const withClient = async <T>(fn: (c: ImapFlow) => Promise<T>): Promise<T> => {
    const c = new ImapFlow({
      host: '127.0.0.1',
      port,
      secure: false,
      auth: { user: 'bounces', pass: password },
      logger: false,
    });
    c.on('error', () => {});
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.logout().catch(() => c.close());
    }
  };
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  };
  return {
    port,
    url: `imap://bounces:${password}@127.0.0.1:${port}/INBOX`,
    settings,
    append: (raw) =>
      withClient(async (c) => {
        if (!(await c.append('INBOX', raw))) throw new Error('IMAP APPEND failed');
      }),
    messages: () =>
      withClient(async (c) => {
        const lock = await c.getMailboxLock('INBOX');
        try {
          const uids = (await c.search({ all: true }, { uid: true })) || [];
          if (uids.length === 0) return [];
          const found = await c.fetchAll(
            uids.join(','),
            { uid: true, source: true },
            { uid: true },
          );
          return found.sort((a, b) => a.uid - b.uid).map((m) => m.source!.toString('latin1'));
        } finally {
          lock.release();
        }
      }),
    stop,
    async cleanup() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** True once something on 127.0.0.1:`port` sends an IMAP greeting. */
function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.once('error', () => done(false));
    s.on('data', (d: Buffer) => {
      if (d.toString().includes('* OK')) done(true);
    });
  });
}
