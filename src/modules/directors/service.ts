import { namedResourceServiceOf, type NamedResource } from '../named-resources/service.js';

export const DIRECTORS: NamedResource = { table: 'directors', label: 'Director' };

export const createDirectorService = namedResourceServiceOf(DIRECTORS);
