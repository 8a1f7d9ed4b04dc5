/**
 * The floor for a Node sender: the same SMTP conversation as our transport (EHLO once, then per
 * message MAIL FROM, RCPT TO and DATA pipelined, the prepared bytes, the terminator) on plain
 * sockets, with nothing else: no classification, no timeouts, no TLS. What a message costs the
 * transport layer itself, to compare our send path with.
 */
import { connect, type Socket } from 'node:net';

interface Connection {
  socket: Socket;
  /** Called with each complete reply (the last line of a multi-line one), in order. */
  waiting: ((reply: string) => void)[];
}

function open(port: number): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const conn: Connection = { socket, waiting: [] };
    let buffered = '';
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let eol: number;
      while ((eol = buffered.indexOf('\r\n')) !== -1) {
        const line = buffered.slice(0, eol);
        buffered = buffered.slice(eol + 2);
        if (line[3] !== '-') conn.waiting.shift()?.(line);
      }
    });
    socket.once('error', reject);
    conn.waiting.push(() => {
      socket.write('EHLO bench\r\n');
      conn.waiting.push(() => resolve(conn));
    });
  });
}

const reply = (conn: Connection, expect: string) =>
  new Promise<void>((resolve, reject) =>
    conn.waiting.push((line) =>
      line.startsWith(expect) ? resolve() : reject(new Error(`SMTP: ${line}`)),
    ),
  );

export async function plainSmtpPool(port: number, size: number) {
  const idle = await Promise.all(Array.from({ length: size }, () => open(port)));
  const waiters: ((c: Connection) => void)[] = [];
  const TERMINATOR = Buffer.from('.\r\n');
  return {
    async send(from: string, to: string, raw: Buffer): Promise<void> {
      const conn = idle.pop() ?? (await new Promise<Connection>((r) => waiters.push(r)));
      const replies = [reply(conn, '250'), reply(conn, '250'), reply(conn, '354')];
      conn.socket.write(`MAIL FROM:<${from}>\r\nRCPT TO:<${to}>\r\nDATA\r\n`);
      await Promise.all(replies);
      const done = reply(conn, '250');
      conn.socket.cork();
      conn.socket.write(raw);
      conn.socket.write(TERMINATOR);
      conn.socket.uncork();
      await done;
      const next = waiters.shift();
      if (next) next(conn);
      else idle.push(conn);
    },
    close() {
      for (const c of idle) c.socket.end('QUIT\r\n');
    },
  };
}
