import { namedResourceRoutesOf } from '../named-resources/routes.js';
import { DIRECTORS } from './service.js';

export const directorRoutes = namedResourceRoutesOf(DIRECTORS);
