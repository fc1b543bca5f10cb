import { describe, expect, it } from 'vitest';

import { mixedFmu, pt1Fmu } from '../test/fmus';
import { filterVariables, matchingFmus, settableParameters, formatSize, formatStart, formatVariableType, interfacesOf, uploadProblem } from './fmus';

describe('FMU details as shown', () => {
  it('gives sizes in decimal units', () => {
    expect(formatSize(512)).toBe('512 B');
    expect(formatSize(17450)).toBe('17 kB');
    expect(formatSize(2400)).toBe('2.4 kB');
    expect(formatSize(2_400_000)).toBe('2.4 MB');
    expect(formatSize(209_715_200)).toBe('210 MB');
  });

  it('names the interfaces', () => {
    expect(interfacesOf(pt1Fmu)).toBe('co-simulation');
    expect(interfacesOf(mixedFmu)).toBe('model exchange');
    expect(interfacesOf({ ...pt1Fmu, model_exchange: { model_identifier: 'pt1' } })).toBe('co-simulation and model exchange');
  });

  it('shows start values and array types', () => {
    expect(formatStart(null)).toBe('');
    expect(formatStart(1.5)).toBe('1.5');
    expect(formatStart(true)).toBe('true');
    expect(formatStart('x')).toBe('"x"');
    expect(formatStart([1, 2])).toBe('[1, 2]');
    const m = mixedFmu.variables!.find((variable) => variable.name === 'm')!;
    expect(formatVariableType(m)).toBe('Float64[2,2]');
    expect(formatVariableType(pt1Fmu.variables![0]!)).toBe('Float64');
  });

  it('filters variables by text and causality', () => {
    const names = (list: { name: string }[]) => list.map((variable) => variable.name);
    expect(names(filterVariables(pt1Fmu.variables!, '', ''))).toEqual(['u', 'y', 'K', 'T']);
    expect(names(filterVariables(pt1Fmu.variables!, 'time con', ''))).toEqual(['T']);
    expect(names(filterVariables(pt1Fmu.variables!, '', 'parameter'))).toEqual(['K', 'T']);
    expect(names(filterVariables(mixedFmu.variables!, 'KM/H', 'input'))).toEqual(['speed']);
  });

  it('refuses an empty upload before sending it', () => {
    expect(uploadProblem({ name: 'a.fmu', size: 0 })).toBe('a.fmu is empty; choose the .fmu file.');
    expect(uploadProblem({ name: 'a.fmu', size: 10 })).toBeNull();
  });
});

describe('matchingFmus', () => {
  it('finds FMUs by file name, model name and the word FMU', () => {
    const ids = (search: string) => matchingFmus([pt1Fmu, mixedFmu], search).map((fmu) => fmu.id);
    expect(ids('')).toEqual([3, 4]);
    expect(ids('FMU')).toEqual([3, 4]);
    expect(ids('pt1')).toEqual([3]);
    expect(ids('mixed')).toEqual([4]);
    expect(ids('nothing')).toEqual([]);
  });
});

describe('settableParameters', () => {
  it('are the parameters that are neither constant nor calculated', () => {
    expect(settableParameters(pt1Fmu).map((variable) => variable.name)).toEqual(['K', 'T']);
    const variables = [
      ...pt1Fmu.variables!,
      { ...pt1Fmu.variables![2]!, name: 'C', variability: 'constant' },
      { ...pt1Fmu.variables![2]!, name: 'D', initial: 'calculated' },
      { ...pt1Fmu.variables![2]!, name: 'E', causality: 'calculatedParameter' },
    ];
    expect(settableParameters({ ...pt1Fmu, variables }).map((variable) => variable.name)).toEqual(['K', 'T']);
  });
});
