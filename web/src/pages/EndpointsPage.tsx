import { useCallback, useEffect, useState, type FormEvent } from 'react';

import { api } from '../api/client';
import { ApiError, describeError, errorsAtFields } from '../api/errors';
import type { Endpoint, Model, Project } from '../api/types';
import { ConfirmDialog, ErrorMessage, Field, FormFooter, Loading, SelectField } from '../components/common';
import { endpointDraftOf, endpointFieldsOf, faultPolicies, type EndpointDraft } from '../lib/hil';
import { Link } from '../lib/router';

const endpointPointers = [
  '/name',
  '/url',
  '/username',
  '/password',
  '/connect_timeout',
  '/request_timeout',
  '/exchange_period',
  '/fault_policy',
  '/security_mode',
  '/security_policy',
] as const;

// The create and edit form of an endpoint; the server's 422 shows at the field it names.
function EndpointForm({
  endpoint,
  onSave,
  onCancel,
}: {
  endpoint?: Endpoint;
  onSave: (draft: EndpointDraft) => Promise<void>;
  onCancel?: () => void;
}) {
  const [draft, setDraft] = useState<EndpointDraft>(() => endpointDraftOf(endpoint));
  const [errors, setErrors] = useState<Map<string, string>>(new Map());
  const [busy, setBusy] = useState(false);
  const editing = endpoint !== undefined;
  const change = (fields: Partial<EndpointDraft>) => {
    setDraft((current) => ({ ...current, ...fields }));
    setErrors((current) => {
      const next = new Map(current);
      next.delete('');
      return next;
    });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = endpointFieldsOf(draft, endpoint);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setBusy(true);
    setErrors(new Map());
    try {
      await onSave(draft);
      if (!editing) setDraft(endpointDraftOf());
    } catch (caught) {
      setErrors(errorsAtFields(caught, endpointPointers));
    } finally {
      setBusy(false);
    }
  };

  const label = editing ? `Edit endpoint ${endpoint.name}` : 'New endpoint';
  return (
    <form className="record-form" aria-label={label} onSubmit={(event) => void submit(event)} noValidate>
      <h3>{label}</h3>
      <Field
        label="Name"
        value={draft.name}
        maxLength={200}
        error={errors.get('/name')}
        onChange={(event) => change({ name: event.target.value })}
      />
      <Field
        label="URL"
        value={draft.url}
        error={errors.get('/url')}
        hint="opc.tcp://host:port of the PLC's OPC UA server"
        onChange={(event) => change({ url: event.target.value })}
      />
      <SelectField label="Security" value="None" disabled hint="Only None is supported for now." error={errors.get('/security_mode') ?? errors.get('/security_policy')}>
        <option value="None">None</option>
      </SelectField>
      <Field
        label="User name (optional)"
        value={draft.username}
        autoComplete="off"
        error={errors.get('/username')}
        onChange={(event) => change({ username: event.target.value })}
      />
      <Field
        label={editing ? 'New password (optional)' : 'Password (optional)'}
        type="password"
        value={draft.password}
        autoComplete="new-password"
        disabled={draft.clearPassword}
        error={errors.get('/password')}
        hint={editing ? (endpoint.has_password ? 'A password is set; leave empty to keep it.' : 'No password is set.') : undefined}
        onChange={(event) => change({ password: event.target.value })}
      />
      {editing && endpoint.has_password && (
        <label className="checkbox">
          <input type="checkbox" checked={draft.clearPassword} onChange={(event) => change({ clearPassword: event.target.checked })} />{' '}
          Remove the password
        </label>
      )}
      <Field
        label="Connect timeout (s)"
        value={draft.connectTimeout}
        inputMode="decimal"
        error={errors.get('/connect_timeout')}
        onChange={(event) => change({ connectTimeout: event.target.value })}
      />
      <Field
        label="Request timeout (s)"
        value={draft.requestTimeout}
        inputMode="decimal"
        error={errors.get('/request_timeout')}
        onChange={(event) => change({ requestTimeout: event.target.value })}
      />
      <Field
        label="Exchange period (s)"
        value={draft.exchangePeriod}
        inputMode="decimal"
        placeholder="every step"
        error={errors.get('/exchange_period')}
        hint="Empty: exchange at every simulation step."
        onChange={(event) => change({ exchangePeriod: event.target.value })}
      />
      <SelectField
        label="When the connection fails"
        value={draft.faultPolicy}
        error={errors.get('/fault_policy')}
        hint="Hold keeps the last values and reconnects; pause waits for the PLC; fail ends the run."
        onChange={(event) => change({ faultPolicy: event.target.value as EndpointDraft['faultPolicy'] })}
      >
        {faultPolicies.map((policy) => (
          <option key={policy.value} value={policy.value}>
            {policy.label}
          </option>
        ))}
      </SelectField>
      <FormFooter what="endpoint" error={errors.get('') ?? null} busy={busy} editing={editing} onCancel={onCancel} />
    </form>
  );
}

