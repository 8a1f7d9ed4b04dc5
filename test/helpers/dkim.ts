import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Debian's python3-dkim (dkimpy), an implementation independent of ours, verifying received mail
 * with the test keys answered in place of DNS. The system interpreter: a pyenv or venv python on
 * PATH does not see Debian's packages.
 */
const PYTHON = '/usr/bin/python3';

const VERIFY = `
import sys, json, dkim
req = json.load(sys.stdin)
records = {k.lower(): v.encode() for k, v in req['records'].items()}
def dnsfunc(name, timeout=5):
    return records.get(name.decode().rstrip('.').lower())
out = []
for raw in req['messages']:
    msg = raw.encode('latin1')
    d = dkim.DKIM(msg)
    sigs = [v for (k, v) in d.headers if k.lower() == b'dkim-signature']
    res = []
    for i, sig in enumerate(sigs):
        tags = dkim.util.parse_tag_value(sig)
        try:
            ok, err = dkim.DKIM(msg).verify(idx=i, dnsfunc=dnsfunc), None
        except dkim.DKIMException as e:
            ok, err = False, str(e)
        res.append({'ok': bool(ok), 'error': err, 'a': tags[b'a'].decode(), 'd': tags[b'd'].decode(),
                    'c': tags.get(b'c', b'').decode(), 'l': b'l' in tags,
                    'h': [h.strip().decode().lower() for h in tags[b'h'].split(b':')]})
    out.append(res)
print(json.dumps(out))
`;

export interface SignatureCheck {
  ok: boolean;
  /** dkimpy's reason when it fails. */
  error: string | null;
  a: string;
  d: string;
  c: string;
  /** Whether the signature has an l= tag. */
  l: boolean;
  /** Signed header names, lower case, in h= order. */
  h: string[];
}

/** Each message's signatures as python3-dkim sees them. Rejects when dkimpy cannot be imported. */
export function verifyDkim(
  messages: Buffer[],
  records: Record<string, string>,
): Promise<SignatureCheck[][]> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      PYTHON,
      ['-c', VERIFY],
      { maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`python3-dkim: ${stderr || err.message}`));
        resolve(JSON.parse(stdout) as SignatureCheck[][]);
      },
    );
    child.stdin!.end(
      JSON.stringify({ records, messages: messages.map((m) => m.toString('latin1')) }),
    );
  });
}

/**
 * Why the verifier cannot run here (undefined: it can). Under CI=true a missing verifier is an
 * error, not a skip: .ci/run installs it.
 */
export async function dkimpyMissing(): Promise<string | undefined> {
  const reason = await whyMissing();
  if (reason && process.env.CI === 'true') throw new Error(`CI=true: ${reason}`);
  return reason;
}

function whyMissing(): Promise<string | undefined> {
  if (!existsSync(PYTHON))
    return Promise.resolve(`${PYTHON} is missing (apt-get install python3-dkim)`);
  return new Promise((resolve) =>
    execFile(PYTHON, ['-c', 'import dkim, nacl'], (err) =>
      resolve(
        err
          ? 'python3-dkim and python3-nacl are not installed (apt-get install python3-dkim)'
          : undefined,
      ),
    ),
  );
}

/** A fresh RSA-2048 and Ed25519 key pair written as PEM files under `dir`. */
export async function writeTestKeys(dir: string): Promise<{ rsaFile: string; edFile: string }> {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ed = generateKeyPairSync('ed25519');
  const rsaFile = join(dir, 'dkim-rsa.pem');
  const edFile = join(dir, 'dkim-ed25519.pem');
  await writeFile(rsaFile, rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  await writeFile(edFile, ed.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return { rsaFile, edFile };
}
