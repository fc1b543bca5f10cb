import {
  applyEdgeChanges,
  applyNodeChanges,
  Background,
  Controls,
  ReactFlow,
  ReactFlowProvider,
  useNodesInitialized,
  useReactFlow,
  useUpdateNodeInternals,
  type EdgeChange,
  type FinalConnectionState,
  type NodeChange,
  type OnBeforeDelete,
  type Connection as FlowConnection,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useMemo, useRef, useState, type ChangeEvent, type DragEvent } from 'react';

import { api, importAsNewModel } from '../api/client';
import { ApiError, describeError } from '../api/errors';
import type { Component, ComponentType, ConnectionEnd, Fmu, Model, Position, Project } from '../api/types';
import { ComponentNodeView } from '../components/ComponentNodeView';
import { FmuComponentInfo } from '../components/FmuComponentInfo';
import { InputConnections } from '../components/InputConnections';
import { ConfirmDialog, ErrorMessage, Loading } from '../components/common';
import { Palette, paletteFmuMimeType, paletteMimeType } from '../components/Palette';
import { PropertyPanel } from '../components/PropertyPanel';
import { SimulationPanel } from '../components/SimulationPanel';
import { loadCatalogue } from '../lib/catalogue';
import {
  componentIdOf,
  connectionEnds,
  connectionOf,
  connectionProblem,
  freeComponentName,
  inputHandle,
  nodeId,
  signalsOf,
  toEdge,
  toGraph,
  toNode,
  type ComponentNode,
  type ConnectionEdge,
} from '../lib/graph';
import { freeSpot, layeredLayout } from '../lib/layout';
import { fmuIdOf, fmuType } from '../lib/ports';
import { Link, navigate } from '../lib/router';

const nodeTypes = { component: ComponentNodeView };

export function ModelEditorPage({ modelId }: { modelId: number }) {
  return (
    <ReactFlowProvider>
      <ModelEditor modelId={modelId} />
    </ReactFlowProvider>
  );
}

interface Loaded {
  model: Model;
  project: Project;
  types: Map<string, ComponentType>;
  typeList: ComponentType[];
  fitOnOpen: boolean; // the model opened with components
  fmus: Fmu[]; // the project's, for the palette
  fmuDetails: Map<number, Fmu>; // with their variables, by id: the ports of fmu components

}

// Fits the view to the model once its components are drawn and measured. The canvas is there
// before the model has loaded (so its first layout is of an empty page), and a model that opens
// empty is not fitted to the first component added, which would move the canvas under the
// user's hand.
function FitOnOpen({ enabled }: { enabled: boolean }) {
  const initialised = useNodesInitialized();
  const { fitView } = useReactFlow();
  const done = useRef(false);
  useEffect(() => {
    if (!enabled || !initialised || done.current) return;
    done.current = true;
    void fitView({ maxZoom: 1 });
  }, [enabled, initialised, fitView]);
  return null;
}

function nodesByIdOf(nodes: ComponentNode[]): Map<string, ComponentNode> {
  return new Map(nodes.map((node) => [node.id, node]));
}

// The same array as last time while its items are the same objects.
function useStableList<T>(items: T[]): T[] {
  const previous = useRef(items);
  const same = previous.current.length === items.length && previous.current.every((item, i) => item === items[i]);
  if (!same) previous.current = items;
  return previous.current;
}

// The FMUs (with their variables) that `ids` name; one that cannot be read is left out, so its
// components show no ports rather than the editor failing.
async function fmuDetailsOf(ids: Iterable<number>): Promise<Map<number, Fmu>> {
  const details = new Map<number, Fmu>();
  await inBatches([...new Set(ids)], 8, async (id) => {
    try {
      details.set(id, await api.fmu(id));
    } catch {
      // answered by the empty ports of its components
    }
  });
  return details;
}

// Runs tasks `width` at a time: saving 500 positions at once would queue in the browser anyway.
async function inBatches<T>(items: T[], width: number, task: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(task));
}

