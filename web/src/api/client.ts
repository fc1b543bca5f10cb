import { ApiError, problemMessage } from './errors';
import type {
  Binding,
  BindingFields,
  Component,
  ComponentType,
  Endpoint,
  EndpointFields,
  Fmu,
  Connection,
  ConnectionEnd,
  Model,
  ModelDocument,
  Page,
  Position,
  Problem,
  Project,
  Results,
  Simulation,
  SimulationSettings,
  ParameterValue,
} from './types';

export const apiBase = '/api/v1';

// A body sent as it is (an uploaded file), not as JSON.
class RawBody {
  constructor(
    readonly data: Blob,
    readonly contentType: string,
  ) {}
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    const raw = body instanceof RawBody;
    response = await fetch(apiBase + path, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': raw ? body.contentType : 'application/json' },
      body: body === undefined ? undefined : raw ? body.data : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'The twinloop server cannot be reached. Is it running?');
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  if (!response.ok) {
    let problem: Problem | null = null;
    try {
      problem = JSON.parse(text) as Problem;
    } catch {
      problem = null;
    }
    throw new ApiError(response.status, problemMessage(response.status, problem), problem);
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(response.status, 'The server sent an answer that is not JSON.');
  }
}

// Every item of a paged list, page by page.
async function all<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  const limit = 1000;
  for (;;) {
    const separator = path.includes('?') ? '&' : '?';
    const page = await request<Page<T>>('GET', `${path}${separator}limit=${limit}&offset=${items.length}`);
    items.push(...page.items);
    if (page.items.length === 0 || items.length >= page.total) return items;
  }
}

export interface ComponentChanges {
  name?: string;
  parameters?: Record<string, ParameterValue | null>;
  position?: Position | null;
}

export const api = {
  projects: () => all<Project>('/projects'),
  project: (id: number) => request<Project>('GET', `/projects/${id}`),
  createProject: (fields: { name: string; description?: string }) =>
    request<Project>('POST', '/projects', fields),
  updateProject: (id: number, fields: { name?: string; description?: string }) =>
    request<Project>('PATCH', `/projects/${id}`, fields),
  deleteProject: (id: number) => request<void>('DELETE', `/projects/${id}`),

  models: (projectId: number) => all<Model>(`/projects/${projectId}/models`),
  model: (id: number) => request<Model>('GET', `/models/${id}`),
  createModel: (projectId: number, fields: { name: string; description?: string; step_size?: number | null }) =>
    request<Model>('POST', `/projects/${projectId}/models`, fields),
  updateModel: (id: number, fields: { name?: string; description?: string; step_size?: number | null }) =>
    request<Model>('PATCH', `/models/${id}`, fields),
  deleteModel: (id: number) => request<void>('DELETE', `/models/${id}`),
  exportModel: (id: number) => request<ModelDocument>('GET', `/models/${id}/export`),
  importModel: (projectId: number, document: unknown, name?: string) =>
    request<Model>(
      'POST',
      `/projects/${projectId}/models/import${name ? `?name=${encodeURIComponent(name)}` : ''}`,
      document,
    ),

  componentTypes: () => all<ComponentType>('/component-types'),
  components: (modelId: number) => all<Component>(`/models/${modelId}/components`),
  createComponent: (
    modelId: number,
    fields: { name: string; type: string; parameters?: Record<string, ParameterValue>; position?: Position },
  ) => request<Component>('POST', `/models/${modelId}/components`, fields),
  updateComponent: (id: number, changes: ComponentChanges) =>
    request<Component>('PATCH', `/components/${id}`, changes),
  deleteComponent: (id: number) => request<void>('DELETE', `/components/${id}`),

  connections: (modelId: number) => all<Connection>(`/models/${modelId}/connections`),
  createConnection: (modelId: number, source: ConnectionEnd, target: ConnectionEnd) =>
    request<Connection>('POST', `/models/${modelId}/connections`, { source, target }),
  deleteConnection: (id: number) => request<void>('DELETE', `/connections/${id}`),

  simulations: (modelId: number) => all<Simulation>(`/models/${modelId}/simulations`),
  simulation: (id: number) => request<Simulation>('GET', `/simulations/${id}`),
  createSimulation: (modelId: number, settings: SimulationSettings) =>
    request<Simulation>('POST', `/models/${modelId}/simulations`, settings),
  simulationAction: (id: number, action: 'start' | 'pause' | 'resume' | 'stop' | 'step') =>
    request<Simulation>('POST', `/simulations/${id}/${action}`),
  setOverrides: (id: number, overrides: Record<string, number | boolean | null>) =>
    request<Simulation>('PATCH', `/simulations/${id}`, { overrides }),
  deleteSimulation: (id: number) => request<void>('DELETE', `/simulations/${id}`),
  fmus: (projectId: number) => all<Fmu>(`/projects/${projectId}/fmus`),
  fmu: (id: number) => request<Fmu>('GET', `/fmus/${id}`),
  uploadFmu: (projectId: number, file: Blob, fileName: string) =>
    request<Fmu>(
      'POST',
      `/projects/${projectId}/fmus?file_name=${encodeURIComponent(fileName)}`,
      new RawBody(file, 'application/octet-stream'),
    ),
  deleteFmu: (id: number) => request<void>('DELETE', `/fmus/${id}`),

  endpoints: (projectId: number) => all<Endpoint>(`/projects/${projectId}/endpoints`),
  endpoint: (id: number) => request<Endpoint>('GET', `/endpoints/${id}`),
  createEndpoint: (projectId: number, fields: EndpointFields) =>
    request<Endpoint>('POST', `/projects/${projectId}/endpoints`, fields),
  updateEndpoint: (id: number, fields: EndpointFields) => request<Endpoint>('PATCH', `/endpoints/${id}`, fields),
  deleteEndpoint: (id: number) => request<void>('DELETE', `/endpoints/${id}`),

  bindings: (modelId: number) => all<Binding>(`/models/${modelId}/bindings`),
  createBinding: (modelId: number, fields: BindingFields) =>
    request<Binding>('POST', `/models/${modelId}/bindings`, fields),
  updateBinding: (id: number, fields: BindingFields) => request<Binding>('PATCH', `/bindings/${id}`, fields),
  deleteBinding: (id: number) => request<void>('DELETE', `/bindings/${id}`),

  results: (id: number, signals: string[]) =>
    request<Results>(
      'GET',
      `/simulations/${id}/results?format=json&signals=${signals.map(encodeURIComponent).join(',')}`,
    ),
};

// A name that none of `taken` has: the name itself, else "name (2)", "name (3)", ...
export function freeModelName(name: string, taken: Iterable<string>): string {
  const names = new Set(taken);
  if (!names.has(name)) return name;
  for (let n = 2; ; ++n) {
    const candidate = `${name} (${n})`;
    if (!names.has(candidate)) return candidate;
  }
}

// Imports a model document as a new model of the project, renamed when the project already has
// a model of its name (model names are unique in a project).
export async function importAsNewModel(projectId: number, document: unknown): Promise<Model> {
  const wanted = (document as Partial<ModelDocument> | null)?.model?.name;
  if (typeof wanted !== 'string') return api.importModel(projectId, document);
  const existing = await api.models(projectId);
  return api.importModel(projectId, document, freeModelName(wanted, existing.map((model) => model.name)));
}

export function resultsCsvUrl(simulationId: number, signals: string[]): string {
  const query = signals.length > 0 ? `&signals=${signals.map(encodeURIComponent).join(',')}` : '';
  return `${apiBase}/simulations/${simulationId}/results?format=csv${query}`;
}
