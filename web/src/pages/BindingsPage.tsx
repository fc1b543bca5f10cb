import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';

import { api } from '../api/client';
import { ApiError, describeError, errorsAtFields } from '../api/errors';
import { opcuaDataTypes, type Binding, type Endpoint, type Fmu, type Model, type OpcuaDataType, type Project } from '../api/types';
import { ConfirmDialog, ErrorMessage, Field, FormFooter, Loading, SelectField } from '../components/common';
import { loadCatalogue } from '../lib/catalogue';
import { signalsOf, toNode, type Signal } from '../lib/graph';
import { bindableSignals, bindingDraftOf, bindingFieldsOf, suggestedDataType, type BindingDraft } from '../lib/hil';
import { fmuIdOf, fmuType } from '../lib/ports';
import { Link } from '../lib/router';

const bindingPointers = ['/endpoint_id', '/signal', '/node_id', '/direction', '/scale', '/offset', '/data_type'] as const;

interface Signals {
  inputs: Signal[];
  outputs: Signal[];
}

function BindingForm({
  binding,
  endpoints,
  signals,
  onSave,
  onCancel,
}: {
  binding?: Binding;
  endpoints: Endpoint[];
  signals: Signals;
  onSave: (draft: BindingDraft) => Promise<void>;
  onCancel?: () => void;
}) {
  const [draft, setDraft] = useState<BindingDraft>(() => bindingDraftOf(binding, endpoints[0]?.id));
  const [errors, setErrors] = useState<Map<string, string>>(new Map());
  const [busy, setBusy] = useState(false);
  const editing = binding !== undefined;
  const choices = bindableSignals(draft.direction, signals.inputs, signals.outputs);
  const chosen = choices.find((signal) => signal.name === draft.signal);
  const change = (fields: Partial<BindingDraft>) => {
    setDraft((current) => ({ ...current, ...fields }));
    setErrors((current) => {
      const next = new Map(current);
      // endpointId → /endpoint_id, nodeId → /node_id, …
      for (const key of Object.keys(fields)) next.delete(`/${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`);
      next.delete('');
      return next;
    });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = bindingFieldsOf(draft, signals, binding);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setBusy(true);
    setErrors(new Map());
    try {
      await onSave(draft);
      if (!editing) setDraft((current) => ({ ...bindingDraftOf(undefined, Number(current.endpointId)), direction: current.direction }));
    } catch (caught) {
      setErrors(errorsAtFields(caught, bindingPointers));
    } finally {
      setBusy(false);
    }
  };

  const suggestion = suggestedDataType(chosen?.dataType);
  const label = editing ? `Edit binding of ${binding.signal}` : 'New binding';
  return (
    <form className="record-form" aria-label={label} onSubmit={(event) => void submit(event)} noValidate>
      <h3>{label}</h3>
      <SelectField
        label="Endpoint"
        value={draft.endpointId}
        error={errors.get('/endpoint_id')}
        onChange={(event) => change({ endpointId: event.target.value })}
      >
        {draft.endpointId === '' && <option value="">Choose…</option>}
        {endpoints.map((endpoint) => (
          <option key={endpoint.id} value={endpoint.id}>
            {endpoint.name} ({endpoint.url})
          </option>
        ))}
      </SelectField>
      <SelectField
        label="Direction"
        value={draft.direction}
        error={errors.get('/direction')}
        onChange={(event) => {
          const direction = event.target.value as BindingDraft['direction'];
          const stillBindable = bindableSignals(direction, signals.inputs, signals.outputs).some((signal) => signal.name === draft.signal);
          change({ direction, ...(stillBindable ? {} : { signal: '' }) });
        }}
      >
        <option value="read">read: PLC → twin input</option>
        <option value="write">write: twin output → PLC</option>
      </SelectField>
      <SelectField
        label={draft.direction === 'read' ? 'Signal (an input of the model)' : 'Signal (an output of the model)'}
        value={draft.signal}
        error={errors.get('/signal')}
        onChange={(event) => change({ signal: event.target.value })}
      >
        <option value="">Choose…</option>
        {draft.signal !== '' && !chosen && <option value={draft.signal}>{draft.signal} (not in the model)</option>}
        {choices.map((signal) => (
          <option key={signal.name} value={signal.name}>
            {signal.name} ({signal.dataType}
            {signal.unit ? `, ${signal.unit}` : ''})
          </option>
        ))}
      </SelectField>
      <Field
        label="Node id"
        value={draft.nodeId}
        placeholder="ns=2;s=Q0.1"
        error={errors.get('/node_id')}
        hint="The PLC variable's node, e.g. ns=2;s=Q0.1 or ns=3;i=1001."
        onChange={(event) => change({ nodeId: event.target.value })}
      />
      <Field
        label="Scale"
        value={draft.scale}
        inputMode="decimal"
        error={errors.get('/scale')}
        hint={draft.direction === 'read' ? 'input = PLC value × scale + offset' : 'PLC value = output × scale + offset'}
        onChange={(event) => change({ scale: event.target.value })}
      />
      <Field
        label="Offset"
        value={draft.offset}
        inputMode="decimal"
        error={errors.get('/offset')}
        onChange={(event) => change({ offset: event.target.value })}
      />
      <SelectField
        label="OPC UA data type"
        value={draft.dataType}
        error={errors.get('/data_type')}
        hint={suggestion ? `Automatic takes the node's type; a ${chosen?.dataType} signal is usually ${suggestion}.` : "Automatic takes the node's type."}
        onChange={(event) => change({ dataType: event.target.value as OpcuaDataType | '' })}
      >
        <option value="">automatic</option>
        {opcuaDataTypes.map((type) => (
          <option key={type} value={type}>
            {type}
          </option>
        ))}
      </SelectField>
      <FormFooter what="binding" error={errors.get('') ?? null} busy={busy} editing={editing} onCancel={onCancel} />
    </form>
  );
}

