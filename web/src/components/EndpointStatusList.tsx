import type { EndpointStatus } from '../api/types';
import { endpointStateWords, formatMilliseconds } from '../lib/hil';

// The live state of the OPC UA endpoints a run exchanges signals with.
export function EndpointStatusList({ endpoints }: { endpoints: EndpointStatus[] }) {
  return (
    <div className="endpoint-status" aria-label="HIL endpoints" role="region">
      <h3>HIL endpoints</h3>
      <ul>
        {endpoints.map((endpoint) => (
          <li key={endpoint.endpoint_id} data-endpoint={endpoint.name}>
            <strong>{endpoint.name}</strong>{' '}
            <span className={`state-${endpoint.state}`} data-state={endpoint.state}>
              {endpointStateWords[endpoint.state] ?? endpoint.state}
            </span>{' '}
            <span className="hint">
              {endpoint.bindings} binding{endpoint.bindings === 1 ? '' : 's'}, {endpoint.cycles} cycles, {endpoint.errors} errors,{' '}
              {endpoint.overruns} overruns, {endpoint.reconnects} reconnects
              {endpoint.cycles > 0 &&
                `; exchange ${formatMilliseconds(endpoint.last_exchange_ms)} (p99 ${formatMilliseconds(endpoint.p99_exchange_ms)})`}
            </span>
            {endpoint.last_error && <div className="field-error">Last error: {endpoint.last_error}</div>}
          </li>
        ))}
      </ul>
    </div>
  );
}
