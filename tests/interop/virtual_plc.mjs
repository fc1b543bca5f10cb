// A virtual PLC for the pusher station (docs/examples/pusher_station_plc.json), over OPC UA:
// every cycle one batched Read of its inputs (light barrier, end sensors, part count), the
// program, one batched Write of its outputs (belt, cylinder valves). The program: a part at the
// light barrier sets the push latch, which stops the belt and extends the cylinder; the
// cylinder's extended sensor resets it, the cylinder retracts, and the belt runs again once the
// cylinder is back.
//
// As a module: runPusherPlc(session, nodeOf, options). From the shell, against a running
// twin (node ids of its active twin by default):
//   node virtual_plc.mjs opc.tcp://127.0.0.1:4840 [node id prefix, default "ns=1;s=twin."]
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";

import { AttributeIds, DataType, MessageSecurityMode, OPCUAClient, SecurityPolicy } from "node-opcua";

// The twin's signals the PLC reads, and those it drives, in the program's order.
export const inputs = ["belt.at_end", "pusher.extended", "pusher.retracted", "sink.count"];
export const outputs = ["pusher.extend", "pusher.retract", "belt_motor.forward"];

// The PLC program and what it saw: `scan(inputs, now)` takes one cycle's inputs (now in
// seconds since the PLC started) and answers its outputs in the order of `outputs`; `seen`
// records the inputs' rising edges, the part count and the cycles.
export function pusherProgram() {
  const seen = {
    cycles: 0, longest_cycle: 0, at_end: [], extended: [], retracted: [], count: 0, writes_refused: 0,
  };
  let latch = false;
  let previous = { at_end: false, extended: false, retracted: true };
  function scan({ atEnd, extended, retracted, count }, now) {
    if (atEnd && !previous.at_end) seen.at_end.push(now);
    if (extended && !previous.extended) seen.extended.push(now);
    if (retracted && !previous.retracted) seen.retracted.push(now);
    previous = { at_end: atEnd, extended, retracted };
    seen.count = count;
    if (atEnd) latch = true;
    if (extended) latch = false;
    seen.cycles += 1;
    return [latch, !latch, !latch && retracted];
  }
  const done = (pushes) => seen.extended.length >= pushes && seen.retracted.length >= pushes && previous.retracted;
  return { scan, seen, done };
}

// Runs the sequence until `pushes` parts are pushed and the cylinder is back (or `timeoutMs`
// passes). `nodeOf("belt.at_end")` gives a signal's NodeId. Answers what the PLC saw, with
// wall-clock times in seconds since its first cycle and its longest cycle (exchange plus wait).
export async function runPusherPlc(session, nodeOf, { cycleMs = 10, pushes = 2, timeoutMs = 30000 } = {}) {
  const reads = inputs.map((name) => ({ nodeId: nodeOf(name), attributeId: AttributeIds.Value }));
  const start = performance.now();
  const program = pusherProgram();
  const { seen } = program;
  let next = start;
  while (performance.now() - start < timeoutMs) {
    const cycleStart = performance.now();
    const values = await session.read(reads);
    const bad = values.find((value) => value.statusCode.name !== "Good");
    if (bad) throw new Error(`the PLC cannot read its inputs: ${bad.statusCode.name}`);
    const [atEnd, extended, retracted, count] = values.map((value) => value.value.value);
    const commands = program.scan({ atEnd, extended, retracted, count }, (performance.now() - start) / 1000);
    const results = await session.write(
      outputs.map((name, i) => ({
        nodeId: nodeOf(name),
        attributeId: AttributeIds.Value,
        value: { value: { dataType: DataType.Boolean, value: commands[i] } },
      })),
    );
    seen.writes_refused += results.filter((status) => status.name !== "Good").length;
    seen.longest_cycle = Math.max(seen.longest_cycle, (performance.now() - cycleStart) / 1000 + cycleMs / 1000);
    if (program.done(pushes)) break;
    next += cycleMs;
    await sleep(Math.max(0, next - performance.now()));
  }
  return seen;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [url, prefix = "ns=1;s=twin."] = process.argv.slice(2);
  if (!url) {
    console.error("usage: node virtual_plc.mjs opc.tcp://HOST:PORT [NODE_ID_PREFIX]");
    process.exit(2);
  }
  const client = OPCUAClient.create({
    endpointMustExist: false,
    securityMode: MessageSecurityMode.None,
    securityPolicy: SecurityPolicy.None,
  });
  await client.connect(url);
  const session = await client.createSession();
  const seen = await runPusherPlc(session, (name) => prefix + name, { pushes: 3, timeoutMs: 60000 });
  console.log(JSON.stringify(seen));
  await session.close();
  await client.disconnect();
}
