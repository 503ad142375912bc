import { Type } from 'typebox';
import { Id } from '../../http/schemas.js';
import { NAME_LENGTH } from '../../shared/limits.js';

/** The tables of the resources that are only a name: genres and directors. */
export type NamedTable = 'genres' | 'directors';

/** Which resource: its table, and its name in messages and in the OpenAPI document ('Genre'). */
export interface NamedResource {
  readonly table: NamedTable;
  readonly label: string;
}

export const Name = Type.String({ minLength: NAME_LENGTH.min, maxLength: NAME_LENGTH.max });

export const namedObjectOf = ({ label }: NamedResource) =>
  Type.Object({ id: Id, name: Type.String() }, { title: label });
