import { notBuiltSink } from './connector.js';
import type { SinkProvider } from './connector.js';

/** `format('jdbc')`: JDBC (PostgreSQL, MariaDB). (Being built: see issue 12.) */
export const JDBC_SINK: SinkProvider = notBuiltSink('jdbc', 'JDBC (PostgreSQL, MariaDB)');
