import { describe, expect, it } from 'vitest';

import type { Binding, Endpoint } from '../api/types';
import type { Signal } from './graph';
import {
  bindableSignals,
  bindingDraftOf,
  bindingFieldsOf,
  endpointDraftOf,
  endpointFieldsOf,
  formatMilliseconds,
  nodeIdProblem,
  suggestedDataType,
  urlProblem,
} from './hil';

const signal = (name: string, dataType: Signal['dataType'] = 'real'): Signal => ({
  name,
  end: { component_id: 1, port: name.split('.')[1]! },
  dataType,
});
const inputs = [signal('valve.open', 'bool'), signal('lag.u')];
const outputs = [signal('lag.y'), signal('tank.level')];

const endpoint: Endpoint = {
  id: 2,
  project_id: 1,
  name: 'PLC 1',
  url: 'opc.tcp://10.0.0.5:4840',
  security_mode: 'None',
  security_policy: 'None',
  username: 'op',
  has_password: true,
  connect_timeout: 5,
  request_timeout: 1,
  exchange_period: null,
  fault_policy: 'hold',
  created_at: '',
  updated_at: '',
};

const binding: Binding = {
  id: 7,
  model_id: 3,
  endpoint_id: 2,
  signal: 'lag.u',
  node_id: 'ns=2;s=Q0.1',
  direction: 'read',
  scale: 1,
  offset: 0,
  data_type: null,
  created_at: '',
  updated_at: '',
};

describe('bindableSignals', () => {
  it('binds inputs for read and outputs for write', () => {
    expect(bindableSignals('read', inputs, outputs)).toBe(inputs);
    expect(bindableSignals('write', inputs, outputs)).toBe(outputs);
  });
});

