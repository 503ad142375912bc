/**
 * The key a name, title, username or email is unique and searched by: its lower case, computed
 * here rather than by the database so that Cyrillic behaves the same on SQLite and PostgreSQL.
 * Migration 2026_11_27_006 sizes every *_key column at twice its source on this rule.
 */
export const textKeyOf = (text: string): string => text.toLowerCase();
