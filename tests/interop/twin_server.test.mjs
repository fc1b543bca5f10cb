// node-opcua's client against the OPC UA server of the real `twinloop serve`: a running
// simulation's nodes are browsed, read, written and subscribed, under Simulations/<id> and as
// the active twin; they go when the simulation is deleted. TWINLOOP_BINARY names the binary.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";

import {
  AttributeIds,
  ClientMonitoredItem,
  ClientSubscription,
  DataType,
  MessageSecurityMode,
  OPCUAClient,
  SecurityPolicy,
  TimestampsToReturn,
} from "node-opcua";

import { startTwinloop } from "./twin.mjs";

const binary = process.env.TWINLOOP_BINARY;
assert.ok(binary, "TWINLOOP_BINARY must name the twinloop executable");

// clock.y = t; double.y = 2 * double.u (u open: the PLC drives it); gate.OUT = IN1 AND IN2.
const model = {
  format: "twinloop.model",
  format_version: 1,
  model: { name: "twin", description: "", step_size: 0.01 },
  components: [
    { name: "clock", type: "ramp", parameters: { slope: 1.0 }, position: null },
    { name: "double", type: "gain", parameters: { k: 2.0 }, position: null },
    { name: "gate", type: "and", parameters: {}, position: null },
  ],
  connections: [],
};

let twin;
let simulation;
let client;
let session;

before(async () => {
  twin = await startTwinloop(binary);
  const created = await twin.importModel(model);
  simulation = await twin.call("POST", `/models/${created.id}/simulations`, { realtime_factor: 1 });
  assert.match(simulation.opcua.endpoint_url, /^opc\.tcp:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(simulation.opcua.node_id_prefix, `ns=1;s=${simulation.id}.`);
  simulation = await twin.call("POST", `/simulations/${simulation.id}/start`);
  client = OPCUAClient.create({
    applicationName: "twinloop hil interop test",
    endpointMustExist: false,
    securityMode: MessageSecurityMode.None,
    securityPolicy: SecurityPolicy.None,
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
  });
  await client.connect(simulation.opcua.endpoint_url);
  session = await client.createSession();
});

after(async () => {
  await session?.close();
  await client?.disconnect();
  const code = await twin?.stop();
  assert.equal(code, 0, "twinloop stops cleanly on SIGTERM");
});

const node = (name) => `ns=1;s=${simulation.id}.${name}`;

async function read(nodeId, attributeId = AttributeIds.Value) {
  return session.read({ nodeId, attributeId });
}

async function write(nodeId, dataType, value) {
  const [status] = await session.write([
    { nodeId, attributeId: AttributeIds.Value, value: { value: { dataType, value } } },
  ]);
  return status;
}

async function until(predicate, what, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await sleep(20);
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe("the simulation's nodes", () => {
  it("are browsable under Objects/Simulations/<id>/<component>/<port>", async () => {
    const path = await session.translateBrowsePath({
      startingNode: "i=85",
      relativePath: {
        elements: ["Simulations", String(simulation.id), "gate", "OUT"].map((name) => ({
          referenceTypeId: "i=33", // HierarchicalReferences
          isInverse: false,
          includeSubtypes: true,
          targetName: { namespaceIndex: 1, name },
        })),
      },
    });
    assert.equal(path.statusCode.name, "Good");
    assert.equal(path.targets[0].targetId.toString(), node("gate.OUT"));
  });

  it("carry the ports' data types and access levels", async () => {
    assert.equal((await read(node("clock.y"), AttributeIds.DataType)).value.value.toString(), "ns=0;i=11");
    assert.equal((await read(node("gate.OUT"), AttributeIds.DataType)).value.value.toString(), "ns=0;i=1");
    assert.equal((await read(node("clock.y"), AttributeIds.AccessLevel)).value.value, 1);
    assert.equal((await read(node("double.u"), AttributeIds.AccessLevel)).value.value, 3);
    const refused = await write(node("clock.y"), DataType.Double, 1);
    assert.equal(refused.name, "BadNotWritable");
  });

  it("show the run going on", async () => {
    const first = (await read(node("clock.y"))).value.value;
    await sleep(200);
    const later = (await read(node("clock.y"))).value.value;
    assert.ok(later > first + 0.1, `clock.y went from ${first} to ${later} in 0.2 s`);
  });

  it("take writes to inputs from the next step on, listed as external inputs", async () => {
    assert.equal((await write(node("double.u"), DataType.Double, 1.5)).name, "Good");
    await until(async () => (await read(node("double.y"))).value.value === 3.0, "double.y = 3");
    assert.equal((await write(node("gate.IN1"), DataType.Boolean, true)).name, "Good");
    assert.equal((await write(node("gate.IN2"), DataType.Boolean, true)).name, "Good");
    await until(async () => (await read(node("gate.OUT"))).value.value === true, "gate.OUT true");
    const status = await twin.call("GET", `/simulations/${simulation.id}`);
    assert.deepEqual(status.opcua.external_inputs, ["double.u", "gate.IN1", "gate.IN2"]);
    assert.equal(status.opcua.active_twin, true);
  });

  it("deliver changes to a subscription", async () => {
    const subscription = ClientSubscription.create(session, {
      requestedPublishingInterval: 20,
      requestedMaxKeepAliveCount: 10,
      publishingEnabled: true,
    });
    const item = ClientMonitoredItem.create(
      subscription,
      { nodeId: node("clock.y"), attributeId: AttributeIds.Value },
      { samplingInterval: 10, queueSize: 100, discardOldest: true },
      TimestampsToReturn.Both,
    );
    const seen = [];
    item.on("changed", (dataValue) => seen.push(dataValue.value.value));
    await until(() => seen.length >= 10, "ten changes of clock.y");
    for (let i = 1; i < seen.length; ++i) assert.ok(seen[i] > seen[i - 1], "clock.y rises");
    await subscription.terminate();
  });

  it("are also the active twin under ns=1;s=twin.<component>.<port>", async () => {
    assert.equal((await write("ns=1;s=twin.double.u", DataType.Double, 4)).name, "Good");
    await until(async () => (await read(node("double.y"))).value.value === 8.0, "double.y = 8");
    assert.equal((await read("ns=1;s=twin.double.y")).value.value, 8.0);
  });

  it("go when the simulation is deleted", async () => {
    await twin.call("DELETE", `/simulations/${simulation.id}`);
    assert.equal((await read(node("clock.y"))).statusCode.name, "BadNodeIdUnknown");
    assert.equal((await read("ns=1;s=twin.clock.y")).statusCode.name, "BadNodeIdUnknown");
  });
});