function ModelEditor({ modelId }: { modelId: number }) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [nodes, setNodes] = useState<ComponentNode[]>([]);
  const [edges, setEdges] = useState<ConnectionEdge[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<ComponentNode | null>(null);
  const flow = useReactFlow<ComponentNode, ConnectionEdge>();
  const updateNodeInternals = useUpdateNodeInternals();
  const canvas = useRef<HTMLDivElement>(null);

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      const [model, typeList, components, connections] = await Promise.all([
        api.model(modelId),
        loadCatalogue(),
        api.components(modelId),
        api.connections(modelId),
      ]);
      const [project, fmus] = await Promise.all([
        api.project(model.project_id),
        // Without its FMUs the editor still edits the rest of the model.
        api.fmus(model.project_id).catch(() => [] as Fmu[]),
      ]);
      const fmuDetails = await fmuDetailsOf([
        ...fmus.map((fmu) => fmu.id),
        ...components.flatMap((component) => (component.type === fmuType ? [fmuIdOf(component.parameters) ?? 0] : [])),
      ].filter((id) => id > 0));
      const types = new Map(typeList.map((type) => [type.type, type]));
      const layout = components.some((component) => component.position === null)
        ? layeredLayout(components, connections)
        : new Map<number, Position>();
      const graph = toGraph(components, connections, types, layout, fmuDetails);
      setNodes(graph.nodes);
      setEdges(graph.edges);
      setLoaded({ model, project, types, typeList, fitOnOpen: components.length > 0, fmus, fmuDetails });
      document.title = `${model.name} · twinloop`;
      // An imported model without positions keeps the layout it was given here.
      const unplacedComponents = components.filter((component) => component.position === null);
      inBatches(unplacedComponents, 8, (component) =>
        api.updateComponent(component.id, { position: layout.get(component.id) ?? null }),
      ).catch((caught) => setNotice(`The arrangement was not saved: ${describeError(caught)}`));
    } catch (caught) {
      setLoadError(caught instanceof ApiError && caught.status === 404 ? 'This model does not exist (any more).' : describeError(caught));
    }
  }, [modelId]);

  useEffect(() => {
    void load();
  }, [load]);

  // The callbacks handed to xyflow read the graph through refs, so that they stay the same
  // while a node is dragged and xyflow does not re-render for them on every frame.
  const graph = useRef({ nodes, edges });
  graph.current = { nodes, edges };
  const selected = nodes.find((node) => node.selected) ?? null;
  // Dragging changes positions only, so the components (and with them the signals) stay the
  // same objects: the simulation panel re-renders only when the model changes.
  const componentData = useStableList(nodes.map((node) => node.data));
  const outputs = useMemo(() => signalsOf(componentData, 'outputs'), [componentData]);
  const inputs = useMemo(() => signalsOf(componentData, 'inputs'), [componentData]);

  const onNodesChange = useCallback((changes: NodeChange<ComponentNode>[]) => {
    setNodes((current) => applyNodeChanges(changes, current));
  }, []);
  const onEdgesChange = useCallback((changes: EdgeChange<ConnectionEdge>[]) => {
    setEdges((current) => applyEdgeChanges(changes, current));
  }, []);

  // A component of a catalogue type, or (with `fmu`) a component of type fmu running that FMU.
  const addComponent = useCallback(
    async (type: ComponentType, position: Position, fmu?: Fmu) => {
      setNotice(null);
      const what = fmu ? fmu.file_name : type.type;
      const name = freeComponentName(
        fmu ? fmu.model_name || type.type : type.type,
        graph.current.nodes.map((node) => node.data.component.name),
      );
      try {
        const component = await api.createComponent(modelId, {
          name,
          type: type.type,
          ...(fmu ? { parameters: { fmu: fmu.id } } : {}),
          position: { x: Math.round(position.x), y: Math.round(position.y) },
        });
        const node = { ...toNode(component, loaded!.types, position, loaded!.fmuDetails), selected: true };
        setNodes((current) => [...current.map((other) => (other.selected ? { ...other, selected: false } : other)), node]);
      } catch (caught) {
        setNotice(`${what} was not added: ${describeError(caught)}`);
      }
    },
    [modelId, loaded],
  );

  const spotInView = useCallback(() => {
    const bounds = canvas.current?.getBoundingClientRect();
    const centre = bounds
      ? flow.screenToFlowPosition({ x: bounds.left + bounds.width / 2, y: bounds.top + bounds.height / 2 })
      : { x: 0, y: 0 };
    return freeSpot({ x: centre.x - 70, y: centre.y - 30 }, graph.current.nodes.map((node) => node.position));
  }, [flow]);

  const addInView = useCallback((type: ComponentType) => void addComponent(type, spotInView()), [addComponent, spotInView]);

  const fmuTypeInfo = loaded?.types.get(fmuType);
  const addFmuInView = useCallback(
    (fmu: Fmu) => {
      if (fmuTypeInfo) void addComponent(fmuTypeInfo, spotInView(), fmu);
      else setNotice('This server has no component type fmu, so FMUs cannot be added to models.');
    },
    [addComponent, spotInView, fmuTypeInfo],
  );

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    const position = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
    const fmuId = Number(event.dataTransfer.getData(paletteFmuMimeType));
    if (fmuId > 0) {
      const fmu = loaded?.fmus.find((candidate) => candidate.id === fmuId);
      if (fmu && fmuTypeInfo) void addComponent(fmuTypeInfo, position, fmu);
      return;
    }
    const typeName = event.dataTransfer.getData(paletteMimeType);
    const type = loaded?.types.get(typeName);
    if (!type) return;
    void addComponent(type, position);
  };

  const isValidConnection = useCallback(
    (link: FlowConnection | ConnectionEdge) =>
      connectionProblem(link, nodesByIdOf(graph.current.nodes), graph.current.edges) === null,
    [],
  );

  // A link dropped on a port that does not take it: say why (xyflow only refuses it).
  const onConnectEnd = useCallback((_event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
    if (state.isValid !== false || !state.fromHandle || !state.toHandle) return;
    const { fromHandle, toHandle } = state;
    const link = {
      source: fromHandle.nodeId,
      sourceHandle: fromHandle.id ?? null,
      target: toHandle.nodeId,
      targetHandle: toHandle.id ?? null,
    };
    setNotice(connectionProblem(link, nodesByIdOf(graph.current.nodes), graph.current.edges));
  }, []);

  const onConnect = useCallback(
    async (link: FlowConnection) => {
      setNotice(null);
      const nodesById = nodesByIdOf(graph.current.nodes);
      const problem = connectionProblem(link, nodesById, graph.current.edges);
      const ends = connectionEnds(link);
      if (problem || !ends.ok) {
        setNotice(problem ?? (ends.ok ? null : ends.error));
        return;
      }
      try {
        const connection = await api.createConnection(modelId, ends.source, ends.target);
        setEdges((current) => [...current, toEdge(connection, nodesById)]);
      } catch (caught) {
        setNotice(`Not connected: ${describeError(caught)}`);
      }
    },
    [modelId],
  );

  // Deleting goes to the server first; what it refuses stays on the canvas.
  const onBeforeDelete: OnBeforeDelete<ComponentNode, ConnectionEdge> = useCallback(async ({ nodes: doomed, edges: cut }) => {
    setNotice(null);
    const doomedIds = new Set(doomed.map((node) => node.id));
    try {
      await inBatches(doomed, 8, (node) => api.deleteComponent(componentIdOf(node.id)));
      const alone = cut.filter((edge) => !doomedIds.has(edge.source) && !doomedIds.has(edge.target));
      await inBatches(alone, 8, (edge) => api.deleteConnection(Number(edge.id)));
      return true;
    } catch (caught) {
      setNotice(`Not deleted: ${describeError(caught)}`);
      void load();
      return false;
    }
  }, [load]);

  const onNodeDragStop = useCallback(
    (_event: unknown, _node: ComponentNode, moved: ComponentNode[]) => {
      void inBatches(moved, 8, async (node) => {
        const position = { x: Math.round(node.position.x), y: Math.round(node.position.y) };
        try {
          await api.updateComponent(componentIdOf(node.id), { position });
        } catch (caught) {
          setNotice(`The new position of ${node.data.component.name} was not saved: ${describeError(caught)}`);
        }
      });
    },
    [],
  );

  const onSaved = useCallback(
    async (component: Component) => {
      if (!loaded) return;
      let fmuDetails = loaded.fmuDetails;
      const fmuId = component.type === fmuType ? fmuIdOf(component.parameters) : null;
      if (fmuId !== null && !fmuDetails.has(fmuId)) {
        // Pointed at an FMU the editor has not read yet: its ports come with its variables.
        fmuDetails = new Map([...fmuDetails, ...(await fmuDetailsOf([fmuId]))]);
        setLoaded((current) => (current ? { ...current, fmuDetails } : current));
      }
      setNodes((current) =>
        current.map((node) =>
          node.id === nodeId(component.id)
            ? { ...toNode(component, loaded.types, node.position, fmuDetails), selected: node.selected }
            : node,
        ),
      );
      updateNodeInternals(nodeId(component.id));
    },
    [loaded, updateNodeInternals],
  );

  // The keyboard's way to connect: replace what drives an input (or disconnect it).
  const setDriver = useCallback(
    async (target: ComponentNode, port: string, driver: ConnectionEnd | null) => {
      setNotice(null);
      const existing = graph.current.edges.find(
        (edge) => edge.target === target.id && edge.targetHandle === inputHandle(port),
      );
      if (existing) {
        await api.deleteConnection(Number(existing.id));
        setEdges((current) => current.filter((edge) => edge.id !== existing.id));
      }
      if (driver) {
        const connection = await api.createConnection(modelId, driver, { component_id: componentIdOf(target.id), port });
        setEdges((current) => [...current, toEdge(connection, nodesByIdOf(graph.current.nodes))]);
      }
    },
    [modelId],
  );
  const selectedId = selected?.id ?? null;
  const selectedDrivers = useMemo(() => {
    const drivers = new Map<string, ConnectionEnd>();
    for (const edge of edges) {
      if (edge.target !== selectedId) continue;
      const connection = connectionOf(edge, modelId);
      drivers.set(connection.target.port, connection.source);
    }
    return drivers;
  }, [edges, selectedId, modelId]);

  const deleteSelected = async () => {
    if (!confirmDelete) return;
    const node = confirmDelete;
    setConfirmDelete(null);
    await flow.deleteElements({ nodes: [{ id: node.id }] });
  };

  const autoLayout = async () => {
    setBusy('Arranging…');
    setNotice(null);
    const components = nodes.map((node) => node.data.component);
    const connections = edges.map((edge) => connectionOf(edge, modelId));
    const layout = layeredLayout(components, connections);
    setNodes((current) => current.map((node) => ({ ...node, position: layout.get(componentIdOf(node.id)) ?? node.position })));
    window.requestAnimationFrame(() => void flow.fitView());
    try {
      await inBatches([...layout.entries()], 8, ([id, position]) => api.updateComponent(id, { position }));
    } catch (caught) {
      setNotice(`The arrangement was not saved completely: ${describeError(caught)}`);
    } finally {
      setBusy(null);
    }
  };

  const exportModel = async () => {
    setNotice(null);
    try {
      const document = await api.exportModel(modelId);
      const blob = new Blob([JSON.stringify(document, null, 2)], { type: 'application/json' });
      const url = URL.createObjectURL(blob);
      const anchor = Object.assign(window.document.createElement('a'), {
        href: url,
        download: `${loaded?.model.name.replace(/[^A-Za-z0-9_-]+/g, '-') ?? 'model'}.json`,
      });
      anchor.click();
      window.setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (caught) {
      setNotice(`The model was not exported: ${describeError(caught)}`);
    }
  };

  const importModel = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file || !loaded) return;
    setNotice(null);
    try {
      const document = JSON.parse(await file.text()) as unknown;
      const model = await importAsNewModel(loaded.project.id, document);
      navigate(`/models/${model.id}`);
    } catch (caught) {
      setNotice(
        caught instanceof SyntaxError ? `${file.name} is not a JSON file.` : `${file.name} was not imported: ${describeError(caught)}`,
      );
    }
  };

  if (loadError) {
    return (
      <main className="page">
        <ErrorMessage message={loadError} onRetry={load} />
        <Link href="/">Back to the projects</Link>
      </main>
    );
  }
  return (
    <main className="editor" aria-label={loaded ? `Model ${loaded.model.name}` : 'Model editor'} aria-busy={!loaded}>
      <header className="editor-toolbar">
        <nav className="breadcrumbs" aria-label="Breadcrumbs">
          <Link href="/">Projects</Link> <span aria-hidden="true">/</span>{' '}
          {loaded ? (
            <>
              <Link href={`/projects/${loaded.project.id}`}>{loaded.project.name}</Link> <span aria-hidden="true">/</span>{' '}
              <h1>{loaded.model.name}</h1>
            </>
          ) : (
            <h1>…</h1>
          )}
        </nav>
        <span className="counts">
          {nodes.length} components, {edges.length} connections
        </span>
        <div className="toolbar-buttons">
          <button type="button" onClick={() => void autoLayout()} disabled={busy !== null || nodes.length === 0}>
            {busy ?? 'Auto-layout'}
          </button>
          <Link href={`/models/${modelId}/hil`} className="button-like">
            HIL bindings
          </Link>
          <button type="button" onClick={() => void exportModel()}>
            Export JSON
          </button>
          <label className="button-like">
            Import JSON…
            <input type="file" accept="application/json,.json" className="visually-hidden" onChange={importModel} />
          </label>
        </div>
      </header>
      <ErrorMessage message={notice} />
      <div className="editor-body">
        {loaded ? (
          <Palette types={loaded.typeList} onAdd={addInView} fmus={loaded.fmus} onAddFmu={addFmuInView} projectId={loaded.project.id} />
        ) : (
          <aside className="palette" aria-label="Component palette">
            <Loading what="the component types" />
          </aside>
        )}
        <div
          className="canvas"
          ref={canvas}
          onDragOver={(event) => {
            if (event.dataTransfer.types.includes(paletteMimeType) || event.dataTransfer.types.includes(paletteFmuMimeType)) {
              event.preventDefault();
              event.dataTransfer.dropEffect = 'copy';
            }
          }}
          onDrop={onDrop}
          aria-label="Model canvas: drag from an output to an input to connect; select and press Delete to remove"
        >
          <ReactFlow<ComponentNode, ConnectionEdge>
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            onConnectEnd={onConnectEnd}
            isValidConnection={isValidConnection}
            onBeforeDelete={onBeforeDelete}
            onNodeDragStop={onNodeDragStop}
            deleteKeyCode={['Delete', 'Backspace']}
            minZoom={0.05}
            proOptions={{ hideAttribution: true }}
          >
            <Background />
            <Controls />
            <FitOnOpen enabled={loaded?.fitOnOpen ?? false} />
          </ReactFlow>
          {!loaded && (
            <div className="canvas-loading">
              <Loading what="the model" />
            </div>
          )}
          {loaded && nodes.length === 0 && (
            <p className="canvas-hint">Drag a component type from the palette onto the canvas, or press its button to add it here.</p>
          )}
        </div>
        {selected ? (
          <PropertyPanel
            key={selected.id}
            component={selected.data.component}
            typeInfo={selected.data.typeInfo}
            onSaved={onSaved}
            onDelete={() => setConfirmDelete(selected)}
          >
            {selected.data.component.type === fmuType && loaded && (
              <FmuComponentInfo
                fmuId={fmuIdOf(selected.data.component.parameters)}
                fmu={loaded.fmuDetails.get(fmuIdOf(selected.data.component.parameters) ?? 0)}
              />
            )}
            <InputConnections
              inputs={selected.data.ports.inputs}
              drivers={selectedDrivers}
              outputs={outputs}
              onChange={(port, driver) => setDriver(selected, port, driver)}
            />
          </PropertyPanel>
        ) : (
          <aside className="property-panel" aria-label="Properties">
            <h2>Properties</h2>
            <p className="empty">Select a component to see and change its name and parameters.</p>
          </aside>
        )}
      </div>
      {loaded && (
        <SimulationPanel modelId={modelId} defaultStepSize={loaded.model.step_size} outputs={outputs} inputs={inputs} />
      )}
      <ConfirmDialog
        open={confirmDelete !== null}
        title={`Delete ${confirmDelete?.data.component.name ?? ''}?`}
        confirmLabel="Delete component"
        onConfirm={() => void deleteSelected()}
        onCancel={() => setConfirmDelete(null)}
      >
        <p>The component and every connection at it are removed from the model.</p>
      </ConfirmDialog>
    </main>
  );
}
