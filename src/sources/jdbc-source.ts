import { notBuiltSource } from './connector.js';
import type { SourceProvider } from './connector.js';

/** `format('jdbc')`: JDBC (PostgreSQL, MariaDB). (Being built: see issue 12.) */
export const JDBC_SOURCE: SourceProvider = notBuiltSource('jdbc', 'JDBC (PostgreSQL, MariaDB)');
