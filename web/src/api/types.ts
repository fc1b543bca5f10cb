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
