// A node-opcua server with the same demo address space as tests/interop/interop_server.cpp,
// for twinloop's client to test against (and for the benchmarks). Listens on 127.0.0.1 on an
// ephemeral port, prints "PORT <n>" and serves until SIGTERM.
//   node node_server.mjs [--many N]

import {
  DataType,
  MessageSecurityMode,
  OPCUAServer,
  SecurityPolicy,
  StatusCodes,
  UserTokenPolicy,
  UserTokenType,
  Variant,
  VariantArrayType,
} from "node-opcua";

import { freePort } from "./peers.mjs";

const many = Number(process.argv[process.argv.indexOf("--many") + 1] || 1000);

const port = await freePort();
const server = new OPCUAServer({
  port,
  hostname: "127.0.0.1",
  resourcePath: "",
  securityModes: [MessageSecurityMode.None],
  securityPolicies: [SecurityPolicy.None],
  allowAnonymous: true,
  userManager: { isValidUser: (user, password) => user === "operator" && password === "secret" },
  buildInfo: { productName: "node-opcua interop peer", manufacturerName: "twinloop tests" },
  serverCapabilities: { maxSessions: 50, operationLimits: { maxNodesPerRead: 100000, maxNodesPerWrite: 100000, maxNodesPerBrowse: 100000 } },
  maxConnectionsPerEndpoint: 50,
});
await server.initialize();

const addressSpace = server.engine.addressSpace;
const namespace = addressSpace.getOwnNamespace();
const demo = namespace.addFolder(addressSpace.rootFolder.objects, { browseName: "Demo", nodeId: "s=Demo" });

const readWrite = { accessLevel: "CurrentRead | CurrentWrite", userAccessLevel: "CurrentRead | CurrentWrite" };
function variable(name, dataType, value, arrayType = VariantArrayType.Scalar, extra = {}) {
  return namespace.addVariable({
    organizedBy: demo,
    browseName: name,
    nodeId: `s=Demo.${name}`,
    dataType,
    valueRank: arrayType === VariantArrayType.Array ? 1 : -1,
    arrayDimensions: arrayType === VariantArrayType.Array ? [0] : null,
    minimumSamplingInterval: 0,
    value: new Variant({ dataType, arrayType, value }),
    ...readWrite,
    ...extra,
  });
}

variable("Boolean", DataType.Boolean, true);
variable("SByte", DataType.SByte, -5);
variable("Byte", DataType.Byte, 5);
variable("Int16", DataType.Int16, -1600);
variable("UInt16", DataType.UInt16, 1600);
variable("Int32", DataType.Int32, -100000);
variable("UInt32", DataType.UInt32, 100000);
variable("Int64", DataType.Int64, [0, 7]);
variable("UInt64", DataType.UInt64, [0, 8]);
variable("Float", DataType.Float, 1.5);
variable("Double", DataType.Double, 2.25);
variable("String", DataType.String, "node-opcua");
variable("DateTime", DataType.DateTime, new Date("2023-11-14T22:13:20Z"));
variable("ByteString", DataType.ByteString, Buffer.from([1, 2, 3]));
variable("DoubleArray", DataType.Double, new Float64Array([1, 2, 3]), VariantArrayType.Array);
variable("Int32Array", DataType.Int32, new Int32Array([4, 5]), VariantArrayType.Array);
variable("StringArray", DataType.String, ["a", "b"], VariantArrayType.Array);
variable("BooleanArray", DataType.Boolean, [true, false], VariantArrayType.Array);
variable("ReadOnly", DataType.Double, 42, VariantArrayType.Scalar, { accessLevel: "CurrentRead", userAccessLevel: "CurrentRead" });

const counter = variable("Counter", DataType.Int32, 0, VariantArrayType.Scalar, { accessLevel: "CurrentRead", userAccessLevel: "CurrentRead" });
let count = 0;
const ticker = setInterval(() => {
  count += 1;
  counter.setValueFromSource(new Variant({ dataType: DataType.Int32, value: count }), StatusCodes.Good);
}, 20);

const manyFolder = namespace.addFolder(demo, { browseName: "Many", nodeId: "s=Demo.Many" });
for (let i = 0; i < many; ++i) {
  namespace.addVariable({
    organizedBy: manyFolder,
    browseName: `V${i}`,
    nodeId: `s=Demo.Many.${i}`,
    dataType: DataType.Double,
    minimumSamplingInterval: 0,
    value: new Variant({ dataType: DataType.Double, value: i }),
    ...readWrite,
  });
}

// User name and password over SecurityPolicy None, as twinloop's client sends them. This
// node-opcua version offers no constructor option for it, so the policy is added here.
for (const endpoint of server.endpoints) {
  for (const description of endpoint.endpointDescriptions()) {
    if (description.securityPolicyUri !== SecurityPolicy.None) continue;
    description.userIdentityTokens.push(new UserTokenPolicy({ policyId: "username_unsecure", tokenType: UserTokenType.UserName, securityPolicyUri: null }));
  }
}

await server.start();
process.stdout.write(`PORT ${port}\n`);

process.on("SIGTERM", async () => {
  clearInterval(ticker);
  await server.shutdown(0);
  process.exit(0);
});
