import { memo, useMemo, useState, type DragEvent } from 'react';

import type { ComponentType } from '../api/types';

export const paletteMimeType = 'application/x-twinloop-component-type';

interface Props {
  types: ComponentType[];
  onAdd: (type: ComponentType) => void;
}

// The catalogue by category, with a search by name, category or, failing those, description. Drag a type onto the canvas, or press its button
// (Enter or a click) to add it in the middle of the view.
export const Palette = memo(function Palette({ types, onAdd }: Props) {
  const [search, setSearch] = useState('');
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
        {groups.length === 0 && <p className="empty">No type matches “{search}”.</p>}
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
