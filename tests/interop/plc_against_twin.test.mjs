// End to end (a): the virtual PLC as OPC UA client of the real `twinloop serve`, running the
// pusher station (docs/examples/pusher_station_plc.json) in real time through the active
// twin's node ids. TWINLOOP_BINARY names the binary.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, it } from "node:test";

import { MessageSecurityMode, OPCUAClient, SecurityPolicy } from "node-opcua";

import { startTwinloop } from "./twin.mjs";
import { runPusherPlc } from "./virtual_plc.mjs";

const binary = process.env.TWINLOOP_BINARY;
assert.ok(binary, "TWINLOOP_BINARY must name the twinloop executable");
const cycleMs = 10;
const stepSeconds = 0.01;

let twin;
let client;
let session;
let simulation;

before(async () => {
  twin = await startTwinloop(binary);
  const document = JSON.parse(
    await readFile(new URL("../../docs/examples/pusher_station_plc.json", import.meta.url), "utf8"),
  );
  const model = await twin.importModel(document);
  simulation = await twin.call("POST", `/models/${model.id}/simulations`, { realtime_factor: 1 });
  client = OPCUAClient.create({
    endpointMustExist: false,
    securityMode: MessageSecurityMode.None,
    securityPolicy: SecurityPolicy.None,
    connectionStrategy: { maxRetry: 0 },
  });
  await client.connect(simulation.opcua.endpoint_url);
  session = await client.createSession();
  simulation = await twin.call("POST", `/simulations/${simulation.id}/start`);
});

after(async () => {
  await session?.close();
  await client?.disconnect();
  assert.equal(await twin?.stop(), 0);
});

it("pushes two parts with the plant's timing, delayed by no more than the PLC's cycles", async () => {
  const seen = await runPusherPlc(session, (name) => `ns=1;s=twin.${name}`, { cycleMs, pushes: 2 });
  assert.equal(seen.writes_refused, 0);
  assert.equal(seen.at_end.length, 2, JSON.stringify(seen));
  assert.equal(seen.extended.length, 2, JSON.stringify(seen));
  assert.ok(seen.longest_cycle < 0.25, `the PLC's cycles stay short: ${seen.longest_cycle} s`);
  // Each handshake goes through the PLC: it sees a sensor at most one of its cycles after the
  // step that set it, and its command acts from the step after its write arrives, so each
  // edge it times is late by at most two of its longest cycles and a step.
  const lag = 2 * seen.longest_cycle + stepSeconds;
  const all = JSON.stringify(seen);
  for (let i = 0; i < 2; ++i) {
    // The stroke takes 0.5 s (50 steps) of twin time, which runs at wall-clock speed.
    const stroke = seen.extended[i] - seen.at_end[i];
    assert.ok(stroke >= 0.5 - 2 * stepSeconds && stroke <= 0.5 + lag, `stroke ${i}: ${stroke} s; ${all}`);
  }
  // A part reaches the barrier every 4 s when the belt stops the step the barrier closes.
  // The PLC stops it later (the next part comes closer meanwhile) and starts it later again,
  // and sees either barrier up to its lag late: the interval is 4 s give or take that lag.
  const interval = seen.at_end[1] - seen.at_end[0];
  assert.ok(Math.abs(interval - 4.0) <= 2 * lag, `interval ${interval} s; ${all}`);
  // The first part reaches the barrier at 4.01 s of twin time once the belt runs.
  assert.ok(seen.at_end[0] >= 4.0 - 0.05 && seen.at_end[0] <= 4.01 + lag + 0.2, `first ${seen.at_end[0]} s; ${all}`);
  assert.equal(seen.count, 2, "both parts are in the sink");

  const status = await twin.call("GET", `/simulations/${simulation.id}`);
  assert.deepEqual(status.opcua.external_inputs, ["belt_motor.forward", "pusher.extend", "pusher.retract"]);
});