// The bindings of a model: which signal is exchanged with which node of which endpoint.
export function BindingsPage({ modelId }: { modelId: number }) {
  const [model, setModel] = useState<Model | null>(null);
  const [project, setProject] = useState<Project | null>(null);
  const [endpoints, setEndpoints] = useState<Endpoint[]>([]);
  const [bindings, setBindings] = useState<Binding[] | null>(null);
  const [signals, setSignals] = useState<Signals>({ inputs: [], outputs: [] });
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<number | null>(null);
  const [deleting, setDeleting] = useState<{ binding: Binding; busy: boolean; error: string | null } | null>(null);

  const load = useCallback(async () => {
    setError(null);
    let loadedModel: Model;
    try {
      loadedModel = await api.model(modelId);
      setModel(loadedModel);
      document.title = `HIL · ${loadedModel.name} · twinloop`;
    } catch (caught) {
      setError(caught instanceof ApiError && caught.status === 404 ? 'This model does not exist (any more).' : describeError(caught));
      return;
    }
    try {
      const [loadedProject, typeList, components] = await Promise.all([
        api.project(loadedModel.project_id),
        loadCatalogue(),
        api.components(modelId),
      ]);
      setProject(loadedProject);
      const fmuIds = [...new Set(components.flatMap((c) => (c.type === fmuType ? [fmuIdOf(c.parameters) ?? 0] : [])))].filter((id) => id > 0);
      const fmus = new Map<number, Fmu>();
      await Promise.all(
        fmuIds.map(async (id) => {
          try {
            fmus.set(id, await api.fmu(id));
          } catch {
            // its components show no signals
          }
        }),
      );
      const types = new Map(typeList.map((type) => [type.type, type]));
      const nodes = components.map((component) => toNode(component, types, { x: 0, y: 0 }, fmus).data);
      setSignals({ inputs: signalsOf(nodes, 'inputs'), outputs: signalsOf(nodes, 'outputs') });
      const [loadedEndpoints, loadedBindings] = await Promise.all([api.endpoints(loadedModel.project_id), api.bindings(modelId)]);
      setEndpoints(loadedEndpoints);
      setBindings(loadedBindings);
    } catch (caught) {
      setError(
        caught instanceof ApiError && caught.status === 404
          ? 'This server has no HIL bindings (its version is older than this page).'
          : `The bindings could not be loaded: ${describeError(caught)}`,
      );
    }
  }, [modelId]);

  useEffect(() => {
    void load();
  }, [load]);

  const endpointNames = useMemo(() => new Map(endpoints.map((endpoint) => [endpoint.id, endpoint.name])), [endpoints]);

  const create = async (draft: BindingDraft) => {
    const checked = bindingFieldsOf(draft, signals);
    if (!checked.ok) return;
    const created = await api.createBinding(modelId, checked.fields);
    setBindings((list) => [...(list ?? []), created]);
  };

  const update = async (binding: Binding, draft: BindingDraft) => {
    const checked = bindingFieldsOf(draft, signals, binding);
    if (!checked.ok) return;
    const updated = Object.keys(checked.fields).length > 0 ? await api.updateBinding(binding.id, checked.fields) : binding;
    setBindings((list) => list?.map((other) => (other.id === updated.id ? updated : other)) ?? null);
    setEditing(null);
  };

  const remove = async () => {
    if (!deleting) return;
    setDeleting({ ...deleting, busy: true, error: null });
    try {
      await api.deleteBinding(deleting.binding.id);
      setBindings((list) => list?.filter((other) => other.id !== deleting.binding.id) ?? null);
      setDeleting(null);
    } catch (caught) {
      setDeleting({ ...deleting, busy: false, error: describeError(caught) });
    }
  };

  return (
    <main className="page page-wide">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link href="/">Projects</Link> <span aria-hidden="true">/</span>{' '}
        {project ? <Link href={`/projects/${project.id}`}>{project.name}</Link> : <span>…</span>} <span aria-hidden="true">/</span>{' '}
        {model ? <Link href={`/models/${model.id}`}>{model.name}</Link> : <span>…</span>} <span aria-hidden="true">/</span>{' '}
        <span>HIL bindings</span>
      </nav>
      <h1>HIL bindings{model ? ` · ${model.name}` : ''}</h1>
      <p className="lead">
        A read binding drives an input of the model with a PLC value; a write binding sends an output of the model to the PLC.
        The exchange runs while a simulation of the model runs.{' '}
        {project && <Link href={`/projects/${project.id}/hil`}>Manage the project's endpoints</Link>}
      </p>
      <ErrorMessage message={error} onRetry={load} />
      {bindings === null && !error && <Loading what="bindings" />}
      {bindings && (
        <section aria-labelledby="bindings">
          <h2 id="bindings">Bindings</h2>
          {bindings.length === 0 ? (
            <p className="empty">No bindings yet.</p>
          ) : (
            <table className="data-table" aria-label="Bindings">
              <thead>
                <tr>
                  <th scope="col">Signal</th>
                  <th scope="col">Direction</th>
                  <th scope="col">Endpoint</th>
                  <th scope="col">Node id</th>
                  <th scope="col">Scale</th>
                  <th scope="col">Offset</th>
                  <th scope="col">Data type</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {bindings.map((binding) =>
                  editing === binding.id ? (
                    <tr key={binding.id}>
                      <td colSpan={8}>
                        <BindingForm
                          binding={binding}
                          endpoints={endpoints}
                          signals={signals}
                          onSave={(draft) => update(binding, draft)}
                          onCancel={() => setEditing(null)}
                        />
                      </td>
                    </tr>
                  ) : (
                    <tr key={binding.id} data-binding={binding.signal}>
                      <th scope="row">
                        <code>{binding.signal}</code>
                      </th>
                      <td>{binding.direction === 'read' ? 'read (PLC → twin)' : 'write (twin → PLC)'}</td>
                      <td>{endpointNames.get(binding.endpoint_id) ?? `endpoint ${binding.endpoint_id}`}</td>
                      <td>
                        <code>{binding.node_id}</code>
                      </td>
                      <td>{binding.scale}</td>
                      <td>{binding.offset}</td>
                      <td>{binding.data_type ?? 'automatic'}</td>
                      <td className="actions-cell">
                        <button type="button" onClick={() => setEditing(binding.id)}>
                          Edit<span className="visually-hidden"> binding of {binding.signal}</span>
                        </button>{' '}
                        <button type="button" className="danger" onClick={() => setDeleting({ binding, busy: false, error: null })}>
                          Delete<span className="visually-hidden"> binding of {binding.signal}</span>
                        </button>
                      </td>
                    </tr>
                  ),
                )}
              </tbody>
            </table>
          )}
          {endpoints.length === 0 ? (
            <p className="empty">
              The project has no endpoints yet.{' '}
              {project && <Link href={`/projects/${project.id}/hil`}>Create an endpoint</Link>} to bind signals to a PLC.
            </p>
          ) : signals.inputs.length + signals.outputs.length === 0 ? (
            <p className="empty">
              The model has no signals yet. {model && <Link href={`/models/${model.id}`}>Add components</Link>} first.
            </p>
          ) : (
            <BindingForm endpoints={endpoints} signals={signals} onSave={create} />
          )}
        </section>
      )}
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete the binding of ${deleting?.binding.signal ?? ''}?`}
        confirmLabel="Delete binding"
        busy={deleting?.busy}
        error={deleting?.error}
        onConfirm={() => void remove()}
        onCancel={() => setDeleting(null)}
      >
        <p>The signal is no longer exchanged with the PLC, from the next simulation on.</p>
      </ConfirmDialog>
    </main>
  );
}
