import type { NamedResource } from '../named-resources/schemas.js';

export const DIRECTORS: NamedResource = { table: 'directors', label: 'Director' };
