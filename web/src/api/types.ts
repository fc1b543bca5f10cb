// The shapes of the twinloop REST API (libs/api/openapi/openapi.json), as far as the app uses
// them.

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface Project {
  id: number;
  name: string;
  description: string;
  created_at: string;
  updated_at: string;
}

export interface Model {
  id: number;
  project_id: number;
  name: string;
  description: string;
  step_size: number | null;
  created_at: string;
  updated_at: string;
}

export interface Position {
  x: number;
  y: number;
}

// An `object` parameter (an FMU component's start `values`) is a JSON object.
export type ParameterValue = number | string | boolean | { [name: string]: unknown };

export interface Component {
  id: number;
  model_id: number;
  name: string;
  type: string;
  parameters: Record<string, ParameterValue>;
  position: Position | null;
}

export interface ConnectionEnd {
  component_id: number;
  port: string;
}

export interface Connection {
  id: number;
  model_id: number;
  source: ConnectionEnd;
  target: ConnectionEnd;
}

export type SignalType = 'real' | 'int' | 'bool';

export interface PortSpec {
  name: string;
  data_type: SignalType;
  description?: string;
  unit?: string;
  default?: number | boolean;
  feedthrough?: boolean;
}

export interface ParameterSpec {
  name: string;
  data_type: SignalType | 'string' | 'object';
  default: ParameterValue;
  description?: string;
  unit?: string;
  min?: number;
  max?: number;
}

export interface ComponentType {
  type: string;
  category: string;
  description: string;
  inputs: PortSpec[];
  outputs: PortSpec[];
  parameters: ParameterSpec[];
}

export type SimulationState = 'created' | 'running' | 'paused' | 'completed' | 'stopped' | 'failed';

export interface Simulation {
  id: number;
  model_id: number;
  state: SimulationState;
  time: number;
  steps: number;
  step_size: number;
  end_time: number | null;
  realtime_factor: number;
  record: string[];
  decimation: number;
  overrides: Record<string, number>;
  recording_truncated: boolean;
  wall_time: number;
  error?: string;
  created_at: string;
  // Present when the model has HIL bindings.
  endpoints?: EndpointStatus[];
}

export interface SimulationSettings {
  step_size: number;
  end_time?: number | null;
  realtime_factor?: number;
  record?: string[];
}

export interface Results {
  time: number[];
  signals: Record<string, number[]>;
}

export interface FieldProblem {
  pointer?: string;
  parameter?: string;
  detail: string;
}

// RFC 9457 problem details, as every error answer of the server carries them.
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
  errors?: FieldProblem[];
}

export interface ModelDocument {
  format: 'twinloop.model';
  format_version: number;
  model: { name: string; description?: string; step_size?: number | null };
  components?: {
    name: string;
    type: string;
    parameters?: Record<string, ParameterValue>;
    position?: Position | null;
  }[];
  connections?: {
    source: { component: string; port: string };
    target: { component: string; port: string };
  }[];
}

// An uploaded FMU (GET /fmus/{id}); the items of the project's list lack `variables`.
export interface FmuVariable {
  name: string;
  value_reference: number;
  causality: string; // parameter, calculatedParameter, input, output, local, independent, structuralParameter
  variability: string;
  initial?: string;
  type: string; // Float32, Float64, Int8 … UInt64, Boolean, String, Binary, Enumeration, Clock
  start: number | boolean | string | (number | boolean | string)[] | null;
  unit: string;
  min: number | null;
  max: number | null;
  description: string;
  dimensions?: number[];
}

export interface Fmu {
  id: number;
  project_id: number;
  file_name: string;
  size: number;
  sha256: string;
  created_at: string;
  fmi_version: string;
  model_name: string;
  instantiation_token: string;
  description: string;
  author: string;
  model_version: string;
  generation_tool: string;
  generation_date_and_time: string;
  co_simulation: { model_identifier: string; [flag: string]: unknown } | null;
  model_exchange: { model_identifier: string; [flag: string]: unknown } | null;
  default_experiment: {
    start_time: number | null;
    stop_time: number | null;
    tolerance: number | null;
    step_size: number | null;
  };
  number_of_continuous_states: number;
  number_of_event_indicators: number;
  variables?: FmuVariable[];
}

// HIL: an OPC UA server the twin connects to as a client. `password` is only ever sent.
export type FaultPolicy = 'hold' | 'pause' | 'fail';

export interface Endpoint {
  id: number;
  project_id: number;
  name: string;
  url: string;
  security_mode: string;
  security_policy: string;
  username: string | null;
  has_password: boolean;
  connect_timeout: number;
  request_timeout: number;
  exchange_period: number | null;
  fault_policy: FaultPolicy;
  created_at: string;
  updated_at: string;
}

export interface EndpointFields {
  name?: string;
  url?: string;
  security_mode?: string;
  security_policy?: string;
  username?: string | null;
  password?: string | null;
  connect_timeout?: number;
  request_timeout?: number;
  exchange_period?: number | null;
  fault_policy?: FaultPolicy;
}

export type BindingDirection = 'read' | 'write';

export const opcuaDataTypes = [
  'Boolean',
  'SByte',
  'Byte',
  'Int16',
  'UInt16',
  'Int32',
  'UInt32',
  'Int64',
  'UInt64',
  'Float',
  'Double',
] as const;

export type OpcuaDataType = (typeof opcuaDataTypes)[number];

export interface Binding {
  id: number;
  model_id: number;
  endpoint_id: number;
  signal: string;
  node_id: string;
  direction: BindingDirection;
  scale: number;
  offset: number;
  data_type: OpcuaDataType | null;
  created_at: string;
  updated_at: string;
}

export interface BindingFields {
  endpoint_id?: number;
  signal?: string;
  node_id?: string;
  direction?: BindingDirection;
  scale?: number;
  offset?: number;
  data_type?: OpcuaDataType | null;
}

// `stopped` once the run has ended (the server's hil::EndpointStatus), `failed` as the API
// contract names it.
export type EndpointState = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'stopped';

export interface EndpointStatus {
  endpoint_id: number;
  name: string;
  url: string;
  state: EndpointState;
  connected: boolean;
  cycles: number;
  errors: number;
  overruns: number;
  reconnects: number;
  last_exchange_ms: number | null;
  p99_exchange_ms: number | null;
  last_error: string | null;
  bindings: number;
}
