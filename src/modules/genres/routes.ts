import { namedResourceRoutesOf } from '../named-resources/routes.js';
import { GENRES } from './schemas.js';

export const genreRoutes = namedResourceRoutesOf(GENRES);
