import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitForEdition } from '../../src/operations/progress.js';
import { dnsRecord, loadDkimKeys } from '../../src/runtime/dkim-keys.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { sampleWire, testPipeline, type TestPipeline } from '../helpers/pipeline.js';
import { dkimpyMissing, verifyDkim, writeTestKeys } from '../helpers/dkim.js';

const missing = await dkimpyMissing();

describe.skipIf(missing)(
  `every delivered copy is DKIM-signed (python3-dkim verifies)${missing ? ` — SKIPPED: ${missing}` : ''}`,
  () => {
    let t: TestPipeline;
    let sink: SmtpSink;
    let dir: string;
    afterEach(async () => {
      await t?.cleanup();
      await sink?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('RSA-2048 and Ed25519: each copy carries two signatures that verify, one-click headers signed', async () => {
      dir = await mkdtemp(join(tmpdir(), 'gazette-dkim-'));
      const { rsaFile, edFile } = await writeTestKeys(dir);
      sink = await startSmtpSink();
      t = await testPipeline({
        SMTP_URL: sink.url,
        DKIM_DOMAIN: 'news.example',
        DKIM_SELECTOR: 'gz2026',
        DKIM_PRIVATE_KEY_FILE: rsaFile,
        DKIM_ED25519_SELECTOR: 'gz2026e',
        DKIM_ED25519_KEY_FILE: edFile,
      });
      await t.addSubscribers(5);
      await t.writeArticle(
        'harbour.txt',
        sampleWire('The harbour  reopened on Monday,\tafter a week of storms.   '),
      );
      t.startWorkers();
      const editionId = await t.publish();
      const progress = await waitForEdition(t.ctx, editionId, {
        timeoutMs: 15_000,
        intervalMs: 50,
      });
      expect(progress).toMatchObject({ sent: 5, failed: 0 });
      expect(sink.received).toHaveLength(5);

      const records = Object.fromEntries(
        loadDkimKeys(t.config.dkim).map((k) => {
          const r = dnsRecord(k);
          return [r.name, r.value];
        }),
      );
      expect(Object.keys(records).sort()).toEqual([
        'gz2026._domainkey.news.example',
        'gz2026e._domainkey.news.example',
      ]);
      const results = await verifyDkim(
        sink.received.map((m) => m.raw),
        records,
      );
      for (const signatures of results) {
        expect(signatures.map((s) => s.a)).toEqual(['rsa-sha256', 'ed25519-sha256']);
        for (const s of signatures) {
          expect(s).toMatchObject({ ok: true, d: 'news.example', c: 'relaxed/relaxed', l: false });
          expect(s.h).toEqual(
            expect.arrayContaining([
              'from',
              'to',
              'subject',
              'date',
              'message-id',
              'mime-version',
              'content-type',
              'list-id',
              'list-unsubscribe',
              'list-unsubscribe-post',
              'feedback-id',
            ]),
          );
        }
      }

      // The verifier is not a rubber stamp: one changed byte of a body, or a header, fails both.
      const raw = sink.received[0]!.raw.toString('latin1');
      const bodyAt = raw.indexOf('\r\n\r\n') + 200;
      const tampered = [
        Buffer.from(raw.slice(0, bodyAt) + 'X' + raw.slice(bodyAt + 1), 'latin1'),
        Buffer.from(
          raw.replace(
            'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
            'List-Unsubscribe-Post: List-Unsubscribe=One-Clack',
          ),
          'latin1',
        ),
      ];
      const bad = await verifyDkim(tampered, records);
      expect(bad.flat().map((s) => s.ok)).toEqual([false, false, false, false]);
    });
  },
);
