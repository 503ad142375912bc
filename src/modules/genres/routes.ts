import { namedResourceRoutesOf } from '../named-resources/routes.js';
import { GENRES } from './service.js';

export const genreRoutes = namedResourceRoutesOf(GENRES);
