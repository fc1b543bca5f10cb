import { useState, type FormEvent, type ReactNode } from 'react';

import { describeError, problemsByPointer } from '../api/errors';
import { Link } from '../lib/router';
import { ConfirmDialog, ErrorMessage, Field } from './common';

export interface NamedItem {
  id: number;
  name: string;
  description: string;
}

interface Props<T extends NamedItem> {
  kind: string; // "project", "model"
  items: T[];
  href: (item: T) => string;
  details?: (item: T) => ReactNode;
  deleteWarning: (item: T) => string;
  onRename: (item: T, name: string) => Promise<void>;
  onDelete: (item: T) => Promise<void>;
}

// A list of projects or models: open, rename in place, delete after a confirmation.
export function NamedItems<T extends NamedItem>({ kind, items, href, details, deleteWarning, onRename, onDelete }: Props<T>) {
  const [renaming, setRenaming] = useState<{ id: number; name: string; error: string | null; busy: boolean } | null>(null);
  const [deleting, setDeleting] = useState<{ item: T; error: string | null; busy: boolean } | null>(null);

  const rename = async (event: FormEvent, item: T) => {
    event.preventDefault();
    if (!renaming) return;
    const name = renaming.name.trim();
    if (name === '') {
      setRenaming({ ...renaming, error: 'Enter a name.' });
      return;
    }
    setRenaming({ ...renaming, busy: true, error: null });
    try {
      await onRename(item, name);
      setRenaming(null);
    } catch (error) {
      setRenaming({ ...renaming, busy: false, error: problemsByPointer(error).get('/name') ?? describeError(error) });
    }
  };

  const remove = async () => {
    if (!deleting) return;
    setDeleting({ ...deleting, busy: true, error: null });
    try {
      await onDelete(deleting.item);
      setDeleting(null);
    } catch (error) {
      setDeleting({ ...deleting, busy: false, error: describeError(error) });
    }
  };

  if (items.length === 0) return <p className="empty">No {kind}s yet. Create the first one above.</p>;

  return (
    <>
      <ul className="named-items" aria-label={`${kind}s`}>
        {items.map((item) => (
          <li key={item.id}>
            {renaming?.id === item.id ? (
              <form className="inline-form" onSubmit={(event) => rename(event, item)}>
                <Field
                  label={`New name of ${kind} ${item.name}`}
                  value={renaming.name}
                  error={renaming.error}
                  autoFocus
                  maxLength={200}
                  onChange={(event) => setRenaming({ ...renaming, name: event.target.value, error: null })}
                  onKeyDown={(event) => event.key === 'Escape' && setRenaming(null)}
                />
                <button type="submit" disabled={renaming.busy}>
                  Save
                </button>
                <button type="button" onClick={() => setRenaming(null)}>
                  Cancel
                </button>
              </form>
            ) : (
              <div className="item-main">
                <Link href={href(item)} className="item-name">
                  {item.name}
                </Link>
                {item.description && <span className="item-description">{item.description}</span>}
                {details?.(item)}
              </div>
            )}
            {renaming?.id !== item.id && (
              <div className="item-actions">
                <button type="button" onClick={() => setRenaming({ id: item.id, name: item.name, error: null, busy: false })}>
                  Rename<span className="visually-hidden"> {item.name}</span>
                </button>
                <button type="button" className="danger" onClick={() => setDeleting({ item, error: null, busy: false })}>
                  Delete<span className="visually-hidden"> {item.name}</span>
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete ${kind} “${deleting?.item.name ?? ''}”?`}
        confirmLabel={`Delete ${kind}`}
        busy={deleting?.busy}
        error={deleting?.error}
        onConfirm={remove}
        onCancel={() => setDeleting(null)}
      >
        <p>{deleting ? deleteWarning(deleting.item) : ''}</p>
      </ConfirmDialog>
    </>
  );
}

interface CreateProps {
  kind: string;
  onCreate: (name: string, description: string) => Promise<void>;
  // More fields, given the errors the server named by pointer.
  children?: (errors: Map<string, string>) => ReactNode;
}

// The "new project" / "new model" form; the server's 409 or 422 shows at the field it names.
export function CreateForm({ kind, onCreate, children }: CreateProps) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<Map<string, string>>(new Map());
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === '') {
      setErrors(new Map([['/name', 'Enter a name.']]));
      return;
    }
    setBusy(true);
    setErrors(new Map());
    try {
      await onCreate(name.trim(), description);
      setName('');
      setDescription('');
    } catch (error) {
      const byField = problemsByPointer(error);
      if (!byField.has('/name') && !byField.has('/description') && !byField.has('/step_size')) {
        byField.set('', describeError(error));
      }
      setErrors(byField);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="create-form" onSubmit={submit} aria-label={`New ${kind}`}>
      <Field
        label={`Name of the new ${kind}`}
        value={name}
        maxLength={200}
        error={errors.get('/name')}
        onChange={(event) => setName(event.target.value)}
      />
      <Field
        label="Description (optional)"
        value={description}
        maxLength={10000}
        error={errors.get('/description')}
        onChange={(event) => setDescription(event.target.value)}
      />
      {children?.(errors)}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Creating…' : `Create ${kind}`}
      </button>
      <ErrorMessage message={errors.get('') ?? null} />
    </form>
  );
}
