// node-opcua's client reading 1000 Double values per request, one request at a time, for the
// benchmark bench/opcua (it lives here so that node_modules resolves).
//   node bench_read_client.mjs <url> <node id prefix, e.g. "ns=2;s=Demo.Many."> <seconds>
// Prints "RESULT <requests> <seconds> <p50 ms> <p99 ms>".
import { AttributeIds, MessageSecurityMode, OPCUAClient, SecurityPolicy } from "node-opcua";

const [url, prefix, secondsText] = process.argv.slice(2);
const seconds = Number(secondsText || 5);

const client = OPCUAClient.create({
  endpointMustExist: false,
  securityMode: MessageSecurityMode.None,
  securityPolicy: SecurityPolicy.None,
  connectionStrategy: { maxRetry: 0 },
});
await client.connect(url);
const session = await client.createSession();
const nodes = Array.from({ length: 1000 }, (_, i) => ({ nodeId: `${prefix}${i}`, attributeId: AttributeIds.Value }));

for (let i = 0; i < 20; ++i) await session.read(nodes);  // warm-up
const first = await session.read(nodes);
if (first.some((value) => value.statusCode.name !== "Good")) throw new Error("a value did not read");

const latencies = [];
const started = process.hrtime.bigint();
const until = started + BigInt(Math.round(seconds * 1e9));
for (let now = started; now < until; now = process.hrtime.bigint()) {
  await session.read(nodes);
  latencies.push(Number(process.hrtime.bigint() - now) / 1e6);
}
const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
latencies.sort((a, b) => a - b);
const percentile = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
process.stdout.write(`RESULT ${latencies.length} ${elapsed} ${percentile(0.5)} ${percentile(0.99)}\n`);
await session.close();
await client.disconnect();
