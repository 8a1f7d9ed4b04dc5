/**
 * The tests' SMTP sink (test/helpers/smtp.ts) in its own process, for the fault suite. It keeps
 * only the Message-ID and recipient of each message and reports them to its parent over IPC, so
 * a kill or a stall of the worker under test can never touch what the sink counted.
 *
 * Started with `fork()`; the behaviour comes as JSON in argv[2] and can be changed over IPC.
 */
import { startSmtpSink, type DataVerdict } from '../../helpers/smtp.js';
import type { SinkBehaviour, SinkCommand, SinkEvent } from './sink-protocol.js';

const port = Number(process.argv[3] ?? 0);
let behaviour: SinkBehaviour = JSON.parse(process.argv[2] ?? '{}') as SinkBehaviour;
const stalled = new Set<() => void>();

const send = (e: SinkEvent) => process.send?.(e);

function messageIdOf(head: Buffer): string {
  return /^Message-ID:\s*(<[^>]+>)/im.exec(head.toString('latin1'))?.[1] ?? '';
}

const sink = await startSmtpSink({
  port,
  headersOnly: true,
  onRcpt(address) {
    const rule = behaviour.rcpt?.find((r) => address.includes(r.match));
    if (!rule) return undefined;
    send({ t: 'refused', to: address, code: rule.code });
    return { code: rule.code, message: rule.message };
  },
  async onData(msg, index): Promise<DataVerdict> {
    const id = messageIdOf(msg.raw);
    const to = msg.to.join(',');
    const b = behaviour;
    if (b.stallAfterData) {
      // Hold the reply until told to let go (or the client gives up and closes).
      send({ t: 'stalled', to, id });
      await new Promise<void>((release) => {
        const done = () => {
          stalled.delete(done);
          release();
        };
        stalled.add(done);
      });
    } else if (b.replyDelayMs) {
      await new Promise((r) => setTimeout(r, b.replyDelayMs));
    }
    if (b.tempFail && index < b.tempFail.first) {
      send({ t: 'refused', to, code: b.tempFail.code, id });
      return { code: b.tempFail.code, message: b.tempFail.message };
    }
    if (b.dropAfterData?.some((m) => to.includes(m))) {
      // The reply to "." is lost: the client cannot know whether we kept the message.
      send({ t: 'dropped', to, id });
      return 'drop';
    }
    send({ t: 'msg', to, id });
    return 'accept';
  },
});
send({ t: 'listening', port: sink.port });

process.on('message', (cmd: SinkCommand) => {
  if (cmd.t === 'set') behaviour = cmd.behaviour;
  if (cmd.t === 'release') for (const r of [...stalled]) r();
  if (cmd.t === 'close') void sink.close().then(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
