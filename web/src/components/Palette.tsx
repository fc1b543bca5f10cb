import { memo, useMemo, useState, type DragEvent } from 'react';

import type { ComponentType, Fmu } from '../api/types';
import { matchingFmus } from '../lib/fmus';
import { fmuType } from '../lib/ports';
import { Link } from '../lib/router';

export const paletteMimeType = 'application/x-twinloop-component-type';
export const paletteFmuMimeType = 'application/x-twinloop-fmu';

interface Props {
  types: ComponentType[];
  onAdd: (type: ComponentType) => void;
  // The project's FMUs, each a component of type fmu running it.
  fmus?: Fmu[];
  onAddFmu?: (fmu: Fmu) => void;
  projectId?: number;
}

// The catalogue by category, with a search by name, category or, failing those, description. Drag a type onto the canvas, or press its button
// (Enter or a click) to add it in the middle of the view.
export const Palette = memo(function Palette({ types: allTypes, onAdd, fmus = [], onAddFmu, projectId }: Props) {
  const [search, setSearch] = useState('');
  // The type fmu alone names no FMU: the project's FMUs stand in for it.
  const hasFmuType = allTypes.some((type) => type.type === fmuType);
  const types = useMemo(() => allTypes.filter((type) => type.type !== fmuType), [allTypes]);
  const shownFmus = useMemo(() => (hasFmuType ? matchingFmus(fmus, search) : []), [fmus, search, hasFmuType]);
  const groups = useMemo(() => {
    const needle = search.trim().toLowerCase();
    // Names and categories first; the descriptions only when no name matches.
    const byName = types.filter(
      (type) => needle === '' || type.type.toLowerCase().includes(needle) || type.category.toLowerCase().includes(needle),
    );
    const matching =
      byName.length > 0 ? byName : types.filter((type) => type.description.toLowerCase().includes(needle));
    const byCategory = new Map<string, ComponentType[]>();
    for (const type of matching) {
      byCategory.set(type.category, [...(byCategory.get(type.category) ?? []), type]);
    }
    return [...byCategory.entries()];
  }, [types, search]);

  const startDrag = (event: DragEvent, type: ComponentType) => {
    event.dataTransfer.setData(paletteMimeType, type.type);
    event.dataTransfer.effectAllowed = 'copy';
  };

  const startFmuDrag = (event: DragEvent, fmu: Fmu) => {
    event.dataTransfer.setData(paletteFmuMimeType, String(fmu.id));
    event.dataTransfer.effectAllowed = 'copy';
  };

  return (
    <aside className="palette" aria-label="Component palette">
      <h2>Components</h2>
      <input
        type="search"
        className="palette-search"
        placeholder="Search types…"
        aria-label="Search component types"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
      />
      <div className="palette-groups">
        {groups.length === 0 && shownFmus.length === 0 && <p className="empty">No type matches “{search}”.</p>}
        {hasFmuType && (search.trim() === '' || shownFmus.length > 0) && (
          <section aria-label="FMUs">
            <h3>FMUs</h3>
            {fmus.length === 0 && (
              <p className="empty">
                None yet.{' '}
                {projectId !== undefined && <Link href={`/projects/${projectId}`}>Upload an FMU</Link>} to use it here.
              </p>
            )}
            <ul>
              {shownFmus.map((fmu) => (
                <li key={fmu.id}>
                  <button
                    type="button"
                    className="palette-item"
                    draggable
                    data-fmu={fmu.id}
                    title={`${fmu.model_name}, FMI ${fmu.fmi_version}${fmu.description ? `: ${fmu.description}` : ''}`}
                    aria-label={`Add FMU ${fmu.file_name}`}
                    onDragStart={(event) => startFmuDrag(event, fmu)}
                    onClick={() => onAddFmu?.(fmu)}
                  >
                    {fmu.file_name}
                  </button>
                </li>
              ))}
            </ul>
          </section>
        )}
        {groups.map(([category, members]) => (
          <section key={category} aria-label={category}>
            <h3>{category}</h3>
            <ul>
              {members.map((type) => (
                <li key={type.type}>
                  <button
                    type="button"
                    className="palette-item"
                    draggable
                    data-type={type.type}
                    title={type.description}
                    aria-label={`Add ${type.type}`}
                    onDragStart={(event) => startDrag(event, type)}
                    onClick={() => onAdd(type)}
                  >
                    {type.type}
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </aside>
  );
});
