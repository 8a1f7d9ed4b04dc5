/**
 * The fallback SMTP sink when Postfix's smtp-sink is not installed: smtp-server in its own
 * process (so its CPU is not the pipeline's), keeping nothing, answering 250 to every message.
 * Prints `listening <port>` once it accepts connections.
 */
import { SMTPServer } from 'smtp-server';

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  size: 50 * 1024 * 1024,
  maxClients: 1000,
  onData(stream, _session, cb) {
    stream.on('end', () => cb(null, 'Ok'));
    stream.resume();
  },
});
server.on('error', (err) => console.error(`sink error: ${err.message}`));
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  console.log(`listening ${(server.server.address() as { port: number }).port}`);
});
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