// The OPC UA endpoints of a project (the PLCs the twin exchanges signals with), and links to the
// bindings of its models.
export function EndpointsPage({ projectId }: { projectId: number }) {
  const [project, setProject] = useState<Project | null>(null);
  const [endpoints, setEndpoints] = useState<Endpoint[] | null>(null);
  const [models, setModels] = useState<Model[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<number | null>(null);
  const [deleting, setDeleting] = useState<{ endpoint: Endpoint; busy: boolean; error: string | null } | null>(null);

  const load = useCallback(async () => {
    setError(null);
    let loadedProject: Project;
    try {
      loadedProject = await api.project(projectId);
      setProject(loadedProject);
      document.title = `HIL · ${loadedProject.name} · twinloop`;
    } catch (caught) {
      setError(caught instanceof ApiError && caught.status === 404 ? 'This project does not exist (any more).' : describeError(caught));
      return;
    }
    try {
      const [loadedEndpoints, loadedModels] = await Promise.all([api.endpoints(projectId), api.models(projectId)]);
      setEndpoints(loadedEndpoints);
      setModels(loadedModels);
    } catch (caught) {
      setError(
        caught instanceof ApiError && caught.status === 404
          ? 'This server has no HIL endpoints (its version is older than this page).'
          : `The endpoints could not be loaded: ${describeError(caught)}`,
      );
    }
  }, [projectId]);

  useEffect(() => {
    void load();
  }, [load]);

  const create = async (draft: EndpointDraft) => {
    const checked = endpointFieldsOf(draft);
    if (!checked.ok) return;
    const created = await api.createEndpoint(projectId, checked.fields);
    setEndpoints((list) => [...(list ?? []), created]);
  };

  const update = async (endpoint: Endpoint, draft: EndpointDraft) => {
    const checked = endpointFieldsOf(draft, endpoint);
    if (!checked.ok) return;
    const updated = Object.keys(checked.fields).length > 0 ? await api.updateEndpoint(endpoint.id, checked.fields) : endpoint;
    setEndpoints((list) => list?.map((other) => (other.id === updated.id ? updated : other)) ?? null);
    setEditing(null);
  };

  const remove = async () => {
    if (!deleting) return;
    setDeleting({ ...deleting, busy: true, error: null });
    try {
      await api.deleteEndpoint(deleting.endpoint.id);
      setEndpoints((list) => list?.filter((other) => other.id !== deleting.endpoint.id) ?? null);
      setDeleting(null);
    } catch (caught) {
      const words =
        caught instanceof ApiError && caught.status === 409
          ? `${describeError(caught)} Each model's bindings are on its HIL bindings page, linked below.`
          : describeError(caught);
      setDeleting({ ...deleting, busy: false, error: words });
    }
  };

  return (
    <main className="page page-wide">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link href="/">Projects</Link> <span aria-hidden="true">/</span>{' '}
        {project ? <Link href={`/projects/${projectId}`}>{project.name}</Link> : <span>…</span>} <span aria-hidden="true">/</span>{' '}
        <span>HIL</span>
      </nav>
      <h1>Hardware in the loop{project ? ` · ${project.name}` : ''}</h1>
      <p className="lead">
        An endpoint is the OPC UA server of a PLC; while a simulation runs, the twin connects to it as a client and exchanges
        the signals its model binds to the PLC's nodes.
      </p>
      <ErrorMessage message={error} onRetry={load} />
      {endpoints === null && !error && <Loading what="endpoints" />}
      {endpoints && (
        <>
          <section aria-labelledby="endpoints">
            <h2 id="endpoints">Endpoints</h2>
            {endpoints.length === 0 ? (
              <p className="empty">No endpoints yet. Create the first one below.</p>
            ) : (
              <table className="data-table" aria-label="Endpoints">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">URL</th>
                    <th scope="col">User</th>
                    <th scope="col">Timeouts</th>
                    <th scope="col">Exchange</th>
                    <th scope="col">On failure</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {endpoints.map((endpoint) =>
                    editing === endpoint.id ? (
                      <tr key={endpoint.id}>
                        <td colSpan={7}>
                          <EndpointForm
                            endpoint={endpoint}
                            onSave={(draft) => update(endpoint, draft)}
                            onCancel={() => setEditing(null)}
                          />
                        </td>
                      </tr>
                    ) : (
                      <tr key={endpoint.id} data-endpoint={endpoint.name}>
                        <th scope="row">{endpoint.name}</th>
                        <td>
                          <code>{endpoint.url}</code>
                        </td>
                        <td>
                          {endpoint.username ?? '–'}
                          {endpoint.has_password ? ' (password set)' : ''}
                        </td>
                        <td>
                          connect {endpoint.connect_timeout} s, request {endpoint.request_timeout} s
                        </td>
                        <td>{endpoint.exchange_period === null ? 'every step' : `every ${endpoint.exchange_period} s`}</td>
                        <td>{endpoint.fault_policy}</td>
                        <td className="actions-cell">
                          <button type="button" onClick={() => setEditing(endpoint.id)}>
                            Edit<span className="visually-hidden"> {endpoint.name}</span>
                          </button>{' '}
                          <button type="button" className="danger" onClick={() => setDeleting({ endpoint, busy: false, error: null })}>
                            Delete<span className="visually-hidden"> {endpoint.name}</span>
                          </button>
                        </td>
                      </tr>
                    ),
                  )}
                </tbody>
              </table>
            )}
            <EndpointForm onSave={create} />
          </section>
          <section aria-labelledby="model-bindings">
            <h2 id="model-bindings">Bindings of the models</h2>
            {models.length === 0 ? (
              <p className="empty">The project has no models yet.</p>
            ) : (
              <ul className="link-list">
                {models.map((model) => (
                  <li key={model.id}>
                    <Link href={`/models/${model.id}/hil`}>Bindings of {model.name}</Link>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete endpoint “${deleting?.endpoint.name ?? ''}”?`}
        confirmLabel="Delete endpoint"
        busy={deleting?.busy}
        error={deleting?.error}
        onConfirm={() => void remove()}
        onCancel={() => setDeleting(null)}
      >
        <p>The endpoint is removed from the project. While bindings use it, it cannot be deleted.</p>
      </ConfirmDialog>
    </main>
  );
}
