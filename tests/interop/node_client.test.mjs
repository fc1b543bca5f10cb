// node-opcua's client against the twinloop OPC UA server (tests/interop/interop_server.cpp):
// endpoints, browse, read and write of each common type, subscriptions, logins, errors.
// TWINLOOP_OPCUA_SERVER names the server executable.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import {
  AttributeIds,
  BrowseDirection,
  ClientMonitoredItem,
  ClientSubscription,
  DataChangeFilter,
  DataChangeTrigger,
  DataType,
  DeadbandType,
  MessageSecurityMode,
  OPCUAClient,
  SecurityPolicy,
  StatusCodes,
  TimestampsToReturn,
  UserTokenType,
  VariantArrayType,
  makeBrowsePath,
} from "node-opcua";

import { startPeer } from "./peers.mjs";

const serverPath = process.env.TWINLOOP_OPCUA_SERVER;
assert.ok(serverPath, "TWINLOOP_OPCUA_SERVER must name the server executable");

function newClient() {
  return OPCUAClient.create({
    applicationName: "twinloop interop test",
    endpointMustExist: false,
    securityMode: MessageSecurityMode.None,
    securityPolicy: SecurityPolicy.None,
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
    requestedSessionTimeout: 60000,
  });
}

let server;
let client;
let session;
let ns;

before(async () => {
  // Short tokens are allowed so that a client can renew several times within a test.
  server = await startPeer(serverPath, ["--port", "0", "--many", "1000", "--min-token-lifetime", "1000"]);
  client = newClient();
  await client.connect(server.url);
  session = await client.createSession();
  const namespaces = await session.readNamespaceArray();
  ns = namespaces.indexOf("urn:twinloop:interop");
  assert.ok(ns > 0, "the demo namespace is registered");
});

after(async () => {
  await session?.close();
  await client?.disconnect();
  const code = await server?.stop();
  assert.equal(code, 0, "the server stops cleanly on SIGTERM");
});

const demo = (name) => `ns=${ns};s=Demo.${name}`;

async function readValue(name) {
  const dataValue = await session.read({ nodeId: demo(name), attributeId: AttributeIds.Value });
  assert.equal(dataValue.statusCode.name, "Good", `reading ${name}`);
  return dataValue.value;
}

async function writeValue(name, dataType, value, arrayType = VariantArrayType.Scalar) {
  const [status] = await session.write([
    { nodeId: demo(name), attributeId: AttributeIds.Value, value: { value: { dataType, arrayType, value } } },
  ]);
  return status;
}

describe("discovery", () => {
  it("lists the endpoint with policy None, the URL dialled and both user token policies", async () => {
    const endpoints = await client.getEndpoints();
    assert.equal(endpoints.length, 1);
    const [endpoint] = endpoints;
    assert.equal(endpoint.endpointUrl, server.url);
    assert.equal(endpoint.securityPolicyUri, SecurityPolicy.None);
    assert.equal(endpoint.securityMode, MessageSecurityMode.None);
    const tokens = endpoint.userIdentityTokens.map((token) => token.tokenType);
    assert.deepEqual(tokens, [UserTokenType.Anonymous, UserTokenType.UserName]);
  });

  it("answers FindServers with the application", async () => {
    const servers = await client.findServers();
    assert.equal(servers.length, 1);
    assert.equal(servers[0].applicationUri, "urn:twinloop:opcua:server");
  });
});

