import type {
  Binding,
  BindingDirection,
  BindingFields,
  Endpoint,
  EndpointFields,
  EndpointState,
  FaultPolicy,
  OpcuaDataType,
  SignalType,
} from '../api/types';
import type { Signal } from './graph';

// What a form holds: the text of each field as typed.
export interface EndpointDraft {
  name: string;
  url: string;
  username: string;
  password: string; // empty: unchanged when editing, none when creating
  clearPassword: boolean;
  connectTimeout: string;
  requestTimeout: string;
  exchangePeriod: string; // empty: every step
  faultPolicy: FaultPolicy;
}

export type FormResult<T> = { ok: true; fields: T } | { ok: false; errors: Map<string, string> };

export const faultPolicies: { value: FaultPolicy; label: string }[] = [
  { value: 'hold', label: 'hold the last values' },
  { value: 'pause', label: 'pause the run' },
  { value: 'fail', label: 'fail the run' },
];

export function endpointDraftOf(endpoint?: Endpoint): EndpointDraft {
  return {
    name: endpoint?.name ?? '',
    url: endpoint?.url ?? 'opc.tcp://',
    username: endpoint?.username ?? '',
    password: '',
    clearPassword: false,
    connectTimeout: String(endpoint?.connect_timeout ?? 5),
    requestTimeout: String(endpoint?.request_timeout ?? 1),
    exchangePeriod: endpoint?.exchange_period === null || endpoint === undefined ? '' : String(endpoint.exchange_period),
    faultPolicy: endpoint?.fault_policy ?? 'hold',
  };
}

const opcUrlPattern = /^opc\.tcp:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(:(\d{1,5}))?(\/.*)?$/;

// Why a URL is no OPC UA endpoint URL, or null.
export function urlProblem(url: string): string | null {
  const trimmed = url.trim();
  if (trimmed === '' || trimmed === 'opc.tcp://') return 'Enter the URL of the OPC UA server, e.g. opc.tcp://192.168.0.10:4840.';
  if (!trimmed.startsWith('opc.tcp://')) return 'An OPC UA URL starts with opc.tcp://, e.g. opc.tcp://192.168.0.10:4840.';
  const match = opcUrlPattern.exec(trimmed);
  if (!match) return 'Write the URL as opc.tcp://host:port, with an optional /path.';
  if (match[3] !== undefined && (Number(match[3]) < 1 || Number(match[3]) > 65535)) {
    return 'The port is a number from 1 to 65535.';
  }
  return null;
}

function seconds(text: string, errors: Map<string, string>, pointer: string, optional: boolean): number | null {
  const trimmed = text.trim();
  if (trimmed === '') {
    if (!optional) errors.set(pointer, 'Enter a time in seconds.');
    return null;
  }
  const value = Number(trimmed);
  if (!Number.isFinite(value)) {
    errors.set(pointer, `'${trimmed}' is not a number.`);
    return null;
  }
  if (value <= 0) {
    errors.set(pointer, 'Must be greater than 0 s.');
    return null;
  }
  return value;
}

// The JSON of a create (no `original`) or of a PATCH with what changed, or the problems by
// pointer, as the server would name them.
export function endpointFieldsOf(draft: EndpointDraft, original?: Endpoint): FormResult<EndpointFields> {
  const errors = new Map<string, string>();
  const name = draft.name.trim();
  if (name === '') errors.set('/name', 'Enter a name.');
  const urlError = urlProblem(draft.url);
  if (urlError) errors.set('/url', urlError);
  const connectTimeout = seconds(draft.connectTimeout, errors, '/connect_timeout', false);
  const requestTimeout = seconds(draft.requestTimeout, errors, '/request_timeout', false);
  const exchangePeriod = seconds(draft.exchangePeriod, errors, '/exchange_period', true);
  const username = draft.username.trim() === '' ? null : draft.username.trim();
  // The server keeps no password without a user name.
  const keepsPassword = draft.password !== '' || (original?.has_password === true && !draft.clearPassword);
  if (username === null && keepsPassword) {
    if (draft.password !== '') errors.set('/password', 'A password needs a user name to go with it.');
    else errors.set('/username', 'The stored password needs a user name; enter one, or remove the password too.');
  }
  if (errors.size > 0) return { ok: false, errors };

  const wanted: EndpointFields = {
    name,
    url: draft.url.trim(),
    security_mode: 'None',
    security_policy: 'None',
    username,
    connect_timeout: connectTimeout!,
    request_timeout: requestTimeout!,
    exchange_period: exchangePeriod,
    fault_policy: draft.faultPolicy,
  };
  if (!original) {
    if (draft.password !== '') wanted.password = draft.password;
    return { ok: true, fields: wanted };
  }
  const changes: EndpointFields = {};
  for (const key of Object.keys(wanted) as (keyof EndpointFields)[]) {
    if (wanted[key] !== original[key as keyof Endpoint]) (changes as Record<string, unknown>)[key] = wanted[key];
  }
  if (draft.clearPassword) changes.password = null;
  else if (draft.password !== '') changes.password = draft.password;
  return { ok: true, fields: changes };
}

