import type { Fmu, FmuVariable } from '../api/types';

// "17.0 kB", "2.4 MB": the size of an upload, as a person reads it.
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    ++unit;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

// "co-simulation and model exchange", "co-simulation", …
export function interfacesOf(fmu: Fmu): string {
  const kinds = [fmu.co_simulation ? 'co-simulation' : '', fmu.model_exchange ? 'model exchange' : ''].filter(Boolean);
  return kinds.length > 0 ? kinds.join(' and ') : 'no interface';
}

// A variable's start value as the table shows it.
export function formatStart(start: FmuVariable['start']): string {
  if (start === null) return '';
  if (Array.isArray(start)) return `[${start.map((value) => formatStart(value)).join(', ')}]`;
  if (typeof start === 'string') return JSON.stringify(start);
  return String(start);
}

// A variable's type with its array dimensions: "Float64", "Int16[3]", "Float64[2,2]".
export function formatVariableType(variable: FmuVariable): string {
  return variable.dimensions && variable.dimensions.length > 0 ? `${variable.type}[${variable.dimensions.join(',')}]` : variable.type;
}

// The variables whose name, causality, type, unit or description contain the filter text.
export function filterVariables(variables: FmuVariable[], filter: string, causality: string): FmuVariable[] {
  const needle = filter.trim().toLowerCase();
  return variables.filter(
    (variable) =>
      (causality === '' || variable.causality === causality) &&
      (needle === '' ||
        [variable.name, variable.type, variable.unit, variable.description].some((text) => text.toLowerCase().includes(needle))),
  );
}

// What an upload is, before it is sent: an .fmu is a zip archive, and a file that is not one is
// refused by the server anyway, but an empty file or a directory can be named here at once.
export function uploadProblem(file: { name: string; size: number }): string | null {
  if (file.size === 0) return `${file.name} is empty; choose the .fmu file.`;
  return null;
}

// The FMUs a palette search finds: by file name, model name or description; "fmu" finds all.
export function matchingFmus(fmus: Fmu[], search: string): Fmu[] {
  const needle = search.trim().toLowerCase();
  return fmus.filter(
    (fmu) =>
      needle === '' ||
      'fmus'.includes(needle) ||
      [fmu.file_name, fmu.model_name, fmu.description].some((text) => text.toLowerCase().includes(needle)),
  );
}

// The variables a component may set through its `values` parameter (the server's rule: a
// parameter that is neither constant nor calculated at initialisation).
export function settableParameters(fmu: Fmu): FmuVariable[] {
  return (fmu.variables ?? []).filter(
    (variable) => variable.causality === 'parameter' && variable.variability !== 'constant' && variable.initial !== 'calculated',
  );
}
