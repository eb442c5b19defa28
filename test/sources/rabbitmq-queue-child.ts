// Child process of rabbitmq-queue-source.test.ts: consumes `queue` with the rabbitmq queue source until
// it holds `n` messages, reads them as a batch, prints READ <bodies> and waits to be SIGKILLed (never commits).
import { RABBITMQ_SOURCE } from '../../src/sources/rabbitmq-source.js';
import { setSourceWarningHandler } from '../../src/sources/source-options.js';

const [queue, n] = [process.argv[2]!, Number(process.argv[3])];
setSourceWarningHandler(() => undefined);
const src = RABBITMQ_SOURCE.create!({ metadataPath: '', options: { host: '127.0.0.1', queue }, schema: undefined, timeZone: 'UTC', now: () => Date.now() });
const deadline = Date.now() + 15_000;
let end: unknown = null;
while (Date.now() < deadline) {
  end = await src.latestOffset(null, { kind: 'all' });
  if (end !== null && (end as Record<string, number>)[queue] === n) break;
  await new Promise((r) => setTimeout(r, 20));
}
const [batch] = await src.getBatch(null, end as Record<string, number>);
const bodies = (batch!.columns[0]!.values as Uint8Array[]).map((v) => Buffer.from(v).toString());
process.stdout.write(`READ ${bodies.join(',')}\n`);
setInterval(() => undefined, 1000); // held until SIGKILL