// Which signals a binding of `direction` may name: a read brings a PLC value into the twin, so it
// drives an input; a write sends an output of the twin to the PLC.
export function bindableSignals(direction: BindingDirection, inputs: Signal[], outputs: Signal[]): Signal[] {
  return direction === 'read' ? inputs : outputs;
}

// A node id of OPC UA's string form: "ns=2;s=Q0.1", "i=85", "ns=3;g=<guid>", "ns=1;b=<base64>".
const nodeIdPattern =
  /^(ns=\d+;)?(i=\d+|s=.+|g=[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}|b=[A-Za-z0-9+/]+=*)$/;

export function nodeIdProblem(nodeId: string): string | null {
  const trimmed = nodeId.trim();
  if (trimmed === '') return 'Enter the node id, e.g. ns=2;s=Q0.1.';
  if (!nodeIdPattern.test(trimmed)) {
    return 'Write the node id as ns=<index>;s=<name> (or i=<number>, g=<guid>, b=<base64>), e.g. ns=2;s=Q0.1.';
  }
  const namespace = /^ns=(\d+);/.exec(trimmed);
  if (namespace && Number(namespace[1]) > 65535) return 'The namespace index is at most 65535.';
  const numeric = /(?:^|;)i=(\d+)$/.exec(trimmed);
  if (numeric && Number(numeric[1]) > 4294967295) return 'A numeric identifier is at most 4294967295.';
  return null;
}

export interface BindingDraft {
  endpointId: string;
  signal: string;
  nodeId: string;
  direction: BindingDirection;
  scale: string;
  offset: string;
  dataType: OpcuaDataType | '';
}

export function bindingDraftOf(binding?: Binding, endpointId?: number): BindingDraft {
  return {
    endpointId: String(binding?.endpoint_id ?? endpointId ?? ''),
    signal: binding?.signal ?? '',
    nodeId: binding?.node_id ?? '',
    direction: binding?.direction ?? 'read',
    scale: String(binding?.scale ?? 1),
    offset: String(binding?.offset ?? 0),
    dataType: binding?.data_type ?? '',
  };
}

function number(text: string, errors: Map<string, string>, pointer: string): number | null {
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (trimmed === '' || !Number.isFinite(value)) {
    errors.set(pointer, trimmed === '' ? 'Enter a number.' : `'${trimmed}' is not a number.`);
    return null;
  }
  return value;
}

// The JSON of a new binding or the changes to `original`, checked as the server checks them
// where the page knows enough: the signal must be one the direction may bind.
export function bindingFieldsOf(
  draft: BindingDraft,
  signals: { inputs: Signal[]; outputs: Signal[] },
  original?: Binding,
): FormResult<BindingFields> {
  const errors = new Map<string, string>();
  const endpointId = Number(draft.endpointId);
  if (!Number.isInteger(endpointId) || endpointId <= 0) errors.set('/endpoint_id', 'Choose an endpoint.');
  if (draft.signal === '') {
    errors.set('/signal', draft.direction === 'read' ? 'Choose the input the PLC drives.' : 'Choose the output sent to the PLC.');
  } else if (!bindableSignals(draft.direction, signals.inputs, signals.outputs).some((signal) => signal.name === draft.signal)) {
    const isOutput = signals.outputs.some((signal) => signal.name === draft.signal);
    const isInput = signals.inputs.some((signal) => signal.name === draft.signal);
    errors.set(
      '/signal',
      draft.direction === 'read' && isOutput
        ? `${draft.signal} is an output; a read binding drives an input.`
        : draft.direction === 'write' && isInput
          ? `${draft.signal} is an input; a write binding sends an output.`
          : `The model has no signal ${draft.signal}.`,
    );
  }
  const nodeError = nodeIdProblem(draft.nodeId);
  if (nodeError) errors.set('/node_id', nodeError);
  const scale = number(draft.scale, errors, '/scale');
  const offset = number(draft.offset, errors, '/offset');
  if (errors.size > 0) return { ok: false, errors };

  const wanted: BindingFields = {
    endpoint_id: endpointId,
    signal: draft.signal,
    node_id: draft.nodeId.trim(),
    direction: draft.direction,
    scale: scale!,
    offset: offset!,
    data_type: draft.dataType === '' ? null : draft.dataType,
  };
  if (!original) return { ok: true, fields: wanted };
  const changes: BindingFields = {};
  for (const key of Object.keys(wanted) as (keyof BindingFields)[]) {
    if (wanted[key] !== original[key]) (changes as Record<string, unknown>)[key] = wanted[key];
  }
  return { ok: true, fields: changes };
}

// The OPC UA type a signal is usually exchanged as, to suggest in the form.
export function suggestedDataType(type: SignalType | undefined): OpcuaDataType | null {
  if (type === 'bool') return 'Boolean';
  if (type === 'int') return 'Int32';
  if (type === 'real') return 'Double';
  return null;
}

export const endpointStateWords: Record<EndpointState, string> = {
  connecting: 'connecting',
  connected: 'connected',
  reconnecting: 'reconnecting',
  failed: 'failed',
  stopped: 'stopped',
};

// "1.2 ms", or "–" before the first exchange.
export function formatMilliseconds(value: number | null): string {
  if (value === null) return '–';
  return `${value.toFixed(value < 10 ? 2 : 1)} ms`;
}
