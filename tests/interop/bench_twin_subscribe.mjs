// Benchmark (not a test): a node-opcua client subscribed to N of the twin's signals, each
// changing every step, at a 10 ms publishing interval; reports how many changes arrived
// against how many steps the twin made. Starts `twinloop serve` itself.
//   HOME=$(mktemp -d) node bench_twin_subscribe.mjs <twinloop binary> [signals=1000] [seconds=10]
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";

import {
  AttributeIds,
  ClientMonitoredItemGroup,
  ClientSubscription,
  MessageSecurityMode,
  OPCUAClient,
  SecurityPolicy,
  TimestampsToReturn,
} from "node-opcua";

import { startTwinloop } from "./twin.mjs";

const [binary, signalsText = "1000", secondsText = "10"] = process.argv.slice(2);
const signals = Number(signalsText);
const seconds = Number(secondsText);
const components = [];
for (let i = 0; i < signals; ++i) {
  components.push({ name: `r${i}`, type: "ramp", parameters: { slope: 1 + i }, position: null });
}
const twin = await startTwinloop(binary);
try {
  const model = await twin.importModel({
    format: "twinloop.model",
    format_version: 1,
    model: { name: "subscribe bench", description: "", step_size: 0.01 },
    components,
    connections: [],
  });
  const simulation = await twin.call("POST", `/models/${model.id}/simulations`, {
    realtime_factor: 1,
    record: [],
  });
  const client = OPCUAClient.create({
    endpointMustExist: false,
    securityMode: MessageSecurityMode.None,
    securityPolicy: SecurityPolicy.None,
  });
  await client.connect(simulation.opcua.endpoint_url);
  const session = await client.createSession();
  const subscription = ClientSubscription.create(session, {
    requestedPublishingInterval: 10,
    requestedMaxKeepAliveCount: 100,
    requestedLifetimeCount: 1000,
    maxNotificationsPerPublish: 0,
    publishingEnabled: true,
  });
  const items = components.map((component) => ({
    nodeId: `ns=1;s=${simulation.id}.${component.name}.y`,
    attributeId: AttributeIds.Value,
  }));
  const group = ClientMonitoredItemGroup.create(
    subscription,
    items,
    { samplingInterval: 10, queueSize: 1, discardOldest: true },
    TimestampsToReturn.Both,
  );
  let changes = 0;
  let latest = 0;
  group.on("changed", (item, dataValue) => {
    changes += 1;
    latest = Math.max(latest, dataValue.sourceTimestamp?.getTime() ?? 0);
  });
  await sleep(500);
  const started = await twin.call("POST", `/simulations/${simulation.id}/start`);
  const t0 = performance.now();
  changes = 0;
  await sleep(seconds * 1000);
  const status = await twin.call("GET", `/simulations/${started.id}`);
  const elapsed = (performance.now() - t0) / 1000;
  const received = changes;
  await sleep(200);
  const after = changes - received;
  console.log(
    JSON.stringify({
      signals,
      seconds: elapsed,
      steps: status.steps,
      changes_expected: status.steps * signals,
      changes_received: received,
      changes_per_second: received / elapsed,
      changes_in_the_200_ms_after: after,
      newest_value_age_ms: Date.now() - latest,
      overruns: status.realtime.overruns,
    }),
  );
  await subscription.terminate();
  await session.close();
  await client.disconnect();
} finally {
  await twin.stop();
}
