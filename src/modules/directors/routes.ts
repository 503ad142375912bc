import { namedResourceRoutesOf } from '../named-resources/routes.js';
import { DIRECTORS } from './schemas.js';

export const directorRoutes = namedResourceRoutesOf(DIRECTORS);
