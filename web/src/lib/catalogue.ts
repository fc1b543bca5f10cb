import { api } from '../api/client';
import type { ComponentType } from '../api/types';

let catalogue: Promise<ComponentType[]> | null = null;

// The component types, read once per page load: they change only with the server.
export function loadCatalogue(): Promise<ComponentType[]> {
  if (!catalogue) {
    catalogue = api.componentTypes();
    catalogue.catch(() => {
      catalogue = null;
    });
  }
  return catalogue;
}
