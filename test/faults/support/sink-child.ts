/**
 * A real SMTP server (smtp-server) in its own process, for the fault suite. It keeps only the
 * Message-ID and recipient of each message and reports them to its parent over IPC, so a kill
 * or a stall of the worker under test can never touch what the sink counted.
 *
 * Started with `fork()`; the behaviour comes as JSON in argv[2] and can be changed over IPC.
 */
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { SinkBehaviour, SinkCommand, SinkEvent } from './sink-protocol.js';

const port = Number(process.argv[3] ?? 0);
let behaviour: SinkBehaviour = JSON.parse(process.argv[2] ?? '{}') as SinkBehaviour;
let dataSeen = 0;
const stalled = new Set<() => void>();

const send = (e: SinkEvent) => process.send?.(e);

type Conn = { id: string; _socket: { destroy(): void } };
const connections = (): Conn[] => [
  ...(server as unknown as { connections: Set<Conn> }).connections,
];

function messageIdOf(head: string): string {
  return /^Message-ID:\s*(<[^>]+>)/im.exec(head)?.[1] ?? '';
}

const refusal = (code: number, message: string) =>
  Object.assign(new Error(message), { responseCode: code });

const server: SMTPServer = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  size: 10 * 1024 * 1024,
  onRcptTo(address, _session, cb) {
    const rule = behaviour.rcpt?.find((r) => address.address.includes(r.match));
    if (rule) {
      send({ t: 'refused', to: address.address, code: rule.code });
      return cb(refusal(rule.code, rule.message));
    }
    cb();
  },
  onData(stream, session: SMTPServerSession, cb) {
    // Only the header block is kept: the body is read and dropped.
    let head = '';
    let headDone = false;
    stream.on('data', (c: Buffer) => {
      if (headDone) return;
      head += c.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end >= 0) {
        head = head.slice(0, end);
        headDone = true;
      }
    });
    stream.on('end', () => {
      const id = messageIdOf(head);
      const to = session.envelope.rcptTo.map((r) => r.address).join(',');
      const index = dataSeen++;
      const b = behaviour;
      const reply = () => {
        if (b.tempFail && index < b.tempFail.first) {
          send({ t: 'refused', to, code: b.tempFail.code, id });
          return cb(refusal(b.tempFail.code, b.tempFail.message));
        }
        if (b.dropAfterData?.some((m) => to.includes(m))) {
          // The reply to "." is lost: the client cannot know whether we kept the message.
          send({ t: 'dropped', to, id });
          connections()
            .find((c) => c.id === session.id)
            ?._socket.destroy();
          return;
        }
        send({ t: 'msg', to, id });
        cb(null, 'Queued');
      };
      if (b.stallAfterData) {
        // Hold the reply until told to let go (or the client gives up and closes).
        const release = () => {
          stalled.delete(release);
          reply();
        };
        stalled.add(release);
        send({ t: 'stalled', to, id });
        return;
      }
      if (b.replyDelayMs) setTimeout(reply, b.replyDelayMs);
      else reply();
    });
  },
});
server.on('error', (err) => send({ t: 'error', message: err.message }));

let listening = false;
function listen(): void {
  if (listening) return;
  listening = true;
  server.server.listen(port, '127.0.0.1', () => {
    const addr = server.server.address() as { port: number };
    send({ t: 'listening', port: addr.port });
  });
}

process.on('message', (cmd: SinkCommand) => {
  if (cmd.t === 'set') behaviour = cmd.behaviour;
  if (cmd.t === 'release') for (const r of [...stalled]) r();
  if (cmd.t === 'close') {
    server.close(() => process.exit(0));
    for (const c of connections()) c._socket.destroy();
  }
});
process.on('disconnect', () => process.exit(0));
listen();
