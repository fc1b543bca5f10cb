// End to end (b): the real `twinloop serve` as OPC UA client of a soft PLC (plc_server.mjs, a
// node-opcua server that runs the pusher station's sequence), through endpoint and bindings
// made over the REST API. The PLC, not the test, drives the sequence; the test checks its
// timing and counts, the endpoint's live status, and what the twin reports once the PLC goes.
// TWINLOOP_BINARY names the binary.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { after, before, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";

import { pusherBindings, startPusherPlcServer } from "./plc_server.mjs";
import { startTwinloop } from "./twin.mjs";

const binary = process.env.TWINLOOP_BINARY;
assert.ok(binary, "TWINLOOP_BINARY must name the twinloop executable");
const cycleMs = 10;
const stepSeconds = 0.01;

let twin;
let plc;

before(async () => {
  plc = await startPusherPlcServer({ cycleMs, pushes: 2 });
  twin = await startTwinloop(binary);
});

after(async () => {
  await plc?.stop();
  assert.equal(await twin?.stop(), 0);
});

async function until(read, done, timeoutMs = 15000) {
  const deadline = performance.now() + timeoutMs;
  let value = await read();
  while (!done(value) && performance.now() < deadline) {
    await sleep(50);
    value = await read();
  }
  return value;
}

it("runs the PLC's sequence with the plant's timing through the twin's bindings", async () => {
  const document = JSON.parse(
    await readFile(new URL("../../docs/examples/pusher_station_plc.json", import.meta.url), "utf8"),
  );
  const model = await twin.importModel(document);
  const endpoint = await twin.call("POST", `/projects/${model.project_id}/endpoints`, {
    name: "soft-plc",
    url: plc.url,
    fault_policy: "hold",
  });
  for (const binding of pusherBindings(endpoint.id)) await twin.call("POST", `/models/${model.id}/bindings`, binding);
  let simulation = await twin.call("POST", `/models/${model.id}/simulations`, {});
  assert.equal(simulation.realtime_factor, 1, "paced by default with bindings");
  const startedAt = performance.now();
  simulation = await twin.call("POST", `/simulations/${simulation.id}/start`);

  const seen = await Promise.race([plc.done, sleep(30000).then(() => null)]);
  assert.ok(seen, `the sequence completes within 30 s: ${JSON.stringify(plc.seen)}`);
  const all = JSON.stringify(seen);
  assert.equal(seen.at_end.length, 2, all);
  assert.ok(seen.longest_cycle < 0.25, `the PLC's scans stay regular: ${seen.longest_cycle} s`);
  // A sensor reaches the PLC at most a step after the twin computed it (its write follows the
  // step) and a scan later; a command acts from the twin's next read, a step later: each edge
  // the PLC times is late by at most two of its longest cycles and two steps.
  const lag = 2 * seen.longest_cycle + 2 * stepSeconds;
  for (let i = 0; i < 2; ++i) {
    const stroke = seen.extended[i] - seen.at_end[i];
    assert.ok(stroke >= 0.5 - 2 * stepSeconds && stroke <= 0.5 + lag, `stroke ${i}: ${stroke} s; ${all}`);
  }
  const interval = seen.at_end[1] - seen.at_end[0];
  assert.ok(Math.abs(interval - 4.0) <= 2 * lag, `interval ${interval} s; ${all}`);
  // The first part reaches the barrier at 4.01 s of twin time, which runs at wall-clock speed.
  const firstArrival = seen.at_end[0] - (startedAt - plc.startedAt) / 1000;
  assert.ok(firstArrival >= 4.0 - 0.05 && firstArrival <= 4.01 + lag + 0.3, `first ${firstArrival} s; ${all}`);

  const status = await twin.call("GET", `/simulations/${simulation.id}`);
  assert.equal(status.state, "running");
  const [link] = status.endpoints;
  assert.equal(link.state, "connected", JSON.stringify(link));
  assert.equal(link.bindings, 7);
  assert.equal(link.errors, 0, JSON.stringify(link));
  assert.ok(link.cycles >= 800, `an exchange every step: ${link.cycles} in ${status.steps} steps`);
  assert.ok(link.p99_exchange_ms > 0, JSON.stringify(link));
  const count = await until(() => twin.call("GET", `/simulations/${simulation.id}/results?signals=sink.count`),
    (results) => results.signals["sink.count"].at(-1) >= 2);
  assert.equal(count.signals["sink.count"].at(-1), 2, "both parts are in the sink");

  // The PLC goes away: under `hold` the twin runs on and says so.
  await plc.stop();
  plc = null;
  const lost = await until(() => twin.call("GET", `/simulations/${simulation.id}`),
    (now) => now.endpoints[0].state !== "connected");
  assert.equal(lost.state, "running");
  assert.notEqual(lost.endpoints[0].state, "connected", JSON.stringify(lost.endpoints[0]));
  assert.ok(lost.endpoints[0].last_error, JSON.stringify(lost.endpoints[0]));
  const stopped = await twin.call("POST", `/simulations/${simulation.id}/stop`);
  assert.equal(stopped.state, "stopped");
});