describe("browse", () => {
  const names = (result) => result.references.map((reference) => reference.browseName.name);

  it("finds the standard folders under Root and the Server under Objects", async () => {
    assert.deepEqual(names(await session.browse("i=84")), ["Objects", "Types", "Views"]);
    const objects = await session.browse("i=85");
    assert.deepEqual(names(objects), ["Server", "Demo"]);
    const types = await session.browse("i=86");
    assert.deepEqual(names(types), ["ObjectTypes", "VariableTypes", "DataTypes", "ReferenceTypes"]);
  });

  it("shows the Server's properties and components with their type definitions", async () => {
    const result = await session.browse({
      nodeId: "i=2253",
      browseDirection: BrowseDirection.Forward,
      referenceTypeId: "HierarchicalReferences",
      includeSubtypes: true,
      resultMask: 63,
    });
    const found = Object.fromEntries(result.references.map((r) => [r.browseName.name, r]));
    for (const name of ["ServerArray", "NamespaceArray", "ServerStatus", "ServiceLevel", "ServerCapabilities"]) {
      assert.ok(found[name], `Server has ${name}`);
    }
    assert.equal(found.NamespaceArray.typeDefinition.toString(), "ns=0;i=68");
    assert.equal(found.ServerStatus.typeDefinition.toString(), "ns=0;i=2138");
  });

  it("walks the reference type hierarchy inversely", async () => {
    const result = await session.browse({
      nodeId: "i=47",
      browseDirection: BrowseDirection.Inverse,
      referenceTypeId: "HasSubtype",
      includeSubtypes: false,
      resultMask: 63,
    });
    assert.deepEqual(names(result), ["Aggregates"]);
  });

  it("pages 1000 references with continuation points", async () => {
    session.requestedMaxReferencesPerNode = 100;
    try {
      let result = await session.browse(`ns=${ns};s=Demo.Many`);
      let count = result.references.length;
      let pages = 1;
      while (result.continuationPoint && result.continuationPoint.length > 0) {
        result = await session.browseNext(result.continuationPoint, false);
        assert.equal(result.statusCode.name, "Good");
        count += result.references.length;
        pages += 1;
      }
      assert.equal(count, 1000);
      assert.equal(pages, 10);
    } finally {
      session.requestedMaxReferencesPerNode = 0;
    }
  });

  it("translates a browse path and reports paths that lead nowhere", async () => {
    const [found] = await session.translateBrowsePath([makeBrowsePath("RootFolder", `/Objects/${ns}:Demo/${ns}:Counter`)]);
    assert.equal(found.statusCode.name, "Good");
    assert.equal(found.targets[0].targetId.toString(), demo("Counter"));
    const [missing] = await session.translateBrowsePath([makeBrowsePath("RootFolder", `/Objects/${ns}:Nothing`)]);
    assert.equal(missing.statusCode.name, "BadNoMatch");
  });

  it("registers nodes", async () => {
    const registered = await session.registerNodes([demo("Double")]);
    assert.equal(registered[0].toString(), demo("Double"));
    await session.unregisterNodes(registered);
  });
});

describe("read", () => {
  it("reads NamespaceArray, ServerStatus and its State as generic clients do", async () => {
    const [namespaces, status, state, time] = await session.read([
      { nodeId: "i=2255", attributeId: AttributeIds.Value },
      { nodeId: "i=2256", attributeId: AttributeIds.Value },
      { nodeId: "i=2259", attributeId: AttributeIds.Value },
      { nodeId: "i=2258", attributeId: AttributeIds.Value },
    ]);
    assert.equal(namespaces.value.value[0], "http://opcfoundation.org/UA/");
    assert.equal(status.value.value.state, 0);
    assert.equal(status.value.value.buildInfo.manufacturerName, "twinloop");
    assert.equal(state.value.value, 0);
    assert.ok(Math.abs(time.value.value.getTime() - Date.now()) < 60000);
  });

  it("reads the attributes of a variable", async () => {
    const attributes = [
      AttributeIds.NodeClass, AttributeIds.BrowseName, AttributeIds.DisplayName, AttributeIds.DataType,
      AttributeIds.ValueRank, AttributeIds.AccessLevel, AttributeIds.UserAccessLevel,
    ];
    const values = await session.read(attributes.map((attributeId) => ({ nodeId: demo("Double"), attributeId })));
    for (const value of values) assert.equal(value.statusCode.name, "Good");
    assert.equal(values[0].value.value, 2); // Variable
    assert.equal(values[1].value.value.name, "Double");
    assert.equal(values[3].value.value.toString(), "ns=0;i=11");
    assert.equal(values[4].value.value, -1);
    assert.equal(values[5].value.value, 3);
  });

  it("answers unknown nodes and attributes per item", async () => {
    const [unknown, attribute] = await session.read([
      { nodeId: `ns=${ns};s=NoSuchNode`, attributeId: AttributeIds.Value },
      { nodeId: "i=85", attributeId: AttributeIds.Value },
    ]);
    assert.equal(unknown.statusCode.name, "BadNodeIdUnknown");
    assert.equal(attribute.statusCode.name, "BadAttributeIdInvalid");
  });

  it("reads 1000 values in one request", async () => {
    const nodes = Array.from({ length: 1000 }, (_, i) => ({ nodeId: `ns=${ns};s=Demo.Many.${i}`, attributeId: AttributeIds.Value }));
    const values = await session.read(nodes);
    assert.equal(values.length, 1000);
    values.forEach((value, i) => assert.equal(value.value.value, i));
  });
});

