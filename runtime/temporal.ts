import { readFileSync } from 'node:fs';
import { Connection, type ConnectionOptions } from '@temporalio/client';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import type { Config } from '../domain/config';

type TemporalSettings = Pick<Config, 'TEMPORAL_API_KEY' | 'TEMPORAL_TLS_CERT_PATH' | 'TEMPORAL_TLS_KEY_PATH'>;

/** TLS and auth shared by the client and the worker connection (Temporal Cloud: API key or mTLS). */
function securityOptions(config: TemporalSettings): Pick<ConnectionOptions, 'tls' | 'apiKey'> {
  if (config.TEMPORAL_TLS_CERT_PATH && config.TEMPORAL_TLS_KEY_PATH) {
    return {
      tls: {
        clientCertPair: {
          crt: readFileSync(config.TEMPORAL_TLS_CERT_PATH),
          key: readFileSync(config.TEMPORAL_TLS_KEY_PATH),
        },
      },
    };
  }
  if (config.TEMPORAL_API_KEY) return { tls: true, apiKey: config.TEMPORAL_API_KEY };
  return {};
}

export async function connectClient(address: string, config: TemporalSettings): Promise<Connection> {
  return Connection.connect({ address, ...securityOptions(config) });
}

export async function connectWorker(address: string, config: TemporalSettings): Promise<NativeConnection> {
  return NativeConnection.connect({ address, ...(securityOptions(config) as Partial<NativeConnectionOptions>) });
}
