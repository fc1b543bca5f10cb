// A soft PLC as OPC UA server (node-opcua) for the pusher station
// (docs/examples/pusher_station_plc.json): its inputs are the plant's sensors, which the twin
// writes through its bindings; its outputs are the actuator commands, which the twin reads.
// Every cycle the PLC scans its inputs, runs the program of virtual_plc.mjs and sets its
// outputs. Node ids: ns=1;s=PLC.<twin signal>, e.g. ns=1;s=PLC.belt.at_end.
//
// As a module: startPusherPlcServer({ cycleMs, pushes }). From the shell: prints the URL and
// the bindings to create, and runs until SIGTERM or Ctrl-C:
//   node plc_server.mjs
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";

import { DataType, MessageSecurityMode, OPCUAServer, SecurityPolicy, StatusCodes, Variant } from "node-opcua";

import { freePort } from "./peers.mjs";
import { inputs, outputs, pusherProgram } from "./virtual_plc.mjs";

export const plcNodeId = (signal) => `ns=1;s=PLC.${signal}`;

// The bindings the twin needs for this PLC: what the PLC reads the twin writes, and back.
export function pusherBindings(endpointId) {
  return [
    ...inputs.map((signal) => ({ endpoint_id: endpointId, signal, node_id: plcNodeId(signal), direction: "write" })),
    ...outputs.map((signal) => ({ endpoint_id: endpointId, signal, node_id: plcNodeId(signal), direction: "read" })),
  ];
}

// Starts the PLC; `done` resolves with what it saw once `pushes` parts are pushed and the
// cylinder is back. `seen.longest_cycle` is the longest time between two scans.
export async function startPusherPlcServer({ cycleMs = 10, pushes = 2 } = {}) {
  const port = await freePort();
  const server = new OPCUAServer({
    port,
    hostname: "127.0.0.1",
    resourcePath: "",
    securityModes: [MessageSecurityMode.None],
    securityPolicies: [SecurityPolicy.None],
    allowAnonymous: true,
    buildInfo: { productName: "twinloop pusher station soft PLC", manufacturerName: "twinloop tests" },
  });
  await server.initialize();
  const addressSpace = server.engine.addressSpace;
  const namespace = addressSpace.getOwnNamespace();
  const folder = namespace.addFolder(addressSpace.rootFolder.objects, { browseName: "PLC", nodeId: "s=PLC" });
  const io = {};
  for (const signal of [...inputs, ...outputs]) {
    const dataType = signal === "sink.count" ? DataType.Int32 : DataType.Boolean;
    io[signal] = namespace.addVariable({
      organizedBy: folder,
      browseName: signal,
      nodeId: `s=PLC.${signal}`,
      dataType,
      minimumSamplingInterval: 0,
      accessLevel: "CurrentRead | CurrentWrite",
      userAccessLevel: "CurrentRead | CurrentWrite",
      value: new Variant({ dataType, value: dataType === DataType.Int32 ? 0 : false }),
    });
  }
  await server.start();

  const program = pusherProgram();
  const { seen } = program;
  const start = performance.now();
  let lastScan = start;
  let finish;
  const done = new Promise((resolve) => {
    finish = resolve;
  });
  const scanner = setInterval(() => {
    const now = performance.now();
    seen.longest_cycle = Math.max(seen.longest_cycle, (now - lastScan) / 1000);
    lastScan = now;
    const value = (signal) => io[signal].readValue().value.value;
    const commands = program.scan(
      {
        atEnd: value("belt.at_end"),
        extended: value("pusher.extended"),
        retracted: value("pusher.retracted"),
        count: value("sink.count"),
      },
      (now - start) / 1000,
    );
    outputs.forEach((signal, i) => {
      io[signal].setValueFromSource(new Variant({ dataType: DataType.Boolean, value: commands[i] }), StatusCodes.Good);
    });
    if (program.done(pushes)) finish(seen);
  }, cycleMs);

  return {
    url: `opc.tcp://127.0.0.1:${port}`,
    startedAt: start,  // performance.now() when the times in `seen` are 0
    seen,
    done,
    async stop() {
      clearInterval(scanner);
      await server.shutdown(0);
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const plc = await startPusherPlcServer({ pushes: Infinity });
  console.log(`soft PLC at ${plc.url}; bind the twin's signals to it:`);
  for (const binding of pusherBindings("<endpoint id>")) console.log(JSON.stringify(binding));
  const stop = async () => {
    await plc.stop();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
