import { namedResourceServiceOf, type NamedResource } from '../named-resources/service.js';

export const GENRES: NamedResource = { table: 'genres', label: 'Genre' };

export const createGenreService = namedResourceServiceOf(GENRES);