describe('the endpoint form', () => {
  it('creates with the defaults of the API', () => {
    const draft = { ...endpointDraftOf(), name: ' PLC 1 ', url: 'opc.tcp://10.0.0.5:4840' };
    expect(endpointFieldsOf(draft)).toEqual({
      ok: true,
      fields: {
        name: 'PLC 1',
        url: 'opc.tcp://10.0.0.5:4840',
        security_mode: 'None',
        security_policy: 'None',
        username: null,
        connect_timeout: 5,
        request_timeout: 1,
        exchange_period: null,
        fault_policy: 'hold',
      },
    });
    const withPassword = endpointFieldsOf({ ...draft, username: 'op', password: 'secret', exchangePeriod: '0.1' });
    expect(withPassword.ok && withPassword.fields).toMatchObject({ username: 'op', password: 'secret', exchange_period: 0.1 });
  });

  it('round-trips an endpoint and sends only what changed', () => {
    const draft = endpointDraftOf(endpoint);
    expect(draft).toMatchObject({ name: 'PLC 1', username: 'op', password: '', exchangePeriod: '', connectTimeout: '5' });
    expect(endpointFieldsOf(draft, endpoint)).toEqual({ ok: true, fields: {} });
    expect(endpointFieldsOf({ ...draft, requestTimeout: '0.5', faultPolicy: 'pause' }, endpoint)).toEqual({
      ok: true,
      fields: { request_timeout: 0.5, fault_policy: 'pause' },
    });
    expect(endpointFieldsOf({ ...draft, username: '', clearPassword: true }, endpoint)).toEqual({
      ok: true,
      fields: { username: null, password: null },
    });
  });

  it('keeps, replaces or clears the write-only password', () => {
    const draft = endpointDraftOf(endpoint);
    expect(endpointFieldsOf({ ...draft, password: 'new' }, endpoint)).toEqual({ ok: true, fields: { password: 'new' } });
    expect(endpointFieldsOf({ ...draft, clearPassword: true, password: 'x' }, endpoint)).toEqual({
      ok: true,
      fields: { password: null },
    });
  });

  it('keeps no password without a user name, as the server', () => {
    const created = endpointFieldsOf({ ...endpointDraftOf(), name: 'P', url: 'opc.tcp://p:4840', password: 'x' });
    expect(!created.ok && created.errors.get('/password')).toBe('A password needs a user name to go with it.');
    const edited = endpointFieldsOf({ ...endpointDraftOf(endpoint), username: ' ' }, endpoint);
    expect(!edited.ok && [...edited.errors.keys()]).toEqual(['/username']);
  });

  it('names each mistake at its field', () => {
    const result = endpointFieldsOf({
      ...endpointDraftOf(),
      name: '  ',
      url: 'http://plc',
      connectTimeout: '0',
      requestTimeout: 'x',
      exchangePeriod: '-1',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect([...result.errors.keys()]).toEqual(['/name', '/url', '/connect_timeout', '/request_timeout', '/exchange_period']);
    expect(result.errors.get('/request_timeout')).toBe("'x' is not a number.");
  });

  it('checks OPC UA URLs', () => {
    expect(urlProblem('opc.tcp://plc:4840')).toBeNull();
    expect(urlProblem('opc.tcp://127.0.0.1:4840/freeopcua/server/')).toBeNull();
    expect(urlProblem('opc.tcp://[::1]:4840')).toBeNull();
    expect(urlProblem('opc.tcp://plc')).toBeNull();
    expect(urlProblem('opc.tcp://')).toMatch(/Enter the URL/);
    expect(urlProblem('plc:4840')).toMatch(/starts with opc\.tcp:\/\//);
    expect(urlProblem('opc.tcp://plc:99999')).toMatch(/1 to 65535/);
    expect(urlProblem('opc.tcp://pl c:1')).toMatch(/opc\.tcp:\/\/host:port/);
  });
});

describe('the binding form', () => {
  const signals = { inputs, outputs };

  it('round-trips a binding and sends only what changed', () => {
    const draft = bindingDraftOf(binding);
    expect(draft).toEqual({
      endpointId: '2',
      signal: 'lag.u',
      nodeId: 'ns=2;s=Q0.1',
      direction: 'read',
      scale: '1',
      offset: '0',
      dataType: '',
    });
    expect(bindingFieldsOf(draft, signals, binding)).toEqual({ ok: true, fields: {} });
    expect(bindingFieldsOf({ ...draft, scale: '0.1', dataType: 'Int16' }, signals, binding)).toEqual({
      ok: true,
      fields: { scale: 0.1, data_type: 'Int16' },
    });
  });

  it('creates with every field', () => {
    const draft = { ...bindingDraftOf(undefined, 2), signal: 'lag.y', direction: 'write' as const, nodeId: ' ns=2;s=AI.1 ' };
    expect(bindingFieldsOf(draft, signals)).toEqual({
      ok: true,
      fields: { endpoint_id: 2, signal: 'lag.y', node_id: 'ns=2;s=AI.1', direction: 'write', scale: 1, offset: 0, data_type: null },
    });
  });

  it('refuses a signal of the wrong direction, and says why', () => {
    const read = bindingFieldsOf({ ...bindingDraftOf(binding), signal: 'lag.y' }, signals);
    expect(!read.ok && read.errors.get('/signal')).toBe('lag.y is an output; a read binding drives an input.');
    const write = bindingFieldsOf({ ...bindingDraftOf(binding), direction: 'write' }, signals);
    expect(!write.ok && write.errors.get('/signal')).toBe('lag.u is an input; a write binding sends an output.');
    const unknown = bindingFieldsOf({ ...bindingDraftOf(binding), signal: 'gone.x' }, signals);
    expect(!unknown.ok && unknown.errors.get('/signal')).toBe('The model has no signal gone.x.');
  });

  it('names the other mistakes at their fields', () => {
    const result = bindingFieldsOf(
      { endpointId: '', signal: '', nodeId: 'Q0.1', direction: 'read', scale: '', offset: 'a', dataType: '' },
      signals,
    );
    expect(!result.ok && [...result.errors.keys()]).toEqual(['/endpoint_id', '/signal', '/node_id', '/scale', '/offset']);
  });

  it('checks node ids', () => {
    for (const good of ['ns=2;s=Q0.1', 'i=85', 'ns=0;i=2258', 's=Motor', 'ns=3;g=09087e75-8e5e-499b-954f-f2a9603db28a', 'ns=1;b=M/RbKBsRVkePCePcx24oRA==']) {
      expect(nodeIdProblem(good), good).toBeNull();
    }
    expect(nodeIdProblem('')).toMatch(/Enter the node id/);
    for (const bad of ['Q0.1', 'ns=x;s=a', 'ns=2;i=abc', 'ns=2;s=', 'ns=2;g=123']) {
      expect(nodeIdProblem(bad), bad).toMatch(/Write the node id as/);
    }
    expect(nodeIdProblem('ns=70000;s=a')).toMatch(/at most 65535/);
  });
});

describe('status figures', () => {
  it('suggests an OPC UA type for a signal type', () => {
    expect(suggestedDataType('bool')).toBe('Boolean');
    expect(suggestedDataType('int')).toBe('Int32');
    expect(suggestedDataType('real')).toBe('Double');
    expect(suggestedDataType(undefined)).toBeNull();
  });

  it('formats exchange times', () => {
    expect(formatMilliseconds(null)).toBe('–');
    expect(formatMilliseconds(1.234)).toBe('1.23 ms');
    expect(formatMilliseconds(12.34)).toBe('12.3 ms');
  });
});
