import type { NamedResource } from '../named-resources/schemas.js';

export const GENRES: NamedResource = { table: 'genres', label: 'Genre' };
