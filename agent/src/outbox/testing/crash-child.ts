// Child process for the outbox crash tests: enqueues events, lets the first few be accepted, saves the
// cursor, prints "ready" and waits to be killed with SIGKILL while the rest are still unacked.
// Usage: node --import tsx crash-child.ts <dir> <count> <accepted>
import { DiskOutbox } from "../disk-outbox.js";
import { FakePublisher } from "./fake-publisher.js";

const [dir, countText, acceptedText] = process.argv.slice(2);
const count = Number(countText);
const accepted = Number(acceptedText);
const publisher = new FakePublisher();
publisher.publish = async (subject, messageId, data) => {
  if (publisher.accepted.length >= accepted) return new Promise(() => undefined);
  return FakePublisher.prototype.publish.call(publisher, subject, messageId, data);
};
const outbox = await DiskOutbox.open({ dir: dir!, publisher, maxInFlight: 1, onError: () => undefined });
for (let i = 0; i < count; i++) await outbox.enqueue("t.events.h.service", `id-${i}`, new TextEncoder().encode(`event ${i}`));
while (outbox.pending() > count - accepted) await new Promise((resolve) => setTimeout(resolve, 5));
await outbox.checkpoint();
process.stdout.write("ready\n");
setInterval(() => undefined, 60_000);