describe("write", () => {
  const cases = [
    ["Boolean", DataType.Boolean, false],
    ["SByte", DataType.SByte, -100],
    ["Byte", DataType.Byte, 200],
    ["Int16", DataType.Int16, -30000],
    ["UInt16", DataType.UInt16, 60000],
    ["Int32", DataType.Int32, -2000000000],
    ["UInt32", DataType.UInt32, 4000000000],
    ["Int64", DataType.Int64, [0, 123456]],
    ["UInt64", DataType.UInt64, [1, 2]],
    ["Float", DataType.Float, 2.5],
    ["Double", DataType.Double, -1.125e10],
    ["String", DataType.String, "written by node-opcua"],
    ["DateTime", DataType.DateTime, new Date("2024-05-06T07:08:09.010Z")],
    ["ByteString", DataType.ByteString, Buffer.from([9, 8, 7, 6])],
  ];
  for (const [name, dataType, value] of cases) {
    it(`writes and reads back a ${name}`, async () => {
      const status = await writeValue(name, dataType, value);
      assert.equal(status.name, "Good");
      const variant = await readValue(name);
      assert.equal(variant.dataType, dataType);
      assert.deepEqual(variant.value, value);
    });
  }

  it("writes and reads back a LocalizedText", async () => {
    assert.equal((await writeValue("LocalizedText", DataType.LocalizedText, { locale: "de", text: "hallo" })).name, "Good");
    const variant = await readValue("LocalizedText");
    assert.equal(variant.value.text, "hallo");
    assert.equal(variant.value.locale, "de");
  });

  it("writes and reads back arrays", async () => {
    assert.equal((await writeValue("DoubleArray", DataType.Double, new Float64Array([0.5, 1.5, 2.5, 3.5]), VariantArrayType.Array)).name, "Good");
    assert.deepEqual(Array.from((await readValue("DoubleArray")).value), [0.5, 1.5, 2.5, 3.5]);
    assert.equal((await writeValue("Int32Array", DataType.Int32, new Int32Array([-1, 0, 1]), VariantArrayType.Array)).name, "Good");
    assert.deepEqual(Array.from((await readValue("Int32Array")).value), [-1, 0, 1]);
    assert.equal((await writeValue("StringArray", DataType.String, ["x", "y", "z"], VariantArrayType.Array)).name, "Good");
    assert.deepEqual((await readValue("StringArray")).value, ["x", "y", "z"]);
    assert.equal((await writeValue("BooleanArray", DataType.Boolean, [false, true, true], VariantArrayType.Array)).name, "Good");
    assert.deepEqual(Array.from((await readValue("BooleanArray")).value), [false, true, true]);
  });

  it("refuses values of the wrong type, read-only nodes, unknown nodes and what the application rejects", async () => {
    assert.equal((await writeValue("Double", DataType.String, "not a number")).name, "BadTypeMismatch");
    assert.equal((await writeValue("Double", DataType.Double, new Float64Array([1]), VariantArrayType.Array)).name, "BadTypeMismatch");
    assert.equal((await writeValue("ReadOnly", DataType.Double, 1)).name, "BadNotWritable");
    assert.equal((await writeValue("Nothing", DataType.Double, 1)).name, "BadNodeIdUnknown");
    assert.equal((await writeValue("Limited", DataType.Double, 500)).name, "BadOutOfRange");
    assert.equal((await writeValue("Limited", DataType.Double, 50)).name, "Good");
    assert.equal((await readValue("Limited")).value, 50);
  });

  it("writes many values in one request", async () => {
    const nodes = Array.from({ length: 500 }, (_, i) => ({
      nodeId: `ns=${ns};s=Demo.Many.${i}`,
      attributeId: AttributeIds.Value,
      value: { value: { dataType: DataType.Double, value: -i } },
    }));
    const results = await session.write(nodes);
    assert.ok(results.every((status) => status.name === "Good"));
    assert.equal((await session.read({ nodeId: `ns=${ns};s=Demo.Many.499`, attributeId: AttributeIds.Value })).value.value, -499);
  });
});

