import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';

import { inputHandle, outputHandle, type ComponentNode } from '../lib/graph';

// A component on the canvas: its name and type, its inputs as handles on the left and its
// outputs on the right, coloured by data type.
function ComponentNodeViewInner({ data, selected }: NodeProps<ComponentNode>) {
  const { component, ports, typeInfo } = data;
  const rows = Math.max(ports.inputs.length, ports.outputs.length);
  return (
    <div
      className={`component-node category-${typeInfo?.category ?? 'unknown'}${selected ? ' selected' : ''}`}
      aria-label={`${component.name}, ${component.type}`}
      data-component={component.name}
    >
      <div className="component-node-header">
        <span className="component-node-name">{component.name}</span>
        <span className="component-node-type">{component.type}</span>
      </div>
      <div className="component-node-ports">
        {Array.from({ length: rows }, (_, row) => {
          const input = ports.inputs[row];
          const output = ports.outputs[row];
          return (
            <div className="port-row" key={row}>
              {input ? (
                <span className={`port port-in type-${input.data_type}`} title={`input ${input.name}: ${input.data_type}${input.unit ? ` in ${input.unit}` : ''}`}>
                  <Handle type="target" position={Position.Left} id={inputHandle(input.name)} className={`handle type-${input.data_type}`} />
                  {input.name}
                </span>
              ) : (
                <span />
              )}
              {output ? (
                <span className={`port port-out type-${output.data_type}`} title={`output ${output.name}: ${output.data_type}${output.unit ? ` in ${output.unit}` : ''}`}>
                  {output.name}
                  <Handle type="source" position={Position.Right} id={outputHandle(output.name)} className={`handle type-${output.data_type}`} />
                </span>
              ) : (
                <span />
              )}
            </div>
          );
        })}
        {!typeInfo && <div className="port-row unknown-type">unknown type</div>}
      </div>
    </div>
  );
}

export const ComponentNodeView = memo(ComponentNodeViewInner);
