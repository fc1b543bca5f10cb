import { useMemo, useState, type FormEvent, type ReactNode } from 'react';

import { api } from '../api/client';
import { describeError, pointerToken, problemsByPointer } from '../api/errors';
import type { Component, ComponentType, ParameterSpec, ParameterValue } from '../api/types';
import { checkComponentName, checkParameter, describeRange, formatParameter } from '../lib/params';
import { ErrorMessage, Field } from './common';

interface Props {
  component: Component;
  typeInfo: ComponentType | null;
  onSaved: (component: Component) => void;
  onDelete: () => void;
  children?: ReactNode;
}

type Draft = Record<string, string | boolean>;

function draftOf(component: Component, typeInfo: ComponentType | null): Draft {
  const draft: Draft = {};
  for (const spec of typeInfo?.parameters ?? []) {
    const value = component.parameters[spec.name];
    draft[spec.name] = spec.data_type === 'bool' ? value === true : formatParameter(value);
  }
  return draft;
}

const parameterPointer = (name: string) => `/parameters/${pointerToken(name)}`;

// The name and the typed parameters of the selected component. Each field is checked as it
// is typed; what the server refuses (422) shows at the field its pointer names.
export function PropertyPanel({ component, typeInfo, onSaved, onDelete, children }: Props) {
  const [name, setName] = useState(component.name);
  const [draft, setDraft] = useState<Draft>(() => draftOf(component, typeInfo));
  const [serverErrors, setServerErrors] = useState<Map<string, string>>(new Map());
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);

  const specs = typeInfo?.parameters ?? [];
  const clientErrors = useMemo(() => {
    const errors = new Map<string, string>();
    const nameError = checkComponentName(name);
    if (nameError) errors.set('/name', nameError);
    for (const spec of specs) {
      const check = checkParameter(spec, draft[spec.name] ?? '');
      if (!check.ok) errors.set(parameterPointer(spec.name), check.error);
    }
    return errors;
  }, [name, draft, specs]);

  const errorAt = (pointer: string) => clientErrors.get(pointer) ?? serverErrors.get(pointer) ?? null;

  const changedParameters = (): Record<string, ParameterValue> => {
    const changes: Record<string, ParameterValue> = {};
    for (const spec of specs) {
      const check = checkParameter(spec, draft[spec.name] ?? '');
      if (check.ok && check.value !== component.parameters[spec.name]) changes[spec.name] = check.value;
    }
    return changes;
  };

  const save = async (changes: { name?: string; parameters?: Record<string, ParameterValue | null> }) => {
    setBusy(true);
    setSaved(false);
    setServerErrors(new Map());
    try {
      const updated = await api.updateComponent(component.id, changes);
      onSaved(updated);
      setName(updated.name);
      setDraft(draftOf(updated, typeInfo));
      setSaved(true);
    } catch (error) {
      const byPointer = problemsByPointer(error);
      const known = ['/name', ...specs.map((spec) => parameterPointer(spec.name))];
      if (![...byPointer.keys()].some((pointer) => known.includes(pointer))) {
        byPointer.set('', describeError(error));
      }
      setServerErrors(byPointer);
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (clientErrors.size > 0) return;
    const changes: { name?: string; parameters?: Record<string, ParameterValue> } = {};
    if (name !== component.name) changes.name = name;
    const parameters = changedParameters();
    if (Object.keys(parameters).length > 0) changes.parameters = parameters;
    if (Object.keys(changes).length === 0) {
      setSaved(true);
      return;
    }
    void save(changes);
  };

  const edit = (spec: ParameterSpec, value: string | boolean) => {
    setDraft((current) => ({ ...current, [spec.name]: value }));
    setSaved(false);
    setServerErrors((errors) => {
      const next = new Map(errors);
      next.delete(parameterPointer(spec.name));
      next.delete('/parameters');
      return next;
    });
  };

  return (
    <aside className="property-panel" aria-label={`Properties of ${component.name}`}>
      <h2>
        {component.name} <span className="type-tag">{component.type}</span>
      </h2>
      {typeInfo && <p className="type-description">{typeInfo.description}</p>}
      <form onSubmit={submit} noValidate>
        <Field
          label="Name"
          value={name}
          error={errorAt('/name')}
          hint="Part of the signal names, as in name.y"
          onChange={(event) => {
            setName(event.target.value);
            setSaved(false);
          }}
        />
        {specs.length === 0 && <p className="empty">This type has no parameters.</p>}
        {specs.map((spec) => {
          const pointer = parameterPointer(spec.name);
          const range = describeRange(spec);
          const hint = (
            <>
              {spec.description}
              {spec.description ? ' ' : ''}
              Default {formatParameter(spec.default)}
              {spec.unit ? ` ${spec.unit}` : ''}
              {range ? `, ${range}` : ''}.{' '}
              <button
                type="button"
                className="link-button"
                disabled={busy}
                onClick={() => void save({ parameters: { [spec.name]: null } })}
              >
                Reset {spec.name} to default
              </button>
            </>
          );
          if (spec.data_type === 'bool') {
            return (
              <div className="field field-checkbox" key={spec.name}>
                <label>
                  <input
                    type="checkbox"
                    checked={draft[spec.name] === true}
                    onChange={(event) => edit(spec, event.target.checked)}
                  />{' '}
                  {spec.name}
                </label>
                <small className="hint">{hint}</small>
                {errorAt(pointer) && (
                  <small className="field-error" role="alert">
                    {errorAt(pointer)}
                  </small>
                )}
              </div>
            );
          }
          return (
            <Field
              key={spec.name}
              label={spec.unit ? `${spec.name} (${spec.unit})` : spec.name}
              name={spec.name}
              value={String(draft[spec.name] ?? '')}
              inputMode={spec.data_type === 'string' ? 'text' : spec.data_type === 'int' ? 'numeric' : 'decimal'}
              error={errorAt(pointer)}
              hint={hint}
              onChange={(event) => edit(spec, event.target.value)}
            />
          );
        })}
        <ErrorMessage message={serverErrors.get('/parameters') ?? serverErrors.get('') ?? null} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy || clientErrors.size > 0}>
            {busy ? 'Saving…' : 'Apply'}
          </button>
          <button type="button" className="danger" onClick={onDelete} disabled={busy}>
            Delete component
          </button>
          {saved && (
            <span className="saved" role="status">
              Saved
            </span>
          )}
        </div>
      </form>
      {children}
    </aside>
  );
}