describe("subscriptions", () => {
  async function subscribe(parameters = {}) {
    const subscription = ClientSubscription.create(session, {
      requestedPublishingInterval: 50,
      requestedLifetimeCount: 600,
      requestedMaxKeepAliveCount: 10,
      maxNotificationsPerPublish: 0,
      publishingEnabled: true,
      priority: 1,
      ...parameters,
    });
    await new Promise((resolve, reject) => {
      subscription.once("started", resolve);
      subscription.once("internal_error", reject);
    });
    return subscription;
  }

  async function collect(subscription, itemToMonitor, parameters, count) {
    const item = ClientMonitoredItem.create(subscription, itemToMonitor, parameters, TimestampsToReturn.Both);
    const values = [];
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${values.length} of ${count} changes`)), 15000);
      item.on("changed", (dataValue) => {
        values.push(dataValue);
        if (values.length === count) {
          clearTimeout(timer);
          resolve();
        }
      });
      item.on("err", reject);
    });
    await item.terminate();
    return values;
  }

  it("delivers at least 20 changes of a counter, in order", async () => {
    const subscription = await subscribe();
    const values = await collect(subscription, { nodeId: demo("Counter"), attributeId: AttributeIds.Value },
      { samplingInterval: 10, discardOldest: true, queueSize: 10 }, 20);
    const numbers = values.map((value) => value.value.value);
    for (let i = 1; i < numbers.length; ++i) assert.ok(numbers[i] > numbers[i - 1], `${numbers}`);
    assert.ok(values.every((value) => value.statusCode.name === "Good"));
    await subscription.terminate();
  });

  it("filters changes by an absolute deadband", async () => {
    const subscription = await subscribe();
    const filter = new DataChangeFilter({ trigger: DataChangeTrigger.StatusValue, deadbandType: DeadbandType.Absolute, deadbandValue: 4.5 });
    const values = await collect(subscription, { nodeId: demo("Counter"), attributeId: AttributeIds.Value },
      { samplingInterval: 10, discardOldest: true, queueSize: 100, filter }, 6);
    const numbers = values.map((value) => value.value.value);
    for (let i = 1; i < numbers.length; ++i) assert.ok(numbers[i] - numbers[i - 1] >= 5, `${numbers}`);
    await subscription.terminate();
  });

  it("reports a value written by a client", async () => {
    const subscription = await subscribe();
    const item = ClientMonitoredItem.create(subscription, { nodeId: demo("Limited"), attributeId: AttributeIds.Value },
      { samplingInterval: 10, queueSize: 1 }, TimestampsToReturn.Both);
    const seen = [];
    const written = new Promise((resolve) => item.on("changed", (value) => {
      seen.push(value.value.value);
      if (value.value.value === 77) resolve();
    }));
    await new Promise((resolve) => item.once("changed", resolve));
    assert.equal((await writeValue("Limited", DataType.Double, 77)).name, "Good");
    await written;
    await subscription.terminate();
  });

  it("sends keep-alives when nothing changes", async () => {
    const subscription = await subscribe({ requestedPublishingInterval: 20, requestedMaxKeepAliveCount: 2 });
    const keepAlives = await new Promise((resolve) => {
      let count = 0;
      subscription.on("keepalive", () => { if (++count === 3) resolve(count); });
    });
    assert.equal(keepAlives, 3);
    await subscription.terminate();
  });

  it("answers monitored items on unknown nodes per item", async () => {
    const subscription = await subscribe();
    const item = ClientMonitoredItem.create(subscription, { nodeId: `ns=${ns};s=Nothing`, attributeId: AttributeIds.Value },
      { samplingInterval: 100, queueSize: 1 }, TimestampsToReturn.Both);
    const error = await new Promise((resolve) => item.on("err", resolve));
    assert.match(String(error), /BadNodeIdUnknown/);
    await subscription.terminate();
  });
});

describe("secure channel", () => {
  it("keeps serving while node-opcua renews its token at 75 % of the lifetime", async () => {
    const renewing = OPCUAClient.create({
      endpointMustExist: false,
      securityMode: MessageSecurityMode.None,
      securityPolicy: SecurityPolicy.None,
      connectionStrategy: { maxRetry: 0 },
      defaultSecureTokenLifetime: 1000,
    });
    let renewals = 0;
    let lost = false;
    renewing.on("security_token_renewed", () => { renewals += 1; });
    renewing.on("connection_lost", () => { lost = true; });
    await renewing.connect(server.url);
    try {
      const renewingSession = await renewing.createSession();
      const until = Date.now() + 3000;
      while (Date.now() < until) {
        const state = await renewingSession.read({ nodeId: "i=2259", attributeId: AttributeIds.Value });
        assert.equal(state.statusCode.name, "Good");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.ok(renewals >= 2, `${renewals} renewals`);
      assert.equal(lost, false);
      await renewingSession.close();
    } finally {
      await renewing.disconnect();
    }
  });
});

describe("sessions and errors", () => {
  it("logs in with user name and password", async () => {
    const other = newClient();
    await other.connect(server.url);
    const userSession = await other.createSession({ type: UserTokenType.UserName, userName: "operator", password: "secret" });
    assert.equal((await userSession.read({ nodeId: "i=2259", attributeId: AttributeIds.Value })).value.value, 0);
    await userSession.close();
    await other.disconnect();
  });

  it("rejects a wrong password cleanly", async () => {
    const other = newClient();
    await other.connect(server.url);
    await assert.rejects(
      other.createSession({ type: UserTokenType.UserName, userName: "operator", password: "wrong" }),
      /BadUserAccessDenied|BadIdentityTokenRejected/,
    );
    await other.disconnect();
    // The server still serves the first session.
    assert.equal((await session.read({ nodeId: "i=2259", attributeId: AttributeIds.Value })).value.value, 0);
  });

  it("answers a service it does not implement with BadServiceUnsupported", async () => {
    await assert.rejects(
      session.call({ objectId: "i=2253", methodId: "i=11492", inputArguments: [] }),
      (error) => String(error).includes("BadServiceUnsupported") || error.statusCode === StatusCodes.BadServiceUnsupported,
    );
    assert.equal((await session.read({ nodeId: "i=2259", attributeId: AttributeIds.Value })).statusCode.name, "Good");
  });
});
